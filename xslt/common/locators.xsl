<?xml version="1.0" encoding="UTF-8"?>
<!--
  common/locators.xsl: where a passage is, said the way a reader cites it, identically in
  every output: "§ 2 ¶ 3" (section, paragraph within it), "n. 12" (a note), "Abstract",
  and act.scene.line for drama ("2.1.45"). Paragraph numbers and their stable HTML ids are
  computed once per document (a map), so a long novel costs one pass, not one per paragraph.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <xsl:function name="tk:is-headed-div" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/tei:head) and exists($e/(self::tei:div | self::tei:div1 | self::tei:div2
                          | self::tei:div3 | self::tei:div4 | self::tei:div5 | self::tei:div6 | self::tei:div7))"/>
  </xsl:function>

  <!-- Paragraphs of the reading text that get a number: those of the body and back matter,
       not in notes, figures, speeches or pull quotes (front matter is title-page material). -->
  <xsl:function name="tk:is-numbered-para" as="xs:boolean">
    <xsl:param name="p" as="element()"/>
    <xsl:sequence select="exists($p/self::tei:p)
                          and empty($p/ancestor::*[self::tei:note or self::tei:figure or self::tei:castList
                                                   or self::tei:sp or self::tei:front or self::tei:teiHeader])
                          and exists($p/ancestor::tei:text)
                          and empty($p/ancestor-or-self::*[@type or @rend or @subtype][tk:is-pull-quote(.)])"/>
  </xsl:function>

  <!-- generate-id(p) -> map{'sec': '2.1', 'n': 3, 'id': 's2.1-p3'}: the paragraph's section
       (the number of its nearest headed division, '' outside one), its ordinal there, and an
       id made of both (prefixed back- in the back matter and, in a corpus, by the member's number). -->
  <xsl:variable name="tk:paragraphs" as="map(xs:string, map(*))">
    <!-- Entries gathered first and merged once: building the map entry by entry costs more. -->
    <xsl:variable name="entries" as="map(*)*">
      <xsl:variable name="multi" select="count(/tei:teiCorpus/tei:TEI) gt 1"/>
      <xsl:for-each-group select="//tei:text//tei:p[tk:is-numbered-para(.)]"
          group-by="generate-id((ancestor::*[tk:is-headed-div(.)][1], ancestor::*[self::tei:body or self::tei:front
                                 or self::tei:back][1], ancestor::tei:text[1])[1])">
        <xsl:variable name="owner" select="(ancestor::*[tk:is-headed-div(.)][1])"/>
        <xsl:variable name="sec" select="if ($owner) then tk:div-number($owner) else ''"/>
        <xsl:variable name="part" select="if (ancestor::tei:back) then 'back-' else ''"/>
        <xsl:variable name="member" select="if ($multi) then 't' || (count(ancestor::tei:TEI[1]/preceding-sibling::tei:TEI) + 1) || '-' else ''"/>
        <xsl:for-each select="current-group()">
          <xsl:sequence select="map:entry(generate-id(.), map{'sec': $sec, 'n': position(),
                          'id': $member || $part || (if ($sec) then 's' || $sec || '-' else '') || 'p' || position()})"/>
        </xsl:for-each>
      </xsl:for-each-group>
    </xsl:variable>
    <xsl:sequence select="map:merge($entries)"/>
  </xsl:variable>

  <!-- The paragraph's HTML id (its xml:id when it has one), or nothing for an unnumbered one. -->
  <xsl:function name="tk:para-id" as="xs:string?">
    <xsl:param name="p" as="element()"/>
    <xsl:sequence select="$tk:paragraphs(generate-id($p)) ! (if ($p/@xml:id) then string($p/@xml:id) else ?id)"/>
  </xsl:function>

  <!-- "§ 2.1 ¶ 3", or "¶ 3" outside numbered sections. -->
  <xsl:function name="tk:para-locator" as="xs:string?">
    <xsl:param name="p" as="element()"/>
    <xsl:sequence select="$tk:paragraphs(generate-id($p)) ! ((if (?sec) then '§ ' || ?sec || ' ' else '') || '¶ ' || ?n)"/>
  </xsl:function>

  <!-- Drama: the number of an act or scene is its @n when that is a plain number, else its
       position among its kind (acts in the text, scenes in their act). -->
  <xsl:function name="tk:division-ordinal" as="xs:string">
    <xsl:param name="div" as="element()"/>
    <xsl:variable name="type" select="string($div/@type)"/>
    <xsl:sequence select="if (matches(normalize-space($div/@n), '^\d+$')) then normalize-space($div/@n)
                          else string(count($div/preceding-sibling::*[@type = $type]) + 1)"/>
  </xsl:function>

  <!-- act.scene.line of a place in a play: the line is the nearest l's @n (else its position
       in the scene); a prose speech gives act.scene. Empty outside acts and scenes. -->
  <xsl:function name="tk:drama-locator" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="act" select="$e/ancestor-or-self::*[@type = 'act'][1]"/>
    <xsl:variable name="scene" select="$e/ancestor-or-self::*[@type = 'scene'][1]"/>
    <xsl:variable name="l" select="($e/ancestor-or-self::tei:l, $e/self::tei:sp/descendant::tei:l)[1]"/>
    <xsl:variable name="line" as="xs:string?">
      <xsl:choose>
        <xsl:when test="empty($l)"/>
        <xsl:when test="matches(normalize-space($l/@n), '^\d+[a-z]?$')"><xsl:sequence select="normalize-space($l/@n)"/></xsl:when>
        <xsl:when test="$scene"><xsl:number select="$l" level="any" count="tei:l" from="*[@type = 'scene']"/></xsl:when>
        <xsl:when test="$act"><xsl:number select="$l" level="any" count="tei:l" from="*[@type = 'act']"/></xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="$act or $scene">
      <xsl:sequence select="string-join(($act ! tk:division-ordinal(.), $scene ! tk:division-ordinal(.), $line), '.')"/>
    </xsl:if>
  </xsl:function>

  <!-- Where any element of the text is, for registers, indexes and the timeline. -->
  <xsl:function name="tk:locator" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="note" select="($e/ancestor-or-self::tei:note[tk:is-numbered-note(.)])[1]"/>
    <xsl:variable name="p" select="$e/ancestor-or-self::tei:p[tk:is-numbered-para(.)][1]"/>
    <xsl:variable name="drama" select="tk:drama-locator($e)"/>
    <xsl:variable name="div" select="$e/ancestor-or-self::*[tk:is-headed-div(.)][1]"/>
    <xsl:sequence select="if ($note) then 'n. ' || tk:note-number($note)
                          else if ($drama) then $drama
                          else if ($p) then tk:para-locator($p)
                          else if ($e/ancestor::tei:abstract) then 'Abstract'
                          else if ($div) then '§ ' || tk:div-number($div)
                          else if ($e/ancestor::tei:front) then 'Front matter'
                          else if ($e/ancestor::tei:back) then 'Back matter'
                          else 'Text'"/>
  </xsl:function>

  <!-- A keyword-in-context snippet of an occurrence: (before, the words, after), each side cut
       to about $width characters at a word boundary. The block is the paragraph, line, note or
       heading holding it; a speech (an @who occurrence) shows its first words. -->
  <xsl:function name="tk:kwic" as="xs:string*">
    <xsl:param name="occ" as="element()"/>
    <xsl:param name="width" as="xs:integer"/>
    <xsl:choose>
      <xsl:when test="$occ/self::tei:sp">
        <xsl:variable name="words" select="normalize-space(string-join($occ/(* except tei:speaker)//text()[not(ancestor::tei:note)], ' '))"/>
        <xsl:sequence select="('', normalize-space(string($occ/tei:speaker[1])), tk:cut-right(': ' || $words, $width * 2))"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="block" select="($occ/ancestor-or-self::*[self::tei:p or self::tei:l or self::tei:ab or self::tei:head
                                             or self::tei:item or self::tei:cell or self::tei:note or self::tei:quote][1], $occ)[1]"/>
        <xsl:variable name="texts" select="$block//text()[not(ancestor::tei:note[not(. is $block)])]"/>
        <xsl:variable name="before" select="string-join($texts[. &lt;&lt; $occ])"/>
        <xsl:variable name="after" select="string-join($texts[. >> $occ][empty(ancestor::*[. is $occ])])"/>
        <xsl:sequence select="(tk:cut-left($before, $width), normalize-space(string-join($occ//text()[not(ancestor::tei:note)])),
                               tk:cut-right($after, $width))"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <xsl:function name="tk:cut-left" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:param name="width" as="xs:integer"/>
    <xsl:variable name="t" select="replace(replace($s, '\s+', ' '), '^ ', '')"/>
    <xsl:sequence select="if (string-length($t) le $width) then $t
                          else '… ' || replace(substring($t, string-length($t) - $width + 1), '^\S*\s', '')"/>
  </xsl:function>

  <xsl:function name="tk:cut-right" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:param name="width" as="xs:integer"/>
    <xsl:variable name="t" select="replace(replace($s, '\s+', ' '), ' $', '')"/>
    <xsl:sequence select="if (string-length($t) le $width) then $t
                          else replace(substring($t, 1, $width), '\s\S*$', '') || ' …'"/>
  </xsl:function>

</xsl:stylesheet>
