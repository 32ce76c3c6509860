<?xml version="1.0" encoding="UTF-8"?>
<!--
  page.xsl: a document's page in a teikit site.

  It is the reading edition of html.xsl, unchanged in its text, notes and registers,
  with three additions made on the finished page (mode site):
    - the site's navigation (index, registers, timeline, search, about), all relative links;
    - Pagefind's attributes: the reading text is the searchable body, the title block
      and text are indexed, the document's own index, timeline and citation are not;
      header metadata and mentioned entities become search filters (empty <data> elements,
      so the page shows nothing twice);
    - an id on every mention of an entity, so that a register entry can link to the passage.
  Parameters come from teikit.site: the site's title, the way back to the site's root
  from this page, and the site's navigation CSS (read by Python; transformations read no files).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:site="urn:teikit:site"
    exclude-result-prefixes="#all">

  <xsl:import href="../html.xsl"/>
  <xsl:import href="metadata.xsl"/>

  <xsl:param name="site-title" as="xs:string" select="'Edition'"/>
  <xsl:param name="home" as="xs:string" select="'../'"/>
  <xsl:param name="site-css" as="xs:string" select="''"/>

  <!-- Mentions of entities get an id too (html.xsl gives one only to local pointers),
       so a cross-document register can point at the very passage. -->
  <xsl:function name="tk:wants-id" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="($e/ancestor::tei:text or $e/ancestor::tei:abstract)
                          and (($e/@xml:id and key('tk:id', $e/@xml:id, root($e))[1] is $e)
                               or (some $a in ($e/@ref, $e/@who, $e/@corresp, $e/@target) satisfies contains($a, '#'))
                               or site:is-mention($e))"/>
  </xsl:function>

  <xsl:template match="/">
    <xsl:variable name="page" as="document-node()">
      <xsl:document><xsl:apply-imports/></xsl:document>
    </xsl:variable>
    <xsl:apply-templates select="$page" mode="site">
      <xsl:with-param name="tei" select="$tei" tunnel="yes"/>
    </xsl:apply-templates>
  </xsl:template>

  <xsl:mode name="site" on-no-match="shallow-copy"/>

  <xsl:template match="head" mode="site">
    <xsl:copy>
      <xsl:apply-templates select="@* | node()" mode="site"/>
      <style><xsl:value-of select="$site-css"/></style>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="body/header[tokenize(@class) = 'masthead']" mode="site">
    <xsl:next-match/>
    <xsl:call-template name="site:nav"/>
  </xsl:template>

  <xsl:template match="main" mode="site">
    <xsl:param name="tei" as="element()" tunnel="yes"/>
    <xsl:copy>
      <xsl:apply-templates select="@*" mode="site"/>
      <xsl:attribute name="data-pagefind-body"/>
      <xsl:apply-templates select="node()" mode="site"/>
      <xsl:call-template name="site:facets"><xsl:with-param name="tei" select="$tei"/></xsl:call-template>
    </xsl:copy>
  </xsl:template>

  <!-- The document's own index, timeline, contents and citation: not what a search is for. -->
  <xsl:template match="main//*[@id = ('tk-index', 'tk-timeline', 'tk-cite')] | main//nav[tokenize(@class) = 'toc']"
                mode="site">
    <xsl:copy>
      <xsl:apply-templates select="@*" mode="site"/>
      <xsl:attribute name="data-pagefind-ignore"/>
      <xsl:apply-templates select="node()" mode="site"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="main//h1" mode="site">
    <xsl:copy>
      <xsl:apply-templates select="@*" mode="site"/>
      <xsl:attribute name="data-pagefind-meta">title</xsl:attribute>
      <xsl:apply-templates select="node()" mode="site"/>
    </xsl:copy>
  </xsl:template>

  <!-- Pagefind links a result to the heading of its section when the heading has an id;
       html.xsl puts the section's id on the section, so its heading gets one of its own. -->
  <xsl:template match="main//section[@id]/*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6][1][not(@id)]"
                mode="site">
    <xsl:copy>
      <xsl:apply-templates select="@*" mode="site"/>
      <xsl:attribute name="id" select="../@id || '-h'"/>
      <xsl:apply-templates select="node()" mode="site"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template name="site:nav">
    <nav class="site-nav" aria-label="Site">
      <a class="site-home" href="{$home}index.html"><xsl:value-of select="$site-title"/></a>
      <ul>
        <li><a href="{$home}index.html">Documents</a></li>
        <li><a href="{$home}persons.html">Persons</a></li>
        <li><a href="{$home}places.html">Places</a></li>
        <li><a href="{$home}registers.html">Registers</a></li>
        <li><a href="{$home}timeline.html">Timeline</a></li>
        <li><a href="{$home}search.html">Search</a></li>
        <li><a href="{$home}about.html">About</a></li>
      </ul>
    </nav>
  </xsl:template>

  <!-- Search filters: one empty <data> element per value. -->
  <xsl:template name="site:facets">
    <xsl:param name="tei" as="element()"/>
    <xsl:variable name="date" select="site:date($tei)"/>
    <xsl:variable name="mentions" select="site:mentions($tei)"/>
    <div class="site-facets" hidden="">
      <data data-pagefind-filter="kind[value]" value="{site:kind($tei)}"/>
      <xsl:if test="$date">
        <data data-pagefind-filter="decade[value]" value="{substring($date, 1, 3)}0s"/>
        <data data-pagefind-filter="year[value]" value="{substring($date, 1, 4)}"/>
        <data data-pagefind-sort="date[value]" value="{$date}"/>
        <data data-pagefind-meta="date[value]" value="{$date}"/>
      </xsl:if>
      <xsl:for-each select="distinct-values(tk:authors($tei)[.])">
        <data data-pagefind-filter="author[value]" value="{.}"/>
      </xsl:for-each>
      <xsl:for-each select="distinct-values((site:correspondents($tei, 'sent'), site:correspondents($tei, 'received'))
                                            ! site:name(.))[.]">
        <data data-pagefind-filter="correspondent[value]" value="{.}"/>
      </xsl:for-each>
      <xsl:for-each select="('person', 'place')">
        <xsl:variable name="kind" select="."/>
        <xsl:for-each select="distinct-values($mentions[site:mention-kind(.) = $kind] ! site:mention-name(.))[.]">
          <data data-pagefind-filter="{$kind}[value]" value="{.}"/>
        </xsl:for-each>
      </xsl:for-each>
    </div>
  </xsl:template>

</xsl:stylesheet>
