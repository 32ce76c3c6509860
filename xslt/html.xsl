<?xml version="1.0" encoding="UTF-8"?>
<!--
  html.xsl: TEI P5 to a self-contained HTML5 reading edition.

  One page per document: title block (authors with ORCID and affiliations, source,
  abstract, keywords), table of contents, the text with page-break markers, entity
  links and note markers, endnotes with links back to their markers, registers of
  persons, places, organisations, events, treaties and works with every occurrence
  linked back, a timeline of dated events and treaties, a how-to-cite block.
  The stylesheet in assets/edition.css is inlined; the page needs no network.

  Rendering context travels in tunnel parameters:
    phrasing  the HTML parent accepts only phrasing content, so TEI blocks become spans
    plain     a copy (table of contents, pull quote): no ids, no links, no note markers
    in-link   inside an <a>: entities become spans (links do not nest)
  Text from the TEI is only ever written as text nodes or attribute values, never as markup.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="#all">

  <xsl:import href="common.xsl"/>
  <xsl:include href="html/scholarly.xsl"/>
  <xsl:include href="html/sourcedoc.xsl"/>

  <xsl:output method="html" html-version="5" encoding="UTF-8" indent="no" include-content-type="no"/>

  <xsl:param name="generator" as="xs:string" select="'teikit'"/>

  <!-- The CSS of the page (xslt/assets/edition.css), handed over by teikit.write.html:
       transformations read no files. -->
  <xsl:param name="css" as="xs:string" select="''"/>
  <!-- The page images embedded by the build (teikit.write.facsimile): a JSON object, address → data: URI. -->
  <xsl:param name="facsimiles" as="xs:string" select="'{}'"/>

  <xsl:variable name="tei" select="(/tei:TEI, /tei:teiCorpus, /*)[1]" as="element()"/>
  <xsl:variable name="header" select="$tei/tei:teiHeader"/>
  <xsl:variable name="source" select="($header/tei:fileDesc/tei:sourceDesc/tei:biblStruct)[1]"/>
  <xsl:variable name="doc-lang" as="xs:string"
      select="(($tei/@xml:lang, $tei/tei:text/@xml:lang,
                $header/tei:profileDesc/tei:langUsage/tei:language[1]/@ident)[normalize-space()]
               [tk:is-language-tag(.)] ! tk:bcp47(.), 'en')[1]"/>

  <!-- Register entries: children of register lists anywhere outside the reading text. -->
  <xsl:variable name="entries" as="element()*"
      select="//*[tk:is-register(.)][not(ancestor::tei:text) or ancestor::tei:back]/*[exists(tk:register-kind(.))]
              [not(self::tei:event[@type = ('written', 'print', 'premiere')][empty(@xml:id)])]"/>

  <!-- Dated events and treaties, for the timeline. -->
  <xsl:variable name="dated-entries" as="element()*"
      select="$entries[tk:register-kind(.) = ('event', 'treaty')][exists(tk:sort-date(.))]"/>

  <xsl:variable name="kinds" as="map(xs:string, xs:string)"
      select="map{'person': 'Persons', 'place': 'Places', 'org': 'Organisations', 'event': 'Events',
                  'treaty': 'Treaties and other instruments', 'work': 'Works'}"/>

  <!-- ==================================================================== -->
  <!-- The page -->

  <!-- Indentation inside a cast list's role (a <name> on its own line) is not text. -->
  <xsl:strip-space elements="tei:role tei:castItem"/>

  <xsl:template match="/">
    <xsl:variable name="title" select="tk:title(.)"/>
    <html lang="{$doc-lang}">
      <xsl:if test="tk:direction($doc-lang) = 'rtl'"><xsl:attribute name="dir" select="'rtl'"/></xsl:if>
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta http-equiv="Content-Security-Policy"
              content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'"/>
        <title><xsl:value-of select="($title[.], 'Untitled TEI document')[1]"/></title>
        <meta name="generator" content="{$generator}"/>
        <xsl:call-template name="citation-meta"/>
        <style><xsl:value-of select="$css"/></style>
      </head>
      <body>
        <!-- A document that is only a documentary transcription has its text in the page view. -->
        <a class="skip-link" href="#{if (empty($tei/tei:text) and exists(tk:pages(/))) then 'tk-pages' else 'tk-text'}">Skip to the text</a>
        <xsl:call-template name="readbar"/>
        <header class="masthead">
          <xsl:if test="$source">
            <p class="masthead-source"><xsl:apply-templates select="$source" mode="citation"/></p>
          </xsl:if>
        </header>
        <main id="tk-main">
          <article class="edition">
            <xsl:call-template name="title-block"/>
            <xsl:call-template name="source-description"/>
            <xsl:call-template name="toc"/>
            <div class="text" id="tk-text">
              <xsl:apply-templates select="$tei/tei:text"/>
              <!-- A teiCorpus: each document under its own title. -->
              <xsl:for-each select="$tei/tei:TEI">
                <section class="corpus-member" aria-labelledby="tk-member-{position()}">
                  <xsl:call-template name="lang"/>
                  <h2 id="tk-member-{position()}">
                    <xsl:value-of select="(tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title ! tk:text(.))[.][1]"/>
                  </h2>
                  <xsl:apply-templates select="tei:text"/>
                </section>
              </xsl:for-each>
            </div>
            <xsl:call-template name="page-view"/>
            <xsl:call-template name="endnotes"/>
            <xsl:call-template name="apparatus"/>
            <xsl:call-template name="facsimile"/>
          </article>
          <xsl:call-template name="registers"/>
          <xsl:call-template name="timeline"/>
          <xsl:call-template name="how-to-cite"/>
        </main>
        <footer class="colophon">
          <xsl:for-each select="$header/tei:fileDesc/tei:publicationStmt/tei:availability">
            <div class="licence"><xsl:apply-templates select="node()"/></div>
          </xsl:for-each>
          <p>Generated by <xsl:value-of select="$generator"/> from TEI P5.</p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- Bibliographic meta tags read by reference managers and scholarly search engines. -->
  <xsl:template name="citation-meta">
    <xsl:variable name="analytic" select="$source/tei:analytic"/>
    <xsl:variable name="monogr" select="$source/tei:monogr"/>
    <meta name="citation_title" content="{tk:title(/)}"/>
    <xsl:for-each select="tk:authors(/)">
      <meta name="citation_author" content="{.}"/>
    </xsl:for-each>
    <xsl:for-each select="($monogr/tei:title[@level = 'j'])[1]">
      <meta name="citation_journal_title" content="{tk:text(.)}"/>
    </xsl:for-each>
    <xsl:for-each select="($monogr/tei:imprint/tei:biblScope[@unit = 'volume'])[1]">
      <meta name="citation_volume" content="{tk:text(.)}"/>
    </xsl:for-each>
    <xsl:for-each select="($monogr/tei:imprint/tei:biblScope[@unit = 'issue'])[1]">
      <meta name="citation_issue" content="{tk:text(.)}"/>
    </xsl:for-each>
    <xsl:for-each select="($monogr/tei:imprint/tei:biblScope[@unit = 'page'][@from])[1]">
      <meta name="citation_firstpage" content="{@from}"/>
      <xsl:if test="@to"><meta name="citation_lastpage" content="{@to}"/></xsl:if>
    </xsl:for-each>
    <xsl:for-each select="($monogr/tei:imprint/tei:date)[1]">
      <meta name="citation_publication_date" content="{(@when, tk:text(.))[1]}"/>
    </xsl:for-each>
    <xsl:for-each select="tk:doi()">
      <meta name="citation_doi" content="{.}"/>
    </xsl:for-each>
    <xsl:for-each select="($header/tei:profileDesc/tei:abstract)[1]">
      <meta name="description" content="{tk:text(.)}"/>
    </xsl:for-each>
  </xsl:template>

  <!-- The DOI of the work: the source's, else the edition's own. -->
  <xsl:function name="tk:doi" as="xs:string?">
    <xsl:sequence select="(($source//tei:idno, $header/tei:fileDesc/tei:publicationStmt/tei:idno)
                           [lower-case(@type) = 'doi'] ! normalize-space(replace(., '^(https?://(dx\.)?doi\.org/|doi:)', '')))[1]"/>
  </xsl:function>

  <!-- ==================================================================== -->
  <!-- Title block -->

  <xsl:template name="title-block">
    <xsl:variable name="stmt" select="$header/tei:fileDesc/tei:titleStmt"/>
    <header class="title-block">
      <h1><xsl:value-of select="(tk:title(/)[.], 'Untitled TEI document')[1]"/></h1>
      <xsl:for-each select="$stmt/tei:title[@type = ('sub', 'subtitle')]">
        <p class="subtitle"><xsl:call-template name="lang"/><xsl:apply-templates/></p>
      </xsl:for-each>
      <xsl:if test="$stmt/tei:author">
        <ul class="authors">
          <xsl:for-each select="$stmt/tei:author">
            <xsl:variable name="pos" select="position()"/>
            <xsl:if test="not(tk:front-carries($tei, .))">
            <li class="author">
              <xsl:call-template name="lang"/>
              <span class="author-name"><xsl:value-of select="tk:authors(/)[$pos]"/></span>
              <xsl:for-each select="tei:affiliation[not(tk:front-carries($tei, .))]">
                <span class="affiliation"><xsl:call-template name="lang"/><xsl:apply-templates/></span>
              </xsl:for-each>
              <xsl:call-template name="authority-links">
                <xsl:with-param name="owner" select="."/>
              </xsl:call-template>
            </li>
            </xsl:if>
          </xsl:for-each>
        </ul>
      </xsl:if>
      <xsl:for-each select="$header/tei:profileDesc/tei:abstract[not(tk:front-carries($tei, .))]">
        <section class="abstract" aria-labelledby="tk-abstract-{position()}">
          <xsl:call-template name="lang"/>
          <h2 id="tk-abstract-{position()}">Abstract</h2>
          <xsl:apply-templates/>
        </section>
      </xsl:for-each>
      <xsl:for-each select="$header/tei:profileDesc/tei:textClass/tei:keywords[.//tei:term]
                            [not($tei/tei:text/tei:front//*[@type = 'keywords'])]">
        <p class="keywords">
          <xsl:call-template name="lang"/>
          <span class="label">Keywords: </span>
          <xsl:for-each select=".//tei:term">
            <xsl:if test="position() gt 1">, </xsl:if>
            <xsl:variable name="href" select="tk:href(., @ref)"/>
            <xsl:element name="{if ($href) then 'a' else 'span'}">
              <xsl:if test="$href"><xsl:attribute name="href" select="$href"/></xsl:if>
              <!-- Like the names of the text: reached through the index, not by Tab. -->
              <xsl:if test="$href and exists(tk:page-target(., @ref))"><xsl:attribute name="tabindex" select="-1"/></xsl:if>
              <xsl:attribute name="class" select="string-join(('keyword', tk:page-target(., @ref) ! ('ent ent-' || tk:register-kind(.))), ' ')"/>
              <xsl:call-template name="lang"/>
              <xsl:apply-templates>
                <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
                <xsl:with-param name="in-link" select="exists($href)" tunnel="yes"/>
              </xsl:apply-templates>
            </xsl:element>
          </xsl:for-each>
        </p>
      </xsl:for-each>
    </header>
  </xsl:template>

  <!-- ==================================================================== -->
  <!-- The reading bar: back to the contents, to the notes, and the entity switch with its
       legend (a checkbox the CSS reads: no script). Layout and page marks explained. -->

  <xsl:template name="readbar">
    <xsl:variable name="has-toc" select="count($tei//tei:text//*[tk:is-div(.)][tei:head][not(tk:is-notes-div(.))]) ge 2"/>
    <xsl:variable name="names" select="exists($tei/tei:text//(tei:persName | tei:placeName | tei:orgName | tei:rs | tei:name)[@ref])"/>
    <nav class="readbar" aria-label="Reading tools">
      <a href="{if ($has-toc) then '#tk-toc' else '#tk-main'}"><xsl:value-of select="if ($has-toc) then 'Contents' else 'Top'"/></a>
      <xsl:if test="exists(tk:numbered-notes(/))"><a href="#tk-notes">Notes</a></xsl:if>
      <xsl:if test="exists($entries)"><a href="#tk-index">Index</a></xsl:if>
      <xsl:if test="$names">
        <label class="ent-toggle"><input type="checkbox" id="tk-ent-switch"/> Highlight names</label>
        <ul class="legend" aria-label="Kinds of names">
          <xsl:for-each select="('person', 'place', 'org', 'event', 'treaty', 'work')[. = $entries ! tk:register-kind(.)]">
            <li><span class="ent ent-{.}"><xsl:value-of select="tk:kind-label(.)"/></span></li>
          </xsl:for-each>
        </ul>
      </xsl:if>
      <xsl:variable name="breaks" select="exists($tei/tei:text//tei:milestone[@unit = 'layoutBreak'])"/>
      <xsl:variable name="pages" select="exists($tei/tei:text//tei:pb[normalize-space(@n)])"/>
      <xsl:if test="$breaks or $pages">
        <p class="legend-breaks">
          <xsl:if test="$pages"><span><span class="pb-label">p. 1</span> page of the source</span></xsl:if>
          <xsl:if test="$breaks"><span><span class="break-mark" aria-hidden="true">¦</span> line break in the source</span></xsl:if>
        </p>
      </xsl:if>
    </nav>
  </xsl:template>

  <xsl:function name="tk:kind-label" as="xs:string">
    <xsl:param name="kind" as="xs:string"/>
    <xsl:sequence select="(map{'person': 'Person', 'place': 'Place', 'org': 'Organisation', 'event': 'Event',
                               'treaty': 'Treaty', 'work': 'Work', 'date': 'Date'}($kind), 'Name')[1]"/>
  </xsl:function>

  <!-- Is the link's text its own address (so print need not repeat it)? -->
  <xsl:function name="tk:shows-address" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:param name="href" as="xs:string"/>
    <xsl:variable name="bare" select="function($u) { replace(replace(replace(normalize-space($u), '^https?://', ''), '^www\.', ''), '/$', '') }"/>
    <xsl:sequence select="exists($e/self::tei:ptr) or empty($e/node()) or $bare(string($e)) = $bare($href)"/>
  </xsl:function>

  <!-- ==================================================================== -->
  <!-- Note calls: a link to the endnote (wide screens, print) and a button that opens the note
       as a popover (narrow screens), followed by the note itself, which wide screens float into
       the margin beside its line. The copy carries no ids. -->

  <xsl:template name="note-call">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:param name="first" as="xs:boolean"/>
    <xsl:param name="in-link" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="in-heading" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="copy" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="n" select="tk:note-number($note)"/>
    <xsl:variable name="id" select="tk:id($note)"/>
    <xsl:choose>
      <xsl:when test="$in-link or $copy">
        <span class="noteref">
          <xsl:if test="$first and not($copy)"><xsl:attribute name="id" select="'ref-' || $id"/></xsl:if>
          <sup><xsl:value-of select="$n"/></sup>
        </span>
      </xsl:when>
      <xsl:when test="$in-heading or not($first)">
        <a class="noteref" href="#{$id}" role="doc-noteref" aria-label="Note {$n}">
          <xsl:if test="$first"><xsl:attribute name="id" select="'ref-' || $id"/></xsl:if>
          <sup><xsl:value-of select="$n"/></sup>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <span class="notecall" id="ref-{$id}">
          <a class="noteref" href="#{$id}" role="doc-noteref" aria-label="Note {$n}"><sup><xsl:value-of select="$n"/></sup></a>
          <button type="button" class="note-call" popovertarget="sn-{$id}" aria-label="Show note {$n}"><sup><xsl:value-of select="$n"/></sup></button>
        </span>
        <span class="sidenote" id="sn-{$id}" popover="" role="note" aria-label="Note {$n}">
          <xsl:for-each select="$note"><xsl:call-template name="lang"/></xsl:for-each>
          <span class="sidenote-num"><xsl:value-of select="$n"/></span>
          <xsl:apply-templates select="$note/node()">
            <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
            <xsl:with-param name="copy" select="true()" tunnel="yes"/>
          </xsl:apply-templates>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ==================================================================== -->
  <!-- Table of contents: divisions that have a heading, nested as in the text. -->

  <xsl:template name="toc">
    <xsl:variable name="top" select="($tei//tei:text//*[tk:is-div(.)][tei:head][not(tk:is-notes-div(.))]
                                      [empty(ancestor::*[tk:is-div(.)][tei:head])])
                                      [not(ancestor-or-self::*[tk:is-pull-quote(.)])]"/>
    <xsl:if test="count($tei//tei:text//*[tk:is-div(.)][tei:head][not(tk:is-notes-div(.))]) ge 2">
      <nav class="toc" id="tk-toc" aria-labelledby="tk-toc-h">
        <h2 id="tk-toc-h">Contents</h2>
        <ol>
          <xsl:apply-templates select="$top" mode="toc"/>
          <xsl:if test="exists(tk:pages(/))"><li><a href="#tk-pages">Pages</a></li></xsl:if>
          <xsl:if test="exists(tk:numbered-notes(/))"><li><a href="#tk-notes"><xsl:value-of select="tk:notes-heading(/)"/></a></li></xsl:if>
          <xsl:if test="exists($entries)"><li><a href="#tk-index">Index</a></li></xsl:if>
          <xsl:if test="exists($dated-entries)"><li><a href="#tk-timeline">Timeline</a></li></xsl:if>
          <li><a href="#tk-cite">How to cite</a></li>
        </ol>
      </nav>
    </xsl:if>
  </xsl:template>

  <xsl:template match="*" mode="toc">
    <xsl:variable name="me" select="."/>
    <xsl:variable name="children" select=".//*[tk:is-div(.)][tei:head][ancestor::*[tk:is-div(.)][tei:head][1] is $me]
                                          [not(tk:is-notes-div(.))]"/>
    <li>
      <a href="#{tk:id(.)}">
        <xsl:apply-templates select="tei:head[1]/node()">
          <xsl:with-param name="plain" select="true()" tunnel="yes"/>
          <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
        </xsl:apply-templates>
      </a>
      <xsl:if test="$children">
        <ol><xsl:apply-templates select="$children" mode="toc"/></ol>
      </xsl:if>
    </li>
  </xsl:template>

  <xsl:function name="tk:is-div" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/self::tei:div | $e/self::tei:div1 | $e/self::tei:div2 | $e/self::tei:div3
                          | $e/self::tei:div4 | $e/self::tei:div5 | $e/self::tei:div6 | $e/self::tei:div7)"/>
  </xsl:function>

  <!-- ==================================================================== -->
  <!-- Shared attributes: id (targets of links), lang, class. -->

  <xsl:template name="attrs">
    <xsl:param name="class" as="xs:string*" select="()"/>
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="copy" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:if test="not($plain) and not($copy) and tk:wants-id(.)">
      <xsl:attribute name="id" select="tk:id(.)"/>
    </xsl:if>
    <xsl:call-template name="lang"/>
    <xsl:variable name="classes" select="($class, tk:rend-classes(.))[normalize-space()]"/>
    <xsl:if test="exists($classes)">
      <xsl:attribute name="class" select="string-join(distinct-values($classes), ' ')"/>
    </xsl:if>
  </xsl:template>

  <!-- xml:lang becomes lang when it is a well-formed language tag (BCP 47 syntax), and dir
       where the writing direction changes (tk:direction: rtl, ltr, or auto for an unknown
       language). -->
  <xsl:template name="lang">
    <xsl:if test="@xml:lang[tk:is-language-tag(.)]">
      <xsl:attribute name="lang" select="tk:bcp47(@xml:lang)"/>
    </xsl:if>
    <xsl:if test="@xml:lang">
      <xsl:variable name="dir" select="tk:direction(@xml:lang)"/>
      <xsl:variable name="outer" select="tk:direction((ancestor::*[@xml:lang][1]/@xml:lang, $doc-lang)[1])"/>
      <xsl:if test="$dir ne $outer or ($dir = 'auto')"><xsl:attribute name="dir" select="$dir"/></xsl:if>
    </xsl:if>
  </xsl:template>

  <xsl:function name="tk:is-language-tag" as="xs:boolean">
    <xsl:param name="tag" as="xs:string?"/>
    <xsl:sequence select="matches(normalize-space($tag), '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$') or normalize-space($tag) = ''"/>
  </xsl:function>

  <!-- Elements of the reading text that something points at, or that point at a register entry. -->
  <xsl:function name="tk:wants-id" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="($e/ancestor::tei:text or $e/ancestor::tei:abstract)
                          and (($e/@xml:id and key('tk:id', $e/@xml:id, root($e))[1] is $e)
                               or (some $a in ($e/@ref, $e/@who, $e/@corresp, $e/@target) satisfies contains($a, '#')))"/>
  </xsl:function>

  <xsl:function name="tk:rend-classes" as="xs:string*">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="tokenize(normalize-space($e/@rend), '\s+')[.] ! ('rend-' || replace(., '[^A-Za-z0-9_-]', '-'))"/>
  </xsl:function>

  <!-- Text of an element as a reader sees it: no notes, corrected readings, spaces collapsed. -->
  <xsl:function name="tk:text" as="xs:string">
    <xsl:param name="e" as="node()?"/>
    <xsl:sequence select="normalize-space(string-join($e/descendant-or-self::text()
        [empty(ancestor::tei:note except $e/ancestor-or-self::tei:note)]
        [empty(ancestor::tei:figDesc except $e/ancestor-or-self::tei:figDesc)]
        [not(ancestor::*[parent::tei:choice][self::tei:sic or self::tei:orig or self::tei:abbr]
             [../(tei:corr | tei:reg | tei:expan)])]
        [not(ancestor::tei:rdg[not(. is tk:app-lemma(ancestor::tei:app[1]))])]))"/>
  </xsl:function>

  <!-- Is this element on the page with its id, so that a link to it lands? -->
  <xsl:function name="tk:is-rendered" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="(exists(tk:register-kind($e)) and exists($e/parent::*[tk:is-register(.)]) and exists($e/@xml:id))
                          or (($e/ancestor-or-self::tei:text or $e/ancestor::tei:abstract)
                              and empty($e/ancestor-or-self::*[tk:is-pull-quote(.)])
                              and empty($e/ancestor-or-self::*[tk:is-register(.)])
                              and empty($e/ancestor::tei:figDesc)
                              and empty($e/ancestor-or-self::tei:docTitle[tk:repeats-title(.)])
                              and empty($e/ancestor-or-self::*[parent::tei:choice]
                                        [self::tei:sic or self::tei:orig or self::tei:abbr]
                                        [../(tei:corr | tei:reg | tei:expan)])
                              and ($e/self::tei:note or empty($e/ancestor::tei:note) or tk:is-numbered-note(($e/ancestor::tei:note)[last()])))"/>
  </xsl:function>

  <!-- The first local target of a pointer attribute that is on the page. -->
  <xsl:function name="tk:page-target" as="element()?">
    <xsl:param name="e" as="element()"/>
    <xsl:param name="pointer" as="xs:string?"/>
    <xsl:sequence select="tk:target($e, $pointer)[tk:is-rendered(.)][1]"/>
  </xsl:function>

  <!-- A safe href: local targets on the page, web and mail addresses; nothing executable. -->
  <xsl:function name="tk:href" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:param name="pointer" as="xs:string?"/>
    <xsl:variable name="first" select="tokenize(normalize-space($pointer), ' ')[1]"/>
    <xsl:variable name="local" select="tk:page-target($e, $first)"/>
    <xsl:sequence select="
        if (starts-with($first, '#')) then (if ($local) then '#' || tk:anchor($local) else ())
        else if (matches($first, '^(https?|ftp)://[^\s]+$', 'i')) then iri-to-uri($first)
        else if (matches($first, '^mailto:[^\s]+$', 'i')) then iri-to-uri($first)
        else if (matches($first, '^doi:10\.', 'i')) then iri-to-uri('https://doi.org/' || substring($first, 5))
        else if (matches($first, '^(viaf|wikidata|geonames|orcid|gnd):', 'i')) then tk:authority-url((), $first)
        else ()"/>
  </xsl:function>

  <!-- The HTML id under which an element appears on the page. -->
  <xsl:function name="tk:anchor" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="tk:id($e)"/>
  </xsl:function>

  <!-- ==================================================================== -->
  <!-- Structure -->

  <xsl:template match="tei:text">
    <div>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="'tei-text'"/></xsl:call-template>
      <xsl:apply-templates/>
    </div>
  </xsl:template>

  <xsl:template match="tei:front | tei:body | tei:back | tei:group">
    <div>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="local-name()"/></xsl:call-template>
      <xsl:apply-templates/>
    </div>
  </xsl:template>

  <xsl:template match="tei:div | tei:div1 | tei:div2 | tei:div3 | tei:div4 | tei:div5 | tei:div6 | tei:div7">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:element name="{if ($phrasing) then 'span' else if (tei:head) then 'section' else 'div'}">
      <xsl:call-template name="attrs">
        <xsl:with-param name="class" select="('div', @type ! ('div-' || replace(., '[^A-Za-z0-9_-]', '-')))"/>
      </xsl:call-template>
      <xsl:if test="tei:head and not(@xml:id) and not($plain)">
        <xsl:attribute name="id" select="tk:id(.)"/>
      </xsl:if>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <!-- Headings of divisions: h2 for the top level (h1 is the title), deeper by nesting. -->
  <xsl:template match="tei:head[tk:is-div(..) or parent::tei:body or parent::tei:front or parent::tei:back]">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="level" select="min((6, 1 + count(ancestor::*[tk:is-div(.)][tei:head]) + (if (tk:is-div(..)) then 0 else 1)))"/>
    <xsl:choose>
      <xsl:when test="$phrasing or preceding-sibling::tei:head">
        <xsl:element name="{if ($phrasing) then 'span' else 'p'}">
          <xsl:call-template name="attrs"><xsl:with-param name="class" select="'head head-sub'"/></xsl:call-template>
          <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
        </xsl:element>
      </xsl:when>
      <xsl:otherwise>
        <xsl:element name="h{$level}">
          <xsl:call-template name="attrs"><xsl:with-param name="class" select="'head'"/></xsl:call-template>
          <xsl:apply-templates>
            <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
            <xsl:with-param name="in-heading" select="true()" tunnel="yes"/>
          </xsl:apply-templates>
        </xsl:element>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Other heads (of lists, line groups, cast lists...) are captions. -->
  <xsl:template match="tei:head">
    <xsl:call-template name="block">
      <xsl:with-param name="name" select="'p'"/>
      <xsl:with-param name="class" select="'head'"/>
    </xsl:call-template>
  </xsl:template>

  <!-- A block whose content is phrasing: p in flow context, span inside phrasing. -->
  <xsl:template name="block">
    <xsl:param name="name" as="xs:string" select="'p'"/>
    <xsl:param name="class" as="xs:string*" select="()"/>
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:element name="{if ($phrasing) then 'span' else $name}">
      <xsl:call-template name="attrs">
        <xsl:with-param name="class" select="($class, if ($phrasing) then 'block' else ())"/>
      </xsl:call-template>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
    </xsl:element>
  </xsl:template>

  <!-- A container of blocks: div in flow context, span inside phrasing. -->
  <xsl:template name="container">
    <xsl:param name="class" as="xs:string*" select="()"/>
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:element name="{if ($phrasing) then 'span' else 'div'}">
      <xsl:call-template name="attrs">
        <xsl:with-param name="class" select="($class, if ($phrasing) then 'block' else ())"/>
      </xsl:call-template>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:p">
    <xsl:call-template name="block"><xsl:with-param name="class" select="()"/></xsl:call-template>
  </xsl:template>

  <!-- A numbered paragraph of the text: id and permalink from common/locators.xsl. -->
  <xsl:template match="tei:p[tk:is-numbered-para(.)]" priority="1">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="copy" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:choose>
      <xsl:when test="$phrasing or $plain or $copy"><xsl:next-match/></xsl:when>
      <xsl:otherwise>
        <xsl:variable name="id" select="tk:para-id(.)"/>
        <p id="{$id}">
          <xsl:call-template name="lang"/>
          <xsl:variable name="classes" select="tk:rend-classes(.)[normalize-space()]"/>
          <xsl:if test="exists($classes)"><xsl:attribute name="class" select="string-join(distinct-values($classes), ' ')"/></xsl:if>
          <a class="permalink" href="#{$id}" aria-label="Link to this paragraph, {tk:para-locator(.)}"><xsl:value-of select="tk:para-locator(.)"/></a>
          <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
        </p>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:ab | tei:trailer | tei:byline | tei:dateline | tei:salute | tei:signed
                       | tei:docTitle | tei:titlePart | tei:docAuthor | tei:docDate | tei:docImprint
                       | tei:docEdition | tei:imprimatur | tei:argument/tei:p | tei:speaker | tei:stage
                       | tei:castItem | tei:label[not(parent::tei:list)] | tei:caption | tei:address">
    <xsl:call-template name="block"><xsl:with-param name="class" select="local-name()"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:docTitle[tk:repeats-title(.)] | tei:divGen[@type = 'notes']" priority="3"/>

  <!-- Inside a line these are phrases, not blocks: the authors of a byline ("A* and B**"),
       a label opening a paragraph ("ORCID No: …", "Keywords: …"). -->
  <xsl:template match="tei:byline/tei:docAuthor | tei:p/tei:label | tei:ab/tei:label" priority="2">
    <span>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="local-name()"/></xsl:call-template>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
    </span>
  </xsl:template>

  <xsl:template match="tei:titlePage | tei:opener | tei:closer | tei:epigraph | tei:argument | tei:postscript
                       | tei:lg | tei:sp | tei:castList | tei:castGroup | tei:spGrp | tei:floatingText
                       | tei:cit | tei:listBibl | tei:div[tk:is-register(.)]">
    <xsl:call-template name="container"><xsl:with-param name="class" select="local-name()"/></xsl:call-template>
  </xsl:template>


  <!-- A stage direction inside a line or paragraph stays in the line. -->
  <xsl:template match="tei:stage[ancestor::tei:p or ancestor::tei:l or ancestor::tei:ab]" priority="2">
    <span><xsl:call-template name="attrs"><xsl:with-param name="class" select="'stage'"/></xsl:call-template>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates></span>
  </xsl:template>

  <!-- A cast list is a list under a heading (its head, else "Cast of characters"); a cast
       group is an item holding its own list. -->
  <xsl:template match="tei:castList" priority="2">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:choose>
      <xsl:when test="$phrasing or $plain"><xsl:next-match/></xsl:when>
      <xsl:otherwise>
        <xsl:variable name="level" select="min((6, 2 + count(ancestor::*[tk:is-div(.)][tei:head])))"/>
        <section class="castList" id="{tk:id(.)}" aria-labelledby="{tk:id(.)}-h">
          <xsl:call-template name="lang"/>
          <xsl:element name="h{$level}">
            <xsl:attribute name="id" select="tk:id(.) || '-h'"/>
            <xsl:attribute name="class" select="'head cast-head'"/>
            <xsl:choose>
              <xsl:when test="tei:head">
                <xsl:apply-templates select="tei:head[1]/node()">
                  <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
                  <xsl:with-param name="in-heading" select="true()" tunnel="yes"/>
                </xsl:apply-templates>
              </xsl:when>
              <xsl:otherwise>Cast of characters</xsl:otherwise>
            </xsl:choose>
          </xsl:element>
          <ul class="cast"><xsl:apply-templates select="* except tei:head[1]" mode="cast"/></ul>
        </section>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:castGroup" mode="cast">
    <li class="castGroup">
      <xsl:call-template name="lang"/>
      <xsl:for-each select="tei:head">
        <span class="castGroup-head"><xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates></span>
      </xsl:for-each>
      <xsl:if test="* except tei:head">
        <ul><xsl:apply-templates select="* except tei:head" mode="cast"/></ul>
      </xsl:if>
    </li>
  </xsl:template>

  <xsl:template match="*" mode="cast">
    <li>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="local-name()"/></xsl:call-template>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
    </li>
  </xsl:template>

  <!-- A role in the cast list links to the person it stands for (castItem/@sameAs). -->
  <xsl:template match="tei:castItem[@sameAs]/tei:role">
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="in-link" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="who" select="tk:page-target(., ../@sameAs)"/>
    <xsl:choose>
      <xsl:when test="$who and not($plain or $in-link)">
        <a class="role ent ent-person" href="#{tk:anchor($who)}">
          <xsl:call-template name="lang"/>
          <xsl:apply-templates>
            <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
            <xsl:with-param name="in-link" select="true()" tunnel="yes"/>
          </xsl:apply-templates>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <span><xsl:call-template name="attrs"><xsl:with-param name="class" select="'role'"/></xsl:call-template>
          <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The speaker of a speech links to the speaker's register entry. -->
  <xsl:template match="tei:sp/tei:speaker">
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="who" select="tk:page-target(.., ../@who)"/>
    <xsl:element name="{if ($phrasing) then 'span' else 'p'}">
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="'speaker'"/></xsl:call-template>
      <xsl:choose>
        <xsl:when test="$who and not($plain)">
          <a class="ent ent-person" href="#{tk:anchor($who)}">
            <xsl:apply-templates>
              <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
              <xsl:with-param name="in-link" select="true()" tunnel="yes"/>
            </xsl:apply-templates>
          </a>
        </xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:element>
  </xsl:template>

  <!-- Quotations: block quotations outside paragraphs, q inside. -->
  <xsl:template match="tei:quote">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:choose>
      <xsl:when test="$phrasing">
        <q><xsl:call-template name="attrs"><xsl:with-param name="class" select="'quote'"/></xsl:call-template>
          <xsl:apply-templates/></q>
      </xsl:when>
      <xsl:otherwise>
        <blockquote><xsl:call-template name="attrs"><xsl:with-param name="class" select="'quote'"/></xsl:call-template>
          <xsl:apply-templates/></blockquote>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:q | tei:said | tei:soCalled">
    <q><xsl:call-template name="attrs"><xsl:with-param name="class" select="local-name()"/></xsl:call-template>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates></q>
  </xsl:template>

  <!-- Pull quotes repeat the text for the eye: set apart, hidden from assistive technology. -->
  <xsl:template match="tei:quote[tk:is-pull-quote(.)] | tei:floatingText[tk:is-pull-quote(.)] | tei:q[tk:is-pull-quote(.)] | tei:cit[tk:is-pull-quote(.)] | tei:seg[tk:is-pull-quote(.)] | tei:ab[tk:is-pull-quote(.)] | tei:p[tk:is-pull-quote(.)] | tei:figure[tk:is-pull-quote(.)]" priority="10">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:element name="{if ($phrasing) then 'span' else 'aside'}">
      <xsl:attribute name="class" select="'pullquote'"/>
      <xsl:attribute name="aria-hidden" select="'true'"/>
      <xsl:call-template name="lang"/>
      <xsl:apply-templates>
        <xsl:with-param name="plain" select="true()" tunnel="yes"/>
      </xsl:apply-templates>
    </xsl:element>
  </xsl:template>

  <!-- Lists -->
  <xsl:template match="tei:list">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="ordered" select="matches(string-join((@type, @rend), ' '), 'order|number|decimal|roman|alpha', 'i')"/>
    <xsl:element name="{if ($phrasing) then 'span' else 'div'}">
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="('list', if ($phrasing) then 'block' else ())"/></xsl:call-template>
      <xsl:apply-templates select="tei:head"/>
      <xsl:element name="{if ($phrasing) then 'span' else if ($ordered) then 'ol' else 'ul'}">
        <xsl:for-each select="tei:item">
          <xsl:element name="{if ($phrasing) then 'span' else 'li'}">
            <xsl:call-template name="attrs"><xsl:with-param name="class" select="('item', if ($phrasing) then 'block' else ())"/></xsl:call-template>
            <xsl:for-each select="preceding-sibling::*[1][self::tei:label]">
              <span class="label"><xsl:call-template name="lang"/>
                <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
              </span>
              <xsl:text> </xsl:text>
            </xsl:for-each>
            <xsl:apply-templates/>
          </xsl:element>
        </xsl:for-each>
      </xsl:element>
      <xsl:apply-templates select="node() except (tei:head | tei:item | tei:label[following-sibling::*[1][self::tei:item]])
                                   [self::* or normalize-space()]"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:listBibl[not(tk:is-register(.))]" priority="2">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:element name="{if ($phrasing) then 'span' else 'div'}">
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="('listBibl', if ($phrasing) then 'block' else ())"/></xsl:call-template>
      <xsl:apply-templates select="tei:head"/>
      <xsl:element name="{if ($phrasing) then 'span' else 'ul'}">
        <xsl:for-each select="* except tei:head">
          <xsl:element name="{if ($phrasing) then 'span' else 'li'}">
            <xsl:if test="$phrasing"><xsl:attribute name="class" select="'block'"/></xsl:if>
            <xsl:apply-templates select="."><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
          </xsl:element>
        </xsl:for-each>
      </xsl:element>
    </xsl:element>
  </xsl:template>

  <!-- Tables -->
  <xsl:template match="tei:table">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:choose>
      <xsl:when test="$phrasing">
        <xsl:call-template name="container"><xsl:with-param name="class" select="'table'"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <table>
          <xsl:call-template name="attrs"/>
          <xsl:if test="tei:head">
            <caption><xsl:apply-templates select="tei:head/node()"><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates></caption>
          </xsl:if>
          <xsl:for-each select="tei:row">
            <tr>
              <xsl:call-template name="attrs"/>
              <xsl:for-each select="tei:cell">
                <xsl:element name="{if (@role = 'label' or ../@role = 'label') then 'th' else 'td'}">
                  <xsl:call-template name="attrs"/>
                  <xsl:if test="@cols castable as xs:positiveInteger"><xsl:attribute name="colspan" select="xs:integer(@cols)"/></xsl:if>
                  <xsl:if test="@rows castable as xs:positiveInteger"><xsl:attribute name="rowspan" select="xs:integer(@rows)"/></xsl:if>
                  <xsl:apply-templates/>
                </xsl:element>
              </xsl:for-each>
            </tr>
          </xsl:for-each>
        </table>
        <xsl:apply-templates select="* except (tei:head | tei:row)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Figures: image (only when embedded), caption, credit; the description stands in for a missing image. -->
  <xsl:template match="tei:figure">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="inner" select="if ($phrasing) then 'span' else 'div'"/>
    <xsl:element name="{if ($phrasing) then 'span' else 'figure'}">
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="('figure', if ($phrasing) then 'block' else ())"/></xsl:call-template>
      <xsl:if test="not(@xml:id) and not(tk:wants-id(.))"><xsl:attribute name="id" select="tk:id(.)"/></xsl:if>
      <xsl:for-each select="tei:graphic[starts-with(normalize-space(@url), 'data:image/')]">
        <img src="{normalize-space(@url)}" alt="{tk:text(../tei:figDesc)}"/>
      </xsl:for-each>
      <xsl:if test="empty(tei:graphic[starts-with(normalize-space(@url), 'data:image/')])">
        <xsl:element name="{$inner}">
          <xsl:attribute name="class" select="'figure-placeholder'"/>
          <xsl:choose>
            <xsl:when test="tei:figDesc">
              <span class="label">Image not reproduced: </span>
              <xsl:apply-templates select="tei:figDesc/node()"><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
            </xsl:when>
            <xsl:otherwise><span class="label">Image not reproduced.</span></xsl:otherwise>
          </xsl:choose>
        </xsl:element>
      </xsl:if>
      <xsl:variable name="caption" select="* except (tei:graphic | tei:figDesc | tei:figure)"/>
      <xsl:if test="$caption">
        <xsl:element name="{if ($phrasing) then 'span' else 'figcaption'}">
          <xsl:if test="$phrasing"><xsl:attribute name="class" select="'block'"/></xsl:if>
          <xsl:apply-templates select="$caption" mode="caption"/>
        </xsl:element>
      </xsl:if>
      <xsl:apply-templates select="tei:figure"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:head | tei:p" mode="caption">
    <xsl:call-template name="block"><xsl:with-param name="class" select="'caption'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:note | tei:bibl | *" mode="caption">
    <xsl:call-template name="block"><xsl:with-param name="class" select="('credit', local-name())"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:graphic | tei:figDesc | tei:media"/>

  <!-- Registers inside the text are printed in the index, not in place. -->
  <xsl:template match="tei:listPerson | tei:listPlace | tei:listOrg | tei:listEvent | tei:listObject | tei:listNym | tei:listRelation | tei:listAnnotation | tei:listBibl[tk:is-register(.)] | tei:div[tei:note][tk:is-notes-div(.)]" priority="5"/>

  <!-- ==================================================================== -->
  <!-- Notes -->

  <xsl:template match="tei:note">
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="in-link" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:choose>
      <xsl:when test="tk:is-detached-note(.)"/>
      <xsl:when test="tk:is-numbered-note(.)">
        <xsl:if test="not($plain)">
          <xsl:call-template name="note-call">
            <xsl:with-param name="note" select="."/>
            <xsl:with-param name="first" select="true()"/>
          </xsl:call-template>
        </xsl:if>
      </xsl:when>
      <xsl:otherwise>
        <span>
          <xsl:call-template name="attrs"><xsl:with-param name="class" select="('note-inline', @place ! ('note-' || replace(., '[^A-Za-z0-9_-]', '-')))"/></xsl:call-template>
          <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A note inside a note is part of its text. -->
  <xsl:template match="tei:note//tei:note" priority="2">
    <span class="note-inline"><xsl:call-template name="lang"/>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates></span>
  </xsl:template>

  <xsl:template name="endnotes">
    <xsl:variable name="notes" select="tk:numbered-notes(/)"/>
    <xsl:if test="exists($notes)">
      <section class="endnotes" id="tk-notes" aria-labelledby="tk-notes-h" role="doc-endnotes">
        <h2 id="tk-notes-h"><xsl:value-of select="tk:notes-heading(/)"/></h2>
        <ol class="notes">
          <xsl:for-each select="$notes">
            <xsl:variable name="n" select="tk:note-number(.)"/>
            <li id="{tk:id(.)}" class="note">
              <xsl:call-template name="lang"/>
              <a class="note-num" href="#ref-{tk:id(.)}" role="doc-backlink"
                 aria-label="Back to the text of note {$n}"><xsl:value-of select="$n"/>.</a>
              <xsl:text> </xsl:text>
              <div class="note-body">
                <xsl:apply-templates>
                  <xsl:with-param name="phrasing" select="false()" tunnel="yes"/>
                </xsl:apply-templates>
              </div>
            </li>
          </xsl:for-each>
        </ol>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- ==================================================================== -->
  <!-- Phrases -->

  <xsl:template match="tei:hi">
    <xsl:variable name="rend" select="tokenize(lower-case(normalize-space(@rend)), '\s+')"/>
    <xsl:element name="{if ($rend = ('superscript', 'sup')) then 'sup'
                        else if ($rend = ('subscript', 'sub')) then 'sub'
                        else if ($rend = ('italic', 'italics', 'i')) then 'i'
                        else if ($rend = ('bold', 'b', 'strong')) then 'b'
                        else 'span'}">
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="'hi'"/></xsl:call-template>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:emph">
    <em><xsl:call-template name="attrs"/><xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates></em>
  </xsl:template>

  <xsl:template match="tei:title[@level = ('m', 'j', 's')] | tei:title[not(@level)][not(ancestor::tei:teiHeader)]">
    <cite><xsl:call-template name="attrs"><xsl:with-param name="class" select="('title', @level ! ('title-' || .))"/></xsl:call-template>
      <xsl:call-template name="entity-content"/></cite>
  </xsl:template>

  <xsl:template match="tei:title">
    <span><xsl:call-template name="attrs"><xsl:with-param name="class" select="('title', @level ! ('title-' || replace(., '[^A-Za-z0-9_-]', '-')))"/></xsl:call-template>
      <xsl:call-template name="entity-content"/></span>
  </xsl:template>

  <xsl:template match="tei:foreign | tei:term | tei:mentioned | tei:gloss | tei:distinct | tei:seg | tei:w | tei:c | tei:pc
                       | tei:num | tei:measure | tei:abbr | tei:expan | tei:orig | tei:reg | tei:sic | tei:corr
                       | tei:surname | tei:forename | tei:roleName | tei:addName
                       | tei:role | tei:roleDesc | tei:affiliation | tei:pubPlace | tei:publisher | tei:biblScope
                       | tei:edition | tei:author | tei:editor | tei:bibl | tei:biblStruct | tei:idno[not(tk:idno-url(.))]">
    <span><xsl:call-template name="attrs"><xsl:with-param name="class" select="local-name()"/></xsl:call-template>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates></span>
  </xsl:template>

  <!-- Identifiers with a resolver (DOI, ORCID, Wikidata...) link to their record. -->
  <xsl:template match="tei:idno[tk:idno-url(.)]">
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="in-link" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:element name="{if ($plain or $in-link) then 'span' else 'a'}">
      <xsl:if test="not($plain or $in-link)"><xsl:attribute name="href" select="iri-to-uri(tk:idno-url(.))"/></xsl:if>
      <xsl:call-template name="attrs"><xsl:with-param name="class" select="'idno'"/></xsl:call-template>
      <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates>
    </xsl:element>
  </xsl:template>

  <xsl:function name="tk:idno-url" as="xs:string?">
    <xsl:param name="idno" as="element()"/>
    <xsl:sequence select="if (lower-case($idno/@type) = ('doi', 'orcid', 'wikidata', 'geonames', 'viaf', 'gnd', 'isni', 'uri', 'url'))
                          then tk:authority-url($idno/@type, $idno) else ()"/>
  </xsl:function>





  <xsl:template match="tei:space">
    <xsl:text> </xsl:text>
  </xsl:template>

  <!-- Page breaks: a visible page number; layout breaks: a discreet mark that adds no text. -->
  <xsl:template match="tei:pb">
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:if test="not($plain) and (normalize-space(@n) or @xml:id)">
      <span>
        <xsl:call-template name="attrs"><xsl:with-param name="class" select="'pb'"/></xsl:call-template>
        <xsl:if test="normalize-space(@n)">
          <span class="pb-label">p. <xsl:value-of select="normalize-space(@n)"/></span>
        </xsl:if>
        <xsl:call-template name="pb-facs"/>
      </span>
    </xsl:if>
    <xsl:if test="not($plain) and not(normalize-space(@n) or @xml:id) and tk:pb-facs(.)">
      <span class="pb"><xsl:call-template name="pb-facs"/></span>
    </xsl:if>
    <xsl:if test="not(@break = 'no') and not(tk:joined-run(.)) and (preceding-sibling::node()[1][self::text()] and not(ends-with(preceding-sibling::node()[1], ' ')))"><xsl:text> </xsl:text></xsl:if>
  </xsl:template>

  <xsl:template match="tei:milestone | tei:cb">
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:if test="not($plain)">
      <span aria-hidden="true">
        <xsl:if test="@unit = 'layoutBreak'"><xsl:attribute name="title" select="'line break in the source'"/></xsl:if>
        <xsl:call-template name="attrs">
          <xsl:with-param name="class" select="('milestone', @unit ! ('milestone-' || replace(., '[^A-Za-z0-9_-]', '-')),
                                                if (@break = 'no') then 'in-word' else ())"/>
        </xsl:call-template>
      </span>
    </xsl:if>
  </xsl:template>


  <xsl:template match="tei:anchor">
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="copy" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:if test="not($plain) and not($copy) and tk:wants-id(.)"><span id="{tk:id(.)}" class="anchor"></span></xsl:if>
  </xsl:template>

  <xsl:template match="tei:fw | tei:teiHeader | tei:facsimile | tei:standOff | tei:interpGrp | tei:linkGrp
                       | tei:link | tei:spanGrp | tei:timeline | tei:alt | tei:altGrp"/>

  <xsl:template match="comment() | processing-instruction()"/>

  <!-- A pointer that calls a detached note is the note's marker; the first one is the
       marker the note links back to. -->
  <xsl:template match="tei:ref[tk:called-note(.)] | tei:ptr[tk:called-note(.)]" priority="3">
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="in-link" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="note" select="tk:called-note(.)"/>
    <xsl:variable name="n" select="tk:note-number($note)"/>
    <xsl:variable name="first" select="(key('tk:pointing', string($note/@xml:id))
                                        [self::tei:ref or self::tei:ptr][ancestor::tei:text][not(ancestor::tei:note)])[1]"/>
    <xsl:choose>
      <xsl:when test="$plain"/>
      <xsl:otherwise>
        <xsl:call-template name="note-call">
          <xsl:with-param name="note" select="$note"/>
          <xsl:with-param name="first" select="exists($first) and . is $first"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Links -->
  <xsl:template match="tei:ref | tei:ptr">
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="in-link" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="href" select="tk:href(., @target)"/>
    <xsl:choose>
      <xsl:when test="$href and not($plain) and not($in-link)">
        <a href="{$href}">
          <xsl:call-template name="attrs">
            <xsl:with-param name="class" select="(local-name(), if (tk:shows-address(., $href)) then 'url' else ())"/>
          </xsl:call-template>
          <xsl:choose>
            <xsl:when test="self::tei:ptr or not(node())"><xsl:value-of select="normalize-space(@target)"/></xsl:when>
            <xsl:otherwise>
              <xsl:apply-templates>
                <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
                <xsl:with-param name="in-link" select="true()" tunnel="yes"/>
              </xsl:apply-templates>
            </xsl:otherwise>
          </xsl:choose>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <span><xsl:call-template name="attrs"><xsl:with-param name="class" select="local-name()"/></xsl:call-template>
          <xsl:apply-templates><xsl:with-param name="phrasing" select="true()" tunnel="yes"/></xsl:apply-templates></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Named entities: highlighted by kind, linked to their register entry. -->
  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:geogName | tei:name | tei:rs
                       | tei:date | tei:time | tei:event[ancestor::tei:text] | tei:objectName">
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="in-link" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="in-heading" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="target" select="tk:page-target(., @ref)"/>
    <xsl:variable name="kind" select="(($target ! tk:register-kind(.)), tk:entity-kind(.), @type[normalize-space()], 'name')[1]"/>
    <xsl:variable name="href" select="tk:href(., @ref)"/>
    <xsl:variable name="class" select="('ent', 'ent-' || replace($kind, '[^A-Za-z0-9_-]', '-'))"/>
    <!-- Only a single point in time becomes a machine-readable datetime; ranges stay text. -->
    <xsl:variable name="datetime" select="tk:datetime(@when)"/>
    <xsl:variable name="inner">
      <xsl:choose>
        <xsl:when test="exists($datetime) and (self::tei:date or self::tei:time)">
          <time datetime="{$datetime}"><xsl:call-template name="entity-content"/></time>
        </xsl:when>
        <xsl:otherwise><xsl:call-template name="entity-content"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$href and not($plain) and not($in-link) and not($in-heading)">
        <a href="{$href}" tabindex="-1">
          <xsl:call-template name="attrs"><xsl:with-param name="class" select="$class"/></xsl:call-template>
          <xsl:if test="$target and starts-with($href, '#')">
            <xsl:attribute name="title" select="tk:kind-label($kind) || ': ' || tk:entry-name($target)"/>
          </xsl:if>
          <xsl:sequence select="$inner"/>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <span>
          <xsl:call-template name="attrs"><xsl:with-param name="class" select="$class"/></xsl:call-template>
          <xsl:sequence select="$inner"/>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="entity-content">
    <xsl:param name="plain" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="in-link" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:apply-templates>
      <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
      <xsl:with-param name="in-link" select="$in-link or (exists(tk:href(., @ref)) and not($plain))" tunnel="yes"/>
    </xsl:apply-templates>
  </xsl:template>

  <!-- A valid HTML datetime from a TEI date value, or nothing. -->
  <xsl:function name="tk:datetime" as="xs:string?">
    <xsl:param name="v" as="xs:string?"/>
    <xsl:variable name="s" select="normalize-space($v)"/>
    <xsl:sequence select="
        if ($s castable as xs:date and matches($s, '^\d{4}-\d{2}-\d{2}$') and not(starts-with($s, '0000'))) then $s
        else if ($s castable as xs:gYearMonth and matches($s, '^\d{4}-\d{2}$') and not(starts-with($s, '0000'))) then $s
        else if (matches($s, '^\d{4}$') and $s ne '0000') then $s
        else ()"/>
  </xsl:function>

  <!-- Dates for readers: 5 May 1994, May 1994, 1994. -->
  <xsl:function name="tk:human-date" as="xs:string">
    <xsl:param name="v" as="xs:string"/>
    <xsl:variable name="s" select="normalize-space($v)"/>
    <xsl:sequence select="
        if ($s castable as xs:date and matches($s, '^\d{4}-\d{2}-\d{2}$')) then format-date(xs:date($s), '[D] [MNn] [Y]', 'en', (), ())
        else if ($s castable as xs:gYearMonth and matches($s, '^\d{4}-\d{2}$')) then format-date(xs:date($s || '-01'), '[MNn] [Y]', 'en', (), ())
        else $s"/>
  </xsl:function>

  <!-- Anything else keeps its text: a span inside phrasing, a div between blocks. -->
  <xsl:template match="*">
    <xsl:param name="phrasing" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:element name="{if ($phrasing) then 'span' else 'div'}">
      <xsl:call-template name="attrs">
        <xsl:with-param name="class" select="'tei-' || replace(local-name(), '[^A-Za-z0-9_-]', '-')"/>
      </xsl:call-template>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <!-- ==================================================================== -->
  <!-- Registers: one section per kind, entries sorted by name, occurrences linked back. -->

  <xsl:template name="registers">
    <xsl:if test="exists($entries)">
      <section class="registers" id="tk-index" aria-labelledby="tk-index-h">
        <h2 id="tk-index-h">Index</h2>
        <xsl:for-each select="('person', 'place', 'org', 'event', 'treaty', 'work')">
          <xsl:variable name="kind" select="."/>
          <xsl:variable name="these" select="$entries[tk:register-kind(.) = $kind]"/>
          <xsl:if test="exists($these)">
            <section class="register register-{$kind}" id="tk-register-{$kind}" aria-labelledby="tk-register-{$kind}-h">
              <h3 id="tk-register-{$kind}-h"><xsl:value-of select="$kinds($kind)"/></h3>
              <ul class="entries">
                <xsl:apply-templates select="$these" mode="entry">
                  <xsl:sort select="lower-case(tk:sort-name(.))" lang="en"/>
                </xsl:apply-templates>
              </ul>
            </section>
          </xsl:if>
        </xsl:for-each>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- The display name of a register entry. -->
  <xsl:function name="tk:entry-name" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="name" select="($e/(tei:persName | tei:placeName | tei:orgName | tei:label | tei:title
                                        | tei:name | tei:objectName | tei:analytic/tei:title | tei:monogr/tei:title)
                                       [not(@type = ('variant', 'printed', 'short', 'alt'))],
                                       $e/(tei:persName | tei:placeName | tei:orgName | tei:name | tei:label | tei:title))[1]"/>
    <xsl:sequence select="(if ($name/(tei:forename | tei:surname))
                           then normalize-space(string-join(($name/tei:forename, $name/tei:surname) ! tk:text(.), ' '))
                           else tk:text($name),
                           tk:text($e/tei:desc[1]), string($e/@xml:id), string($e/@type), local-name($e))[normalize-space()][1]"/>
  </xsl:function>

  <!-- Registers sort persons by surname (then forename), everything else by its name. -->
  <xsl:function name="tk:sort-name" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="pn" select="($e/self::tei:person/tei:persName[tei:surname][not(@type = ('variant', 'alt'))])[1]"/>
    <xsl:sequence select="if ($pn) then string-join(($pn/tei:surname, $pn/tei:forename) ! tk:text(.), ' ')
                          else tk:entry-name($e)"/>
  </xsl:function>

  <!-- Places in the reading text that point here, wherever they are rendered. -->
  <xsl:function name="tk:occurrences" as="element()*">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="if ($entry/@xml:id)
                          then key('tk:pointing', string($entry/@xml:id), root($entry))
                               [not(self::tei:quote[@type]) or not(tk:is-pull-quote(.))][tk:is-rendered(.)]
                               [not(self::tei:note) or tk:is-numbered-note(.)]
                          else ()"/>
  </xsl:function>

  <!-- Up to this many occurrences are listed one a line with their context; more, as locators. -->
  <xsl:variable name="kwic-max" as="xs:integer" select="12"/>

  <xsl:template match="*" mode="entry">
    <xsl:variable name="occ" select="tk:occurrences(.)"/>
    <li id="{tk:id(.)}" class="entry">
      <xsl:call-template name="lang"/>
      <span class="entry-name"><xsl:value-of select="tk:entry-name(.)"/></span>
      <xsl:variable name="dates" select="tk:entry-dates(.)"/>
      <xsl:if test="exists($dates)">
        <xsl:text> </xsl:text>
        <span class="entry-dates">(<xsl:value-of select="string-join($dates, ' – ')"/>)</span>
      </xsl:if>
      <xsl:variable name="cats" select="tk:target(., @ana)/tei:catDesc ! tk:text(.)"/>
      <xsl:if test="exists($cats)">
        <xsl:text> </xsl:text><span class="entry-category"><xsl:value-of select="string-join($cats, '; ')"/></span>
      </xsl:if>
      <xsl:variable name="details" select="* except (tei:idno | tei:note[@type = 'variants']
                                            | (tei:persName | tei:placeName | tei:orgName | tei:label | tei:title | tei:name)[1]
                                            | tei:date[empty(node())] | tei:location[empty(.//text()[normalize-space()])])"/>
      <xsl:if test="exists($details) or tei:note[@type = 'variants']">
        <span class="entry-details">
          <xsl:for-each-group select="$details" group-adjacent="string((@role, @type)[1])">
            <span class="detail detail-{local-name()}">
              <xsl:if test="current-grouping-key()">
                <span class="detail-role"><xsl:value-of select="tk:role-label(current-grouping-key(), count(current-group()))"/>: </span>
              </xsl:if>
              <xsl:for-each select="current-group()">
                <xsl:if test="position() gt 1">, </xsl:if>
                <xsl:apply-templates select="." mode="entry-detail"/>
              </xsl:for-each>
            </span>
            <xsl:text> </xsl:text>
          </xsl:for-each-group>
          <xsl:for-each select="tei:note[@type = 'variants']">
            <span class="detail detail-variants"><span class="detail-role">also: </span>
              <xsl:apply-templates select="node()" mode="entry-detail"/></span>
          </xsl:for-each>
        </span>
      </xsl:if>
      <xsl:call-template name="authority-links"><xsl:with-param name="owner" select="."/></xsl:call-template>
      <div class="occurrences">
        <xsl:choose>
          <xsl:when test="empty($occ)"><span class="none">Not mentioned in the text.</span></xsl:when>
          <xsl:when test="count($occ) gt $kwic-max">
            <span class="label">Occurrences: </span>
            <xsl:for-each select="$occ">
              <xsl:if test="position() gt 1">, </xsl:if>
              <a class="occ" href="#{tk:id(.)}" title="{tk:occurrence-place(.)}"><xsl:value-of select="tk:locator(.)"/></a>
            </xsl:for-each>
          </xsl:when>
          <xsl:otherwise>
            <span class="label"><xsl:value-of select="if (count($occ) = 1) then 'Occurrence:' else 'Occurrences:'"/></span>
            <ul class="occurrence-list">
              <xsl:for-each select="$occ">
                <xsl:variable name="kwic" select="tk:kwic(., 40)"/>
                <li>
                  <a class="occ" href="#{tk:id(.)}" title="{tk:occurrence-place(.)}"><xsl:value-of select="tk:locator(.)"/></a>
                  <xsl:text> </xsl:text>
                  <span class="kwic"><xsl:value-of select="$kwic[1]"/><xsl:text> </xsl:text><mark><xsl:value-of select="$kwic[2]"/></mark><xsl:text> </xsl:text><xsl:value-of select="$kwic[3]"/></span>
                </li>
              </xsl:for-each>
            </ul>
          </xsl:otherwise>
        </xsl:choose>
      </div>
    </li>
  </xsl:template>

  <!-- Occurrence links say where: "n. 12" for a note, otherwise the running count. -->
  <xsl:function name="tk:occurrence-label" as="xs:string">
    <xsl:param name="occ" as="element()"/>
    <xsl:param name="pos" as="xs:integer"/>
    <xsl:variable name="note" select="($occ/ancestor-or-self::tei:note[tk:is-numbered-note(.)])[1]"/>
    <xsl:sequence select="if ($note) then 'n. ' || tk:note-number($note) else string($pos)"/>
  </xsl:function>

  <!-- "placeOfSignature" reads "signed at"; a role held by several reads in the plural. -->
  <xsl:function name="tk:role-label" as="xs:string">
    <xsl:param name="role" as="xs:string"/>
    <xsl:param name="count" as="xs:integer"/>
    <xsl:variable name="known" select="map{'placeOfSignature': 'signed at', 'party': 'party', 'mediator': 'mediator',
        'proposer': 'proposed by', 'issuer': 'issued by', 'signatory': 'signatory', 'witness': 'witness',
        'variant': 'also', 'printed': 'printed', 'short': 'short', 'alt': 'also'}"/>
    <xsl:variable name="label" select="($known($role), lower-case(replace($role, '([a-z])([A-Z])', '$1 $2')))[1]"/>
    <xsl:sequence select="if ($count gt 1 and $label = ('party', 'mediator', 'signatory', 'witness')) then (if ($label = 'party') then 'parties' else $label || 's')
                          else $label"/>
  </xsl:function>

  <!-- Where an occurrence is, for the link's tooltip: the note, the abstract or the section. -->
  <xsl:function name="tk:occurrence-place" as="xs:string">
    <xsl:param name="occ" as="element()"/>
    <xsl:variable name="note" select="($occ/ancestor-or-self::tei:note[tk:is-numbered-note(.)])[1]"/>
    <xsl:variable name="div" select="$occ/ancestor-or-self::*[tk:is-div(.)][tei:head][1]"/>
    <xsl:sequence select="if ($note) then 'Note ' || tk:note-number($note)
                          else if ($occ/ancestor::tei:abstract) then 'Abstract'
                          else if ($div) then tk:text($div/tei:head[1])
                          else if ($occ/ancestor::tei:front) then 'Front matter'
                          else if ($occ/ancestor::tei:back) then 'Back matter'
                          else 'Text'"/>
  </xsl:function>

  <xsl:function name="tk:entry-dates" as="xs:string*">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="from" select="($e/@when, $e/@from, $e/@notBefore, $e/tei:birth/@when, $e/tei:date/@when, $e/tei:date/@from)[normalize-space()][1]"/>
    <xsl:variable name="to" select="($e/@to, $e/@notAfter, $e/tei:death/@when, $e/tei:date/@to)[normalize-space()][1]"/>
    <xsl:sequence select="($from ! tk:human-date(.), $to ! tk:human-date(.))"/>
  </xsl:function>

  <!-- Inside register entries: names link to their own entries; nothing gets an id. -->
  <xsl:template match="*" mode="entry-detail">
    <xsl:variable name="href" select="tk:href(., @ref)"/>
    <xsl:choose>
      <xsl:when test="$href and starts-with($href, '#')">
        <a href="{$href}" class="ent ent-{(tk:page-target(., @ref) ! tk:register-kind(.), 'name')[1]}">
          <xsl:call-template name="lang"/><xsl:value-of select="tk:text(.)"/></a>
      </xsl:when>
      <xsl:when test="self::tei:geo">
        <xsl:variable name="ll" select="tokenize(normalize-space(replace(., ',', ' ')), ' ')"/>
        <xsl:choose>
          <xsl:when test="count($ll) = 2 and (every $v in $ll satisfies ($v castable as xs:double and abs(xs:double($v)) le 180))
                          and abs(xs:double($ll[1])) le 90">
            <xsl:variable name="lat" select="xs:double($ll[1])"/>
            <xsl:variable name="lon" select="xs:double($ll[2])"/>
            <a class="geo" href="https://www.openstreetmap.org/?mlat={$ll[1]}&amp;mlon={$ll[2]}#map=10/{$ll[1]}/{$ll[2]}">
              <xsl:value-of select="format-number(abs($lat), '0.###') || '° ' || (if ($lat lt 0) then 'S' else 'N') || ', '
                                    || format-number(abs($lon), '0.###') || '° ' || (if ($lon lt 0) then 'W' else 'E')
                                    || ' (map)'"/>
            </a>
          </xsl:when>
          <xsl:otherwise><span class="geo"><xsl:value-of select="normalize-space(.)"/></span></xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <xsl:otherwise>
        <span><xsl:call-template name="lang"/><xsl:apply-templates select="node()" mode="entry-detail"/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="text()" mode="entry-detail">
    <xsl:value-of select="."/>
  </xsl:template>

  <xsl:template match="tei:idno | tei:note[@type = 'variants'] | comment() | processing-instruction()" mode="entry-detail"/>

  <!-- Authority identifiers (idno, @ref, @sameAs, @ana, @key) as links to their records. -->
  <xsl:template name="authority-links">
    <xsl:param name="owner" as="element()"/>
    <xsl:variable name="links" as="map(*)*">
      <xsl:for-each select="$owner/tei:idno">
        <xsl:variable name="url" select="tk:authority-url(@type, .)"/>
        <xsl:if test="$url">
          <xsl:sequence select="map{'url': $url, 'label': tk:authority-label(@type, $url), 'id': normalize-space(.)}"/>
        </xsl:if>
      </xsl:for-each>
      <xsl:for-each select="$owner/(@ref, @sameAs, @ana, @corresp) ! tokenize(normalize-space(.), ' ')">
        <xsl:variable name="url" select="if (starts-with(., '#')) then () else tk:authority-url((), .)"/>
        <xsl:if test="$url">
          <xsl:sequence select="map{'url': $url, 'label': tk:authority-label((), $url), 'id': replace($url, '^.*[/:]', '')}"/>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:if test="exists($links)">
      <span class="authorities">
        <xsl:for-each-group select="$links" group-by="?url">
          <xsl:text> </xsl:text>
          <a class="authority" href="{iri-to-uri(current-grouping-key())}">
            <xsl:value-of select="?label || ' ' || ?id"/>
          </a>
        </xsl:for-each-group>
      </span>
    </xsl:if>
  </xsl:template>

  <!-- ==================================================================== -->
  <!-- Timeline: dated events and treaties in date order. -->

  <xsl:template name="timeline">
    <xsl:variable name="dated" select="$dated-entries"/>
    <xsl:if test="exists($dated)">
      <section class="timeline" id="tk-timeline" aria-labelledby="tk-timeline-h">
        <h2 id="tk-timeline-h">Timeline</h2>
        <ol class="timeline-list">
          <xsl:for-each select="$dated">
            <xsl:sort select="tk:sort-date(.)"/>
            <xsl:variable name="from" select="tk:sort-date(.)"/>
            <xsl:variable name="to" select="(@to, @notAfter, tei:date/@to)[normalize-space()][1]"/>
            <li class="timeline-item timeline-{tk:register-kind(.)}">
              <xsl:variable name="dt" select="tk:datetime($from)"/>
              <xsl:choose>
                <xsl:when test="$dt"><time datetime="{$dt}"><xsl:value-of select="tk:human-date($from)"/></time></xsl:when>
                <xsl:otherwise><span class="date"><xsl:value-of select="tk:human-date($from)"/></span></xsl:otherwise>
              </xsl:choose>
              <xsl:if test="$to">
                <xsl:text> – </xsl:text>
                <xsl:variable name="dt2" select="tk:datetime($to)"/>
                <xsl:choose>
                  <xsl:when test="$dt2"><time datetime="{$dt2}"><xsl:value-of select="tk:human-date($to)"/></time></xsl:when>
                  <xsl:otherwise><span class="date"><xsl:value-of select="tk:human-date($to)"/></span></xsl:otherwise>
                </xsl:choose>
              </xsl:if>
              <xsl:text> </xsl:text>
              <xsl:variable name="first" select="tk:occurrences(.)[1]"/>
              <a class="ent ent-{tk:register-kind(.)}" href="#{if ($first) then tk:id($first) else tk:id(.)}"><xsl:value-of select="tk:entry-name(.)"/></a>
              <span class="timeline-kind">
                <xsl:value-of select="' (' || (if (tk:register-kind(.) = 'treaty') then 'treaty or instrument' else 'event')"/>
                <xsl:if test="$first"><xsl:value-of select="', ' || tk:locator($first)"/></xsl:if>
                <xsl:text>; </xsl:text><a href="#{tk:id(.)}">index</a><xsl:text>)</xsl:text>
              </span>
            </li>
          </xsl:for-each>
        </ol>
      </section>
    </xsl:if>
  </xsl:template>

  <xsl:function name="tk:sort-date" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="($e/@when, $e/@from, $e/@notBefore, $e/tei:date/@when, $e/tei:date/@from, $e/tei:date/@notBefore)
                          [matches(normalize-space(.), '^-?\d{4}')][1] ! normalize-space(.)"/>
  </xsl:function>

  <!-- ==================================================================== -->
  <!-- How to cite: the source as published (with its DOI), then this edition. -->

  <xsl:template name="how-to-cite">
    <section class="cite" id="tk-cite" aria-labelledby="tk-cite-h">
      <h2 id="tk-cite-h">How to cite</h2>
      <xsl:if test="$source">
        <p class="citation"><xsl:apply-templates select="$source" mode="citation"/></p>
      </xsl:if>
      <xsl:variable name="pub" select="$header/tei:fileDesc/tei:publicationStmt"/>
      <p class="citation citation-edition">
        <xsl:if test="$source"><span class="label">Digital edition: </span></xsl:if>
        <xsl:call-template name="citation-parts"><xsl:with-param name="parts" select="tk:edition-citation(/)"/></xsl:call-template>
      </p>
    </section>
  </xsl:template>

  <!-- A biblStruct as a reference, from common/citation.xsl (the PDF and the text use the same). -->
  <xsl:template match="tei:biblStruct" mode="citation">
    <xsl:call-template name="citation-parts"><xsl:with-param name="parts" select="tk:source-citation(.)"/></xsl:call-template>
  </xsl:template>

  <xsl:template name="citation-parts">
    <xsl:param name="parts" as="map(*)*"/>
    <xsl:for-each select="$parts">
      <xsl:choose>
        <xsl:when test="?url"><a class="{if (contains(?url, 'doi.org/')) then 'doi url' else 'url'}" href="{iri-to-uri(?url)}"><xsl:value-of select="?s"/></a></xsl:when>
        <xsl:when test="?i"><cite><xsl:value-of select="?s"/></cite></xsl:when>
        <xsl:when test="?lang[tk:is-language-tag(.)]"><span class="cited-title" lang="{?lang}"><xsl:value-of select="?s"/></span></xsl:when>
        <xsl:otherwise><xsl:value-of select="?s"/></xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

  <xsl:function name="tk:person-name" as="xs:string">
    <xsl:param name="author" as="element()"/>
    <xsl:variable name="pn" select="($author/descendant-or-self::tei:persName)[1]"/>
    <xsl:sequence select="normalize-space(if ($pn/(tei:forename | tei:surname))
                          then string-join(($pn/tei:forename, $pn/tei:surname) ! tk:text(.), ' ')
                          else tk:text(($pn, $author)[1]))"/>
  </xsl:function>

</xsl:stylesheet>
