<?xml version="1.0" encoding="UTF-8"?>
<!--
  html/scholarly.xsl: the scholarly phenomena in HTML, included by html.xsl.

  What is shown is decided in common/ (textcrit, transcription, msdescription,
  correspondence, verse-drama); this module only says how it looks on the page:
    critical apparatus  the text shows the lemma, a marker links to the entry in the
                        Apparatus section (and back); the witness list heads it
    Leiden signs        around supplied, ex, del, add, surplus; underdots in unclear;
                        gaps by their extent; numbered lines of an edition every 5th
    msDesc, correspDesc a structured description, a letter's header block
    verse               line numbers every 5th line, split lines stepped
  Line numbers are drawn by CSS from data-n, so they are not part of the text.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <!-- ==================================================================== -->
  <!-- Text at line breaks (joined words) and in unclear (underdots) -->

  <xsl:template match="text()[tk:at-joined-break(.)]">
    <xsl:value-of select="if (ancestor::tei:unclear) then tk:underdot(tk:text-at-break(.)) else tk:text-at-break(.)"/>
  </xsl:template>

  <xsl:template match="text()[ancestor::tei:unclear]">
    <xsl:value-of select="tk:underdot(.)"/>
  </xsl:template>

  <!-- ==================================================================== -->
  <!-- Critical apparatus -->

  <!-- A note inside an app belongs to its apparatus entry, not to the text. -->
  <xsl:template match="tei:app//tei:note" priority="3"/>

  <xsl:template match="tei:app[tk:app-in-text(.)]">
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="in-link" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="n" select="tk:app-number(.)"/>
    <xsl:apply-templates select="tk:app-lemma(.)/node()"/>
    <xsl:if test="$n gt 0 and not($plain)">
      <xsl:element name="{if ($in-link) then 'span' else 'a'}">
        <xsl:attribute name="class" select="'appref'"/>
        <xsl:attribute name="id" select="'app-ref-' || $n"/>
        <xsl:if test="not($in-link)">
          <xsl:attribute name="href" select="'#app-' || $n"/>
          <xsl:attribute name="role" select="'doc-noteref'"/>
          <xsl:attribute name="aria-label" select="'Variant ' || $n"/>
          <xsl:attribute name="title" select="tk:app-entry-text(.)"/>
        </xsl:if>
        <sup><xsl:value-of select="$n"/></sup>
      </xsl:element>
    </xsl:if>
  </xsl:template>

  <!-- An app outside the reading text (listApp, a note): its entry where it stands. -->
  <xsl:template match="tei:app">
    <span><xsl:call-template name="attrs"><xsl:with-param name="class" select="'app-entry'"/></xsl:call-template>
      <xsl:value-of select="tk:app-entry-text(.)"/></span>
  </xsl:template>

  <xsl:template match="tei:listApp">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:element name="{if ($phrasing) then 'span' else 'ul'}">
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="'listApp'"/></xsl:call-template>
      <xsl:for-each select="tei:app">
        <xsl:element name="{if ($phrasing) then 'span' else 'li'}">
          <xsl:value-of select="tk:app-entry-text(.)"/>
        </xsl:element>
      </xsl:for-each>
    </xsl:element>
  </xsl:template>

  <!-- The witness list (listWit) is printed with the apparatus, not in the text. -->
  <xsl:template match="tei:listWit[ancestor::tei:text]"/>

  <xsl:template name="apparatus">
    <xsl:variable name="apps" select="tk:apparatus(/)"/>
    <xsl:variable name="witnesses" select="tk:witnesses(/)"/>
    <xsl:if test="exists($apps) or exists($witnesses)">
      <section class="apparatus" id="tk-apparatus" aria-labelledby="tk-apparatus-h">
        <h2 id="tk-apparatus-h">Apparatus</h2>
        <xsl:if test="exists($witnesses)">
          <h3 id="tk-witnesses">Witnesses</h3>
          <dl class="witnesses">
            <xsl:for-each select="$witnesses">
              <dt><xsl:call-template name="lang"/><xsl:value-of select="tk:witness-siglum(.)"/></dt>
              <dd><xsl:call-template name="lang"/><xsl:value-of select="tk:witness-description(.)"/></dd>
            </xsl:for-each>
          </dl>
        </xsl:if>
        <xsl:if test="exists($apps)">
          <ol class="app-entries">
            <xsl:for-each select="$apps">
              <xsl:variable name="e" select="tk:app-entry(.)"/>
              <li id="app-{$e?n}" class="app-item">
                <xsl:for-each select="(ancestor-or-self::*[@xml:lang][1])[tk:is-language-tag(@xml:lang)]">
                  <xsl:attribute name="lang" select="tk:bcp47(@xml:lang)"/>
                  <xsl:if test="tk:direction(@xml:lang) = 'rtl'"><xsl:attribute name="dir" select="'rtl'"/></xsl:if>
                </xsl:for-each>
                <a class="app-num" href="#app-ref-{$e?n}" role="doc-backlink"
                   aria-label="Back to the text of variant {$e?n}"><xsl:value-of select="$e?n"/></a>
                <xsl:text> </xsl:text>
                <span class="app-locus"><xsl:value-of select="$e?locus"/></span>
                <xsl:text> </xsl:text>
                <xsl:choose>
                  <xsl:when test="$e?lemma">
                    <span class="app-lemma"><xsl:value-of select="$e?lemma"/></span>
                    <xsl:if test="$e?lemma-sigla"><xsl:text> </xsl:text><span class="app-sigla"><xsl:value-of select="$e?lemma-sigla"/></span></xsl:if>
                    <xsl:text>] </xsl:text>
                  </xsl:when>
                  <xsl:otherwise><span class="app-add">add. </span></xsl:otherwise>
                </xsl:choose>
                <xsl:for-each select="$e?readings?*">
                  <xsl:if test="position() gt 1">; </xsl:if>
                  <span class="app-rdg"><xsl:value-of select="if (?text) then ?text else 'om.'"/></span>
                  <xsl:if test="?sigla"><xsl:text> </xsl:text><span class="app-sigla"><xsl:value-of select="?sigla"/></span></xsl:if>
                </xsl:for-each>
                <xsl:for-each select="$e?notes?*[.]">
                  <span class="app-note"><xsl:value-of select="' — ' || ."/></span>
                </xsl:for-each>
              </li>
            </xsl:for-each>
          </ol>
        </xsl:if>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- ==================================================================== -->
  <!-- Transcription: Leiden signs -->

  <xsl:template match="tei:supplied | tei:ex | tei:surplus | tei:add | tei:del">
    <xsl:element name="{if (self::tei:add) then 'ins' else if (self::tei:del) then 'del' else 'span'}">
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="(local-name(), @reason ! ('reason-' || replace(., '[^A-Za-z0-9_-]', '-')))"/></xsl:call-template>
      <xsl:value-of select="tk:sign-open(.)"/>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
      <xsl:value-of select="tk:sign-close(.)"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:unclear">
    <span><xsl:call-template name="attrs"><xsl:with-param name="class" select="'unclear'"/></xsl:call-template>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates></span>
  </xsl:template>

  <xsl:template match="tei:gap">
    <span>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="'gap'"/></xsl:call-template>
      <xsl:variable name="why" select="string-join((@reason, (@quantity, @extent)[1] ! (. || ' ' || ../@unit)) ! normalize-space(.), ', ')"/>
      <xsl:if test="$why"><xsl:attribute name="title" select="$why"/></xsl:if>
      <xsl:value-of select="tk:gap-sign(.)"/>
    </span>
  </xsl:template>

  <xsl:template match="tei:subst">
    <span>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="'subst'"/></xsl:call-template>
      <xsl:if test="tei:del"><xsl:attribute name="title" select="'deleted: ' || normalize-space(string-join(tei:del, ' '))"/></xsl:if>
      <xsl:apply-templates select="tk:subst-shown(.)/node()"><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
    </span>
  </xsl:template>

  <!-- Editorial choices: the shown reading (common/transcription.xsl), the other on hover. -->
  <xsl:template match="tei:choice">
    <xsl:variable name="shown" select="tk:choice-shown(.)"/>
    <span>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="('choice', $shown ! local-name())"/></xsl:call-template>
      <xsl:for-each select="tk:choice-other(.)"><xsl:attribute name="title" select="."/></xsl:for-each>
      <xsl:apply-templates select="$shown/node()"><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
    </span>
  </xsl:template>

  <!-- Line breaks: a new line in verse-less prose only where the text had one; in an edition
       division every numbered line starts a new line (tk:lb-starts-line), its number shown
       every 5th. A word broken at the line end (break="no") is joined: no space, a hyphen
       drawn at the line end (tk:lb-hyphen), not part of the page's text. -->
  <xsl:template match="tei:lb">
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="first" select="empty(preceding-sibling::node()[self::* or normalize-space()])"/>
    <xsl:choose>
      <xsl:when test="tk:is-numbered-lb(.) and not($plain)">
        <xsl:if test="tk:lb-starts-line(.)">
          <xsl:if test="tk:lb-hyphen(.)"><span class="lb-hyphen" aria-hidden="true"></span></xsl:if>
          <br/>
        </xsl:if>
        <xsl:for-each select="tk:lb-number-shown(.)">
          <span class="lineno" data-n="{.}" aria-hidden="true"></span>
        </xsl:for-each>
      </xsl:when>
      <xsl:when test="$first or @break = 'no' or tk:joined-run(.)"/>
      <xsl:otherwise><br/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- EpiDoc divisions without a head are labelled: "Edition (interpretive)", "Translation". -->
  <xsl:template match="tei:div[not(tei:head)][exists(tk:div-label(.))]" priority="2">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="level" select="min((6, 2 + count(ancestor::tei:div[tei:head or exists(tk:div-label(.))])))"/>
    <xsl:element name="{if ($phrasing) then 'span' else 'section'}">
      <xsl:call-template name="attrs">
        <xsl:with-param name="class" select="('div', @type ! ('div-' || replace(., '[^A-Za-z0-9_-]', '-')),
                                              @subtype ! ('subtype-' || replace(., '[^A-Za-z0-9_-]', '-')))"/>
      </xsl:call-template>
      <xsl:if test="not(@xml:id) and not($plain)"><xsl:attribute name="id" select="tk:id(.)"/></xsl:if>
      <xsl:element name="{if ($phrasing) then 'span' else 'h' || $level}">
        <xsl:attribute name="class" select="'head div-label'"/>
        <xsl:value-of select="tk:div-label(.)"/>
      </xsl:element>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <!-- ==================================================================== -->
  <!-- Verse: line numbers every 5th line, split lines stepped -->

  <xsl:template match="tei:l">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="step" select="tk:line-step(.)"/>
    <xsl:element name="{if ($phrasing) then 'span' else 'div'}">
      <xsl:call-template name="attrs">
        <xsl:with-param name="class" select="('l', @part ! ('part-' || upper-case(.)), if ($phrasing) then 'block' else ())"/>
      </xsl:call-template>
      <xsl:if test="$step gt 0"><xsl:attribute name="style" select="'padding-inline-start: ' || ($step * 0.5) || 'em'"/></xsl:if>
      <xsl:if test="not($plain)">
        <xsl:for-each select="tk:line-number-shown(.)">
          <span class="lineno" data-n="{.}" aria-hidden="true"></span>
        </xsl:for-each>
      </xsl:if>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
    </xsl:element>
  </xsl:template>

  <!-- ==================================================================== -->
  <!-- Manuscript descriptions and letters, after the title block -->

  <xsl:template name="source-description">
    <xsl:variable name="corresp" select="tk:corresp-parts(/)"/>
    <xsl:if test="exists($corresp)">
      <dl class="corresp">
        <xsl:if test="$corresp?sender or $corresp?addressee">
          <dt>Letter</dt>
          <dd><span class="corresp-sender"><xsl:value-of select="($corresp?sender[.], '?')[1]"/></span>
            <xsl:text> → </xsl:text>
            <span class="corresp-addressee"><xsl:value-of select="($corresp?addressee[.], '?')[1]"/></span></dd>
        </xsl:if>
        <xsl:if test="$corresp?place"><dt>Place</dt><dd><xsl:value-of select="$corresp?place"/></dd></xsl:if>
        <xsl:if test="$corresp?date"><dt>Date</dt><dd><xsl:value-of select="$corresp?date"/></dd></xsl:if>
      </dl>
    </xsl:if>
    <xsl:for-each select="tk:ms-descriptions(/)">
      <section class="msdesc" id="tk-msdesc-{position()}" aria-labelledby="tk-msdesc-{position()}-h">
        <xsl:call-template name="lang"/>
        <h2 id="tk-msdesc-{position()}-h">Manuscript description</h2>
        <xsl:variable name="ident" select="tk:ms-identifier(.)"/>
        <xsl:if test="$ident"><p class="ms-identifier"><xsl:value-of select="$ident"/></p></xsl:if>
        <xsl:apply-templates select="* except tei:msIdentifier" mode="msdesc"/>
        <xsl:apply-templates select="tei:msIdentifier/(* except (tei:country | tei:region | tei:settlement | tei:institution
                                     | tei:repository | tei:collection | tei:idno[not(@type = ('URI', 'uri'))] | tei:msName))"
                             mode="msdesc"/>
      </section>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="*" mode="msdesc">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="label" select="tk:ms-label(.)"/>
    <xsl:variable name="section" select="tk:ms-is-section(.) and not($phrasing)"/>
    <xsl:element name="{if ($section) then 'div' else 'span'}">
      <xsl:attribute name="class" select="'ms ms-' || local-name()"/>
      <xsl:call-template name="lang"/>
      <xsl:if test="$label">
        <xsl:element name="{if ($section) then 'p' else 'span'}">
          <xsl:attribute name="class" select="'ms-label'"/>
          <xsl:value-of select="$label || (if ($section) then '' else ': ')"/>
        </xsl:element>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="$section and exists(text()[normalize-space()])">
          <p class="ms-text"><xsl:apply-templates mode="msdesc"><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates></p>
        </xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates mode="msdesc"><xsl:with-param name="phrasing" select="$phrasing or not($section)" tunnel="yes"/></xsl:apply-templates>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:element>
    <xsl:if test="not($section)"><xsl:text> </xsl:text></xsl:if>
  </xsl:template>

  <xsl:template match="tei:lb" mode="msdesc"><br/></xsl:template>
  <xsl:template match="tei:pb | tei:milestone | comment() | processing-instruction()" mode="msdesc"/>
  <xsl:template match="text()" mode="msdesc"><xsl:value-of select="."/></xsl:template>

  <!-- ==================================================================== -->
  <!-- Facsimiles (common/figures.xsl): at a page break with @facs a link to its image; the
       images embedded by the build in a Facsimile section after the apparatus, each linked
       back to its page; a remote image (IIIF, http) is a plain link; a local one the build
       could not embed is named. -->

  <xsl:variable name="tk:facs-data" as="map(*)" select="parse-json($facsimiles)"/>

  <xsl:template name="pb-facs">
    <xsl:variable name="url" select="tk:pb-facs(.)"/>
    <xsl:if test="exists($url)">
      <xsl:variable name="i" select="index-of(tk:facs-images(.), $url)[1]"/>
      <xsl:variable name="page" select="normalize-space(@n)[.] ! ('page ' || .)"/>
      <xsl:if test="exists($page)"><xsl:text> </xsl:text></xsl:if>
      <xsl:choose>
        <xsl:when test="map:contains($tk:facs-data, $url)">
          <a class="facs-link" href="#facs-{$i}" id="{'facs-ref-' || $i || (if (count(root(.)//tei:pb[tk:pb-facs(.) = $url]) gt 1) then '-' || generate-id(.) else '')}"
             aria-label="facs. ({string-join(('facsimile', $page), ' of ')})">facs.</a>
        </xsl:when>
        <xsl:when test="tk:is-remote($url)">
          <a class="facs-link" href="{$url}" aria-label="facs. ({string-join(('facsimile', $page), ' of ')}, external)">facs.</a>
        </xsl:when>
        <xsl:otherwise><span class="facs-name" title="facsimile image (not in the page)">facs. <xsl:value-of select="$url"/></span></xsl:otherwise>
      </xsl:choose>
    </xsl:if>
  </xsl:template>

  <xsl:template name="facsimile">
    <xsl:variable name="images" select="tk:facs-images(/)[map:contains($tk:facs-data, .) or tk:is-remote(.)]"/>
    <xsl:variable name="all" select="tk:facs-images(/)"/>
    <xsl:variable name="doc" select="/"/>
    <xsl:if test="exists($images)">
      <section class="facsimile" id="tk-facsimile" aria-labelledby="tk-facsimile-h">
        <h2 id="tk-facsimile-h">Facsimile</h2>
        <ol class="facs-images">
          <xsl:for-each select="$images">
            <xsl:variable name="url" select="."/>
            <xsl:variable name="i" select="index-of($all, $url)[1]"/>
            <xsl:variable name="pbs" select="$doc//tei:text//tei:pb[tk:pb-facs(.) = $url]"/>
            <xsl:variable name="label" select="string-join(('Facsimile', ($pbs/@n[normalize-space()])[1] ! ('page ' || normalize-space(.))), ' of ')"/>
            <li id="facs-{$i}">
              <figure>
                <xsl:choose>
                  <xsl:when test="map:contains($tk:facs-data, $url)">
                    <img src="{$tk:facs-data($url)}" alt="{$label}" loading="lazy"/>
                  </xsl:when>
                  <xsl:otherwise><a href="{$url}"><xsl:value-of select="$url"/></a></xsl:otherwise>
                </xsl:choose>
                <figcaption>
                  <xsl:value-of select="$label"/>
                  <xsl:if test="map:contains($tk:facs-data, $url)"><xsl:text> · </xsl:text><xsl:value-of select="$url"/></xsl:if>
                  <xsl:if test="exists($pbs) and map:contains($tk:facs-data, $url)">
                    <xsl:text> · </xsl:text>
                    <a href="#facs-ref-{$i}{if (count($pbs) gt 1) then '-' || generate-id($pbs[1]) else ''}" role="doc-backlink">back to the text</a>
                  </xsl:if>
                </figcaption>
              </figure>
            </li>
          </xsl:for-each>
        </ol>
      </section>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
