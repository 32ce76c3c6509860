<?xml version="1.0" encoding="UTF-8"?>
<!--
  pdf/scholarly.xsl: the scholarly phenomena as data for xslt/typst/edition.typ, included
  by pdf.xsl. What is shown is decided in common/; here it becomes blocks and inlines:
    app       the lemma's inlines, then {t: app, n: locus, c: [entry]}: the entry is set at
              the foot of the page where its lemma stands, keyed by line or paragraph
    Leiden    the same signs as in HTML and text, as strings around the content
    lb        in an edition division {t: br} and {t: ln, n} every 5th line
    l         {t: l, n: number every 5th line, step: characters a split line is stepped in}
    source    the letter's header line and the manuscript descriptions, before the text
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    xmlns:array="http://www.w3.org/2005/xpath-functions/array"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="#all">

  <xsl:template match="text()[tk:at-joined-break(.)]" mode="inline">
    <xsl:sequence select="tk:clean(if (ancestor::tei:unclear) then tk:underdot(tk:text-at-break(.)) else tk:text-at-break(.))"/>
  </xsl:template>

  <xsl:template match="text()[ancestor::tei:unclear]" mode="inline">
    <xsl:sequence select="tk:clean(tk:underdot(.))"/>
  </xsl:template>

  <!-- Critical apparatus -->
  <xsl:variable name="tk:choice-notes" select="tk:choice-notes(/)"/>
  <!-- A note inside an app belongs to its apparatus entry, not to the text. -->
  <xsl:template match="tei:app//tei:note" mode="inline block" priority="3"/>

  <xsl:template match="tei:app[tk:app-in-text(.)]" mode="inline">
    <xsl:apply-templates select="tk:app-lemma(.)/node()" mode="inline"/>
    <xsl:if test="tk:app-number(.) gt 0">
      <xsl:sequence select="map { 't': 'app', 'n': tk:app-locus(.), 'c': array { tk:clean(tk:app-entry-text(.)) } }"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="tei:app" mode="inline">
    <xsl:sequence select="tk:clean(tk:app-entry-text(.))"/>
  </xsl:template>

  <xsl:template match="tei:listApp" mode="block">
    <xsl:sequence select="tei:app ! map { 't': 'p', 'style': 'small', 'c': array { tk:clean(tk:app-entry-text(.)) } }"/>
  </xsl:template>

  <xsl:template match="tei:listWit" mode="block"/>
  <xsl:template match="tei:listWit" mode="inline"/>

  <xsl:function name="tk:witness-data" as="array(*)">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="array { tk:witnesses($doc) ! map { 'siglum': tk:clean(tk:witness-siglum(.)),
                                                             'desc': tk:clean(tk:witness-description(.)) } }"/>
  </xsl:function>

  <!-- Leiden signs, gaps, substitutions, choices -->
  <xsl:template match="tei:supplied | tei:ex | tei:surplus | tei:add | tei:del" mode="inline">
    <xsl:sequence select="tk:sign-open(.)"/>
    <xsl:apply-templates mode="inline"/>
    <xsl:sequence select="tk:sign-close(.)"/>
  </xsl:template>

  <xsl:template match="tei:gap" mode="inline">
    <xsl:sequence select="tk:gap-sign(.)"/>
  </xsl:template>

  <xsl:template match="tei:gap" mode="block">
    <xsl:sequence select="map { 't': 'p', 'c': array { tk:gap-sign(.) } }"/>
  </xsl:template>

  <xsl:template match="tei:subst" mode="inline">
    <xsl:apply-templates select="tk:subst-shown(.)/node()" mode="inline"/>
  </xsl:template>

  <!-- The other side of a choice is an entry of the foot apparatus, keyed like the others. -->
  <xsl:template match="tei:choice" mode="inline">
    <xsl:apply-templates select="tk:choice-shown(.)" mode="inline"/>
    <xsl:if test=". intersect $tk:choice-notes">
      <xsl:sequence select="map { 't': 'app', 'n': tk:app-locus(.), 'c': array { tk:clean(tk:choice-note-text(.)) } }"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="tei:lb" mode="inline">
    <xsl:choose>
      <xsl:when test="tk:is-numbered-lb(.)">
        <xsl:if test="tk:lb-starts-line(.)">
          <xsl:sequence select="tk:lb-hyphen(.)[.], map { 't': 'br' }"/>
        </xsl:if>
        <xsl:for-each select="tk:lb-number-shown(.)">
          <xsl:sequence select="map { 't': 'ln', 'n': . }"/>
        </xsl:for-each>
      </xsl:when>
      <xsl:when test="@break = 'no' or tk:joined-run(.)"/>
      <xsl:otherwise><xsl:sequence select="' '"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:div[not(tei:head)][exists(tk:div-label(.))]" mode="block" priority="2">
    <xsl:variable name="depth" select="count(ancestor-or-self::tei:div)"/>
    <xsl:sequence select="map { 't': 'h', 'level': max((1, min(($depth, 5)))), 'k': tk:key(.),
                                'c': array { tk:div-label(.) } }"/>
    <xsl:call-template name="tk:block-sequence">
      <xsl:with-param name="nodes" select="node()"/>
    </xsl:call-template>
  </xsl:template>

  <!-- Verse lines: the number every 5th line, split lines stepped. -->
  <xsl:template match="tei:l" mode="block">
    <xsl:sequence select="map { 't': 'l', 'c': tk:inlines(.), 'n': string(tk:line-number-shown(.)),
                                'step': tk:line-step(.) }"/>
  </xsl:template>

  <!-- A letter's header line and the manuscript descriptions. -->
  <xsl:function name="tk:source-blocks" as="array(*)">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="array {
        tk:corresp-line($doc)[.] ! map { 't': 'p', 'style': 'center', 'c': array { tk:clean(.) } },
        for $ms in tk:ms-descriptions($doc) return (
          map { 't': 'h', 'level': 1, 'k': tk:key($ms), 'c': array { 'Manuscript description' } },
          tk:ms-identifier($ms)[.] ! map { 't': 'p', 'c': array { map { 't': 'b', 'c': array { tk:clean(.) } } } },
          $ms/(* except tei:msIdentifier) ! tk:ms-blocks(.),
          $ms/tei:msIdentifier/(* except (tei:country | tei:region | tei:settlement | tei:institution | tei:repository
                                          | tei:collection | tei:idno[not(@type = ('URI', 'uri'))] | tei:msName))
            ! tk:ms-blocks(.))
      }"/>
  </xsl:function>

  <xsl:function name="tk:ms-blocks" as="map(*)*">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="label" select="tk:ms-label($e)"/>
    <xsl:variable name="own" select="normalize-space(string-join(
        ($e/node() except $e/*[tk:ms-is-section(.)]) ! tk:ms-flat(.), ' '))"/>
    <xsl:if test="$label or $own">
      <xsl:sequence select="map { 't': 'p', 'style': 'left', 'c': array {
          ($label[.] ! map { 't': 'b', 'c': array { . || (if ($own) then ': ' else '') } }), tk:clean($own) } }"/>
    </xsl:if>
    <xsl:sequence select="$e/*[tk:ms-is-section(.)] ! tk:ms-blocks(.)"/>
  </xsl:function>

  <xsl:function name="tk:ms-flat" as="xs:string">
    <xsl:param name="n" as="node()"/>
    <xsl:variable name="label" select="if ($n instance of element()) then tk:ms-label($n) else ''"/>
    <xsl:sequence select="if ($n instance of comment() or $n instance of processing-instruction()) then ''
                          else if ($label) then $label || ': ' || normalize-space(string-join($n//text(), ' ')) || ';'
                          else normalize-space(string-join($n/descendant-or-self::text(), ' '))"/>
  </xsl:function>

</xsl:stylesheet>
