<?xml version="1.0" encoding="UTF-8"?>
<!--
  text/scholarly.xsl: the scholarly phenomena in plain text, included by text.xsl.

  What is shown is decided in common/; here it becomes lines of text:
    critical apparatus  the lemma in the text; an "Apparatus" section after the notes
                        (witness list, then "N. locus lemma] reading Sigla; ...")
    Leiden signs        the same signs as in HTML and PDF; underdots as U+0323
    edition divisions   labelled; numbered lines one per line, every 5th numbered
    stage in speeches   in [brackets], so it does not read as spoken text
    msDesc, correspDesc the description after the title, a letter's "From → To" line
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="#all">

  <xsl:template match="text()[tk:at-joined-break(.)]" mode="inline">
    <xsl:sequence select="if (ancestor::tei:unclear) then tk:underdot(tk:text-at-break(.)) else tk:text-at-break(.)"/>
  </xsl:template>

  <xsl:template match="text()[ancestor::tei:unclear]" mode="inline">
    <xsl:sequence select="tk:underdot(.)"/>
  </xsl:template>

  <!-- Critical apparatus: the text reads the lemma. -->
  <!-- A note inside an app belongs to its apparatus entry, not to the text. -->
  <xsl:template match="tei:app//tei:note" mode="inline block" priority="3"/>

  <xsl:template match="tei:app[tk:app-in-text(.)]" mode="inline">
    <xsl:apply-templates select="tk:app-lemma(.)/node()" mode="inline"/>
  </xsl:template>

  <xsl:template match="tei:app" mode="inline block">
    <xsl:sequence select="tk:app-entry-text(.)"/>
  </xsl:template>

  <xsl:template match="tei:listApp" mode="block">
    <xsl:sequence select="string-join(tei:app ! tk:app-entry-text(.), $NL)"/>
  </xsl:template>

  <xsl:template match="tei:listWit" mode="block inline"/>

  <xsl:function name="tk:apparatus-blocks" as="xs:string*">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="apps" select="tk:apparatus($doc)"/>
    <xsl:variable name="witnesses" select="tk:witnesses($doc)"/>
    <xsl:variable name="choices" select="tk:choice-notes($doc)"/>
    <xsl:if test="exists($apps) or exists($witnesses) or exists($choices)">
      <xsl:sequence select="tk:underline('Apparatus', '-')"/>
      <xsl:if test="exists($witnesses)">
        <xsl:sequence select="'Witnesses:' || $NL || string-join($witnesses ! (tk:witness-siglum(.) || '  ' || tk:witness-description(.)), $NL)"/>
      </xsl:if>
      <xsl:if test="exists($apps)">
        <xsl:sequence select="string-join($apps ! (tk:app-number(.) || '. ' || tk:app-locus(.) || '  ' || tk:app-entry-text(.)), $NL)"/>
      </xsl:if>
      <!-- The other side of each choice (the text shows corr, reg, expan). -->
      <xsl:if test="exists($choices)">
        <xsl:sequence select="'Choices:' || $NL || string-join($choices ! (tk:app-locus(.) || '  ' || tk:choice-note-text(.)), $NL)"/>
      </xsl:if>
    </xsl:if>
  </xsl:function>

  <!-- Facsimiles (common/figures.xsl): after the apparatus, one line per page break with an
       image, "p. 3  f/page3.jpg" (the page's number, else its place among the pages). -->
  <xsl:function name="tk:facsimile-blocks" as="xs:string*">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="pbs" select="root($doc)//tei:text//tei:pb[@facs][exists(tk:pb-facs(.))]"/>
    <xsl:if test="exists($pbs)">
      <xsl:sequence select="tk:underline('Facsimile', '-')"/>
      <xsl:sequence select="string-join(for $i in 1 to count($pbs) return
          'p. ' || (normalize-space($pbs[$i]/@n)[.], '[' || $i || ']')[1] || '  ' || tk:pb-facs($pbs[$i]), $NL)"/>
    </xsl:if>
  </xsl:function>

  <!-- Leiden signs, gaps, substitutions, choices, spaces. -->
  <xsl:template match="tei:supplied | tei:ex | tei:surplus | tei:add | tei:del" mode="inline">
    <xsl:sequence select="tk:sign-open(.)"/>
    <xsl:apply-templates mode="inline"/>
    <xsl:sequence select="tk:sign-close(.)"/>
  </xsl:template>

  <xsl:template match="tei:gap" mode="inline">
    <xsl:sequence select="tk:gap-sign(.)"/>
  </xsl:template>

  <xsl:template match="tei:gap" mode="block">
    <xsl:sequence select="tk:gap-sign(.)"/>
  </xsl:template>

  <xsl:template match="tei:subst" mode="inline">
    <xsl:apply-templates select="tk:subst-shown(.)/node()" mode="inline"/>
  </xsl:template>

  <xsl:template match="tei:choice" mode="inline">
    <xsl:apply-templates select="tk:choice-shown(.)" mode="inline"/>
  </xsl:template>

  <xsl:template match="tei:space" mode="inline">
    <xsl:sequence select="' '"/>
  </xsl:template>

  <xsl:template match="tei:lb | tei:pb | tei:cb | tei:milestone" mode="inline">
    <xsl:sequence select="if (@break = 'no' or tk:joined-run(.)) then '' else ' '"/>
  </xsl:template>

  <!-- Inside an edition's block (below) a line break that starts a line marks where: U+FDD0,
       the number shown, U+FDD1. These noncharacters never reach the stylesheets from a
       document (teikit.write.characters drops them), so they cannot be confused with text. -->
  <xsl:variable name="tk:line-mark" select="'&#xFDD0;'"/>
  <xsl:variable name="tk:line-mark-end" select="'&#xFDD1;'"/>

  <xsl:template match="tei:lb" mode="inline" priority="2">
    <xsl:param name="tk:in-lines" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:choose>
      <xsl:when test="$tk:in-lines and (not(@break = 'no') or tk:is-numbered-lb(.))">
        <xsl:sequence select="tk:lb-hyphen(.) || $tk:line-mark || tk:lb-number-shown(.) || $tk:line-mark-end"/>
      </xsl:when>
      <xsl:otherwise><xsl:next-match/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An edition division's block of text: one line per line of the inscription or papyrus,
       also where the line break is nested in lem, reg or supplied, or breaks a word
       (break="no": the word ends its line with a hyphen); the number every 5th. -->
  <xsl:template match="tei:ab[ancestor::tei:div[@type = 'edition']][tei:lb[tk:is-numbered-lb(.)]]
                       | tei:p[ancestor::tei:div[@type = 'edition']][tei:lb[tk:is-numbered-lb(.)]]" mode="block" priority="3">
    <xsl:call-template name="tk:edition-lines"/>
  </xsl:template>

  <!-- The lines of an edition's block (the context): each starts with its 5-column gutter
       (none without $gutters: verse set without one), the first with $first-gutter when
       given (a verse line's own). -->
  <xsl:template name="tk:edition-lines">
    <xsl:param name="first-gutter" as="xs:string?" select="()"/>
    <xsl:param name="gutters" as="xs:boolean" select="true()"/>
    <xsl:variable name="flow" as="xs:string*">
      <xsl:apply-templates mode="inline"><xsl:with-param name="tk:in-lines" select="true()" tunnel="yes"/></xsl:apply-templates>
    </xsl:variable>
    <xsl:variable name="lines" as="xs:string*">
      <xsl:for-each select="tokenize(string-join($flow), $tk:line-mark)
                            [normalize-space(if (contains(., $tk:line-mark-end)) then substring-after(., $tk:line-mark-end) else .)]">
        <xsl:variable name="marked" select="contains(., $tk:line-mark-end)"/>
        <xsl:variable name="words" select="normalize-space(if ($marked) then substring-after(., $tk:line-mark-end) else .)"/>
        <xsl:variable name="n" select="if ($marked) then substring-before(., $tk:line-mark-end) else ''"/>
        <xsl:sequence select="(if (position() = 1 and exists($first-gutter)) then $first-gutter
                               else if ($gutters) then substring($n || '     ', 1, 5) else '') || $words"/>
      </xsl:for-each>
    </xsl:variable>
    <xsl:sequence select="string-join($lines, $NL)"/>
  </xsl:template>

  <xsl:template match="tei:div[not(tei:head)][exists(tk:div-label(.))]" mode="block" priority="2">
    <xsl:sequence select="tk:underline(tk:div-label(.), '-')"/>
    <xsl:call-template name="container"/>
  </xsl:template>

  <!-- Verse: a 5-column gutter with every 5th line's number (tk:line-number-shown), as the
       lines of an inscription have; a split line's later parts are stepped in under the
       earlier ones. Verse quoted in prose, a note or a quotation keeps no gutter,
       nor does a text whose verse never reaches a 5th line. -->
  <xsl:variable name="tk:verse-numbered" as="xs:boolean"
      select="some $l in //tei:text//tei:l satisfies exists(tk:line-number-shown($l))"/>
  <xsl:template match="tei:l" mode="block">
    <xsl:variable name="step" select="tk:line-step(.)"/>
    <xsl:variable name="gutter" select="if (not($tk:verse-numbered) or ancestor::tei:quote | ancestor::tei:cit | ancestor::tei:q | ancestor::tei:p
                                            | ancestor::tei:note | ancestor::tei:figure) then ''
        else substring((tk:line-number-shown(.), '')[1] || '     ', 1, 5)"/>
    <xsl:variable name="stepped" select="if ($step gt 0) then string-join((1 to $step) ! ' ') else ''"/>
    <xsl:choose>
      <!-- A verse line of an edition holding line breaks of its support: a line each, as in
           HTML and PDF (the EpiDoc reading), the first in the verse line's gutter. -->
      <xsl:when test="ancestor::tei:div[@type = 'edition'] and exists(.//tei:lb[tk:lb-starts-line(.)])">
        <xsl:call-template name="tk:edition-lines">
          <xsl:with-param name="first-gutter" select="$gutter || $stepped"/>
          <xsl:with-param name="gutters" select="$gutter != ''"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="$gutter || $stepped || tk:flat(.)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A stage direction in a speech is set off in brackets: it is not spoken. -->
  <xsl:template match="tei:sp//tei:stage" mode="block" priority="2">
    <xsl:sequence select="'[' || tk:flat(.) || ']'"/>
  </xsl:template>

  <xsl:template match="tei:stage[tk:is-inline-stage(.)]" mode="inline">
    <xsl:sequence select="' [' || normalize-space(string-join(tk:inline(.))) || '] '"/>
  </xsl:template>

  <!-- A letter's header line and the manuscript descriptions, after the title. -->
  <xsl:function name="tk:source-blocks" as="xs:string*">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="tk:corresp-line($doc)[.]"/>
    <xsl:for-each select="tk:ms-descriptions($doc)">
      <xsl:sequence select="tk:underline('Manuscript description', '-')"/>
      <xsl:sequence select="tk:ms-identifier(.)[.]"/>
      <xsl:apply-templates select="* except tei:msIdentifier" mode="msdesc"/>
      <xsl:apply-templates select="tei:msIdentifier/(* except (tei:country | tei:region | tei:settlement | tei:institution
                                   | tei:repository | tei:collection | tei:idno[not(@type = ('URI', 'uri'))] | tei:msName))"
                           mode="msdesc"/>
    </xsl:for-each>
  </xsl:function>

  <!-- A part of the description: its label and own text on one line, then its sections. -->
  <xsl:template match="*" mode="msdesc">
    <xsl:variable name="label" select="tk:ms-label(.)"/>
    <xsl:variable name="own" select="normalize-space(string-join(
        (node() except *[tk:ms-is-section(.)]) ! tk:ms-flat(.), ' '))"/>
    <xsl:if test="$label or $own">
      <xsl:sequence select="normalize-space(string-join(($label[.], $own[.]), ': '))"/>
    </xsl:if>
    <xsl:apply-templates select="*[tk:ms-is-section(.)]" mode="msdesc"/>
  </xsl:template>

  <xsl:function name="tk:ms-flat" as="xs:string">
    <xsl:param name="n" as="node()"/>
    <xsl:variable name="label" select="if ($n instance of element()) then tk:ms-label($n) else ''"/>
    <xsl:sequence select="if ($n instance of comment() or $n instance of processing-instruction()) then ''
                          else if ($label) then $label || ': ' || normalize-space($n) || ';'
                          else normalize-space(string-join($n//text(), ' '))"/>
  </xsl:function>

</xsl:stylesheet>
