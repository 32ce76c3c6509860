<?xml version="1.0" encoding="UTF-8"?>
<!--
  html/sourcedoc.xsl: the diplomatic page view in HTML, included by html.xsl.

  What is shown is decided in common/sourcedoc.xsl. Here: a "Pages" section after the
  reading text, one section per page; the page image (embedded by the build, as a page
  break's) beside the transcription on wide screens and above it on narrow ones; each zone a
  block under its label; each line a line with its number in a gutter (drawn by CSS from
  data-n, so copying the text does not copy the numbers).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <xsl:template name="page-view">
    <xsl:variable name="pages" select="tk:pages(/)"/>
    <xsl:if test="exists($pages)">
      <section class="pages" id="tk-pages" aria-labelledby="tk-pages-h">
        <h2 id="tk-pages-h">Pages</h2>
        <xsl:for-each select="$pages">
          <xsl:variable name="i" select="position()"/>
          <xsl:variable name="label" select="tk:page-label(.)"/>
          <xsl:variable name="url" select="tk:page-image(.)"/>
          <xsl:variable name="embedded" select="exists($url) and map:contains($tk:facs-data, $url)"/>
          <section class="page" id="tk-page-{$i}" aria-labelledby="tk-page-{$i}-h">
            <xsl:call-template name="lang"/>
            <h3 id="tk-page-{$i}-h"><xsl:value-of select="$label"/></h3>
            <xsl:for-each select="tk:page-desc(.)"><p class="page-desc"><xsl:value-of select="."/></p></xsl:for-each>
            <div class="{string-join(('page-body', if ($embedded) then 'with-image' else ()), ' ')}">
              <xsl:if test="exists($url)">
                <figure class="page-image">
                  <xsl:choose>
                    <xsl:when test="$embedded">
                      <div class="page-image-frame">
                        <img src="{$tk:facs-data($url)}" alt="Facsimile of {lower-case(substring($label, 1, 1)) || substring($label, 2)}"/>
                        <xsl:call-template name="zone-outlines"/>
                      </div>
                      <figcaption><xsl:value-of select="$url"/></figcaption>
                    </xsl:when>
                    <xsl:when test="tk:is-remote($url)">
                      <figcaption><a href="{$url}">Facsimile</a><xsl:text> (</xsl:text><xsl:value-of select="$url"/>)</figcaption>
                    </xsl:when>
                    <xsl:otherwise>
                      <figcaption><span class="facs-name" title="facsimile image (not in the page)">facs. <xsl:value-of select="$url"/></span></figcaption>
                    </xsl:otherwise>
                  </xsl:choose>
                </figure>
              </xsl:if>
              <div class="page-text">
                <xsl:apply-templates select="tk:page-parts(.)" mode="page"/>
              </div>
            </div>
          </section>
        </xsl:for-each>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- The zones with coordinates, outlined over the page image (drawn only; the zones
       themselves are in the transcription beside it). -->
  <xsl:template name="zone-outlines">
    <xsl:variable name="space" select="tk:page-space(.)"/>
    <xsl:variable name="zones" select="(.//tei:zone | .//tei:surface)[exists(tk:zone-shape(.))][not(tk:is-line-zone(.))]"/>
    <xsl:if test="exists($space) and exists($zones)">
      <svg xmlns="http://www.w3.org/2000/svg" class="zone-outlines" viewBox="{string-join($space ! string(.), ' ')}"
           preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <xsl:for-each select="$zones">
          <xsl:variable name="shape" select="tokenize(tk:zone-shape(.), ' ')"/>
          <xsl:choose>
            <xsl:when test="$shape[1] = 'rect'">
              <rect x="{$shape[2]}" y="{$shape[3]}" width="{$shape[4]}" height="{$shape[5]}" vector-effect="non-scaling-stroke"/>
            </xsl:when>
            <xsl:otherwise><polygon points="{string-join(subsequence($shape, 2), ' ')}" vector-effect="non-scaling-stroke"/></xsl:otherwise>
          </xsl:choose>
        </xsl:for-each>
      </svg>
    </xsl:if>
  </xsl:template>

  <xsl:template match="tei:zone | tei:surface | tei:surfaceGrp" mode="page">
    <xsl:variable name="label" select="tk:zone-label(.)"/>
    <div>
      <xsl:call-template name="attrs">
        <xsl:with-param name="class" select="('zone', @type ! ('zone-' || replace(lower-case(.), '[^a-z0-9_-]', '-')),
                                              if (normalize-space(@rotate) and not(number(@rotate) = (0, 360))) then 'rotated' else ())"/>
      </xsl:call-template>
      <xsl:if test="$label"><p class="zone-label"><xsl:value-of select="$label"/></p></xsl:if>
      <xsl:apply-templates select="tk:page-parts(.)" mode="page"/>
    </div>
  </xsl:template>

  <xsl:template match="tei:line" mode="page">
    <div>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="'line'"/></xsl:call-template>
      <span class="line-n" data-n="{tk:page-line-number(.)}" aria-hidden="true"></span>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
    </div>
  </xsl:template>

  <!-- Text of a zone outside its lines, a note of the editor's among them. -->
  <xsl:template match="tei:ab | tei:seg | text()" mode="page">
    <div class="line line-unnumbered"><xsl:apply-templates select="if (. instance of text()) then . else node()">
      <xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates></div>
  </xsl:template>

  <xsl:template match="tei:note" mode="page">
    <p class="page-note">[<xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>]</p>
  </xsl:template>

  <!-- ==================================================================== -->
  <!-- Inside a line: what the diplomatic view shows differently from the reading text. -->

  <xsl:template match="tei:sourceDoc//tei:choice" priority="4">
    <span>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="('choice', tk:page-shown(.)[1] ! local-name())"/></xsl:call-template>
      <xsl:for-each select="tk:page-choice-other(.)"><xsl:attribute name="title" select="."/></xsl:for-each>
      <xsl:apply-templates select="tk:page-shown(.)"><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
    </span>
  </xsl:template>

  <xsl:template match="tei:sourceDoc//tei:subst | tei:sourceDoc//tei:app" priority="4">
    <span>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="local-name()"/></xsl:call-template>
      <xsl:apply-templates select="tk:page-shown(.)"><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
    </span>
  </xsl:template>

  <xsl:template match="tei:sourceDoc//tei:add[@place]" priority="4">
    <ins>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="('add', 'place-' || replace(lower-case(@place), '[^a-z0-9_-]', '-'))"/></xsl:call-template>
      <xsl:attribute name="title" select="tk:add-place(.)"/>
      <xsl:value-of select="tk:sign-open(.)"/>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
      <xsl:value-of select="tk:sign-close(.)"/>
    </ins>
  </xsl:template>

  <xsl:template match="tei:sourceDoc//tei:mod[tk:is-cancelled(.)]" priority="5">
    <del>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="('mod', 'del')"/></xsl:call-template>
      <xsl:text>⟦</xsl:text>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
      <xsl:text>⟧</xsl:text>
    </del>
  </xsl:template>

  <xsl:template match="tei:sourceDoc//tei:fw | tei:sourceDoc//tei:retrace | tei:sourceDoc//tei:mod
                       | tei:sourceDoc//tei:metamark | tei:sourceDoc//tei:restore | tei:sourceDoc//tei:damage" priority="4">
    <span>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="local-name()"/></xsl:call-template>
      <xsl:if test="self::tei:metamark and normalize-space(@function)"><xsl:attribute name="title" select="'metamark: ' || normalize-space(@function)"/></xsl:if>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
    </span>
  </xsl:template>

  <xsl:template match="tei:sourceDoc//tei:note" priority="4">
    <span class="page-note">[<xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>]</span>
  </xsl:template>

  <xsl:template match="tei:sourceDoc//tei:handShift | tei:sourceDoc//tei:graphic | tei:sourceDoc//tei:label
                       | tei:sourceDoc//tei:desc | tei:sourceDoc//tei:path" priority="4"/>

</xsl:stylesheet>
