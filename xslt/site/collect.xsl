<?xml version="1.0" encoding="UTF-8"?>
<!--
  collect.xsl: a document's summary for the site, as XML (no markup for readers).

  One <document> with the header metadata the index and timeline show, the register
  entries the document itself holds (with their authority identifiers), and every
  mention of an entity with the id of the passage on the document's page where it
  occurs (the ids page.xsl gives, so a register entry links to exactly that place).
  teikit.site.registers merges the summaries of all documents into the corpus registers.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:site="urn:teikit:site"
    exclude-result-prefixes="#all">

  <xsl:import href="page.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:template match="/">
    <xsl:variable name="date" select="site:date($tei)"/>
    <xsl:variable name="place" select="site:place($tei)"/>
    <document xmlns="urn:teikit:site" title="{(site:title($tei)[.], 'Untitled TEI document')[1]}"
              kind="{site:kind($tei)}" lang="{$doc-lang}">
      <xsl:if test="$date">
        <xsl:attribute name="date" select="$date"/>
        <xsl:attribute name="date-label" select="tk:human-date($date)"/>
      </xsl:if>
      <xsl:for-each select="tk:authors(.)[.]"><author name="{.}"/></xsl:for-each>
      <xsl:for-each select="site:correspondents($tei, 'sent')">
        <sender name="{site:name(.)}" ref="{normalize-space(@ref)}"/>
      </xsl:for-each>
      <xsl:for-each select="site:correspondents($tei, 'received')">
        <addressee name="{site:name(.)}" ref="{normalize-space(@ref)}"/>
      </xsl:for-each>
      <xsl:for-each select="$place"><place name="{tk:text(.)}" ref="{normalize-space(@ref)}"/></xsl:for-each>
      <xsl:for-each select="($header/tei:profileDesc/tei:abstract, $tei/tei:text/tei:body)[normalize-space()][1]">
        <excerpt><xsl:value-of select="substring(tk:text(.), 1, 240)"/></excerpt>
      </xsl:for-each>
      <xsl:apply-templates select="$entries" mode="site:entry"/>
      <xsl:apply-templates select="site:mentions($tei)" mode="site:mention"/>
    </document>
  </xsl:template>

  <!-- A register entry of this document: its id, name, dates and authority identifiers. -->
  <xsl:template match="*" mode="site:entry">
    <xsl:variable name="kind" select="tk:register-kind(.)"/>
    <entry xmlns="urn:teikit:site" kind="{if ($kind = 'treaty') then 'work' else $kind}"
           id="{@xml:id}" name="{tk:entry-name(.)}">
      <xsl:for-each select="(tei:event, tei:date, tei:birth, tei:death)[1]/(@when, @from, @notBefore)[1]
                            [matches(., '^\d{4}(-\d{2}(-\d{2})?)?$')]">
        <xsl:attribute name="date" select="."/>
      </xsl:for-each>
      <xsl:if test="tk:register-kind(.) = ('event', 'treaty')">
        <xsl:for-each select="(@when, @from, @notBefore, tei:date/(@when, @from, @notBefore))
                              [matches(., '^\d{4}(-\d{2}(-\d{2})?)?$')][1]">
          <xsl:attribute name="date" select="."/>
        </xsl:for-each>
      </xsl:if>
      <xsl:for-each select="distinct-values((tokenize(normalize-space(string-join((@ref, @sameAs, @corresp), ' ')))
                                             [matches(., '^https?://')],
                                             tei:idno ! tk:authority-url(@type, .))[.])">
        <authority href="{.}"/>
      </xsl:for-each>
    </entry>
  </xsl:template>

  <!-- A mention: what it points to, its words, and the passage of the page it is in. -->
  <xsl:template match="*" mode="site:mention">
    <xsl:variable name="target" select="tk:target(., @ref)[exists(tk:register-kind(.))][1]"/>
    <xsl:variable name="passage"
        select="(ancestor-or-self::*[tk:wants-id(.) or (tk:is-div(.) and tei:head)][tk:is-rendered(.)])[last()]"/>
    <xsl:variable name="section" select="ancestor::*[tk:is-div(.)][tei:head][1]"/>
    <mention xmlns="urn:teikit:site" kind="{site:mention-kind(.)}" ref="{normalize-space((@ref, @key)[1])}"
             name="{site:mention-name(.)}" words="{tk:text(.)}">
      <xsl:if test="$target"><xsl:attribute name="entry" select="$target/@xml:id"/></xsl:if>
      <xsl:choose>
        <xsl:when test="ancestor::tei:teiHeader"><xsl:attribute name="where">header</xsl:attribute></xsl:when>
        <xsl:otherwise>
          <xsl:attribute name="anchor" select="($passage ! tk:anchor(.), 'tk-text')[1]"/>
          <xsl:if test="$section">
            <xsl:attribute name="section" select="tk:text($section/tei:head[1])"/>
          </xsl:if>
        </xsl:otherwise>
      </xsl:choose>
    </mention>
  </xsl:template>

</xsl:stylesheet>
