<?xml version="1.0" encoding="UTF-8"?>
<!--
  text/sourcedoc.xsl: the diplomatic page view in plain text, included by text.xsl.

  What is shown is decided in common/sourcedoc.xsl. Here: a "Pages" section after the
  reading text; each page under its label ("Page 3"), with its image's address; each zone
  a block under its label; each line on a line of its own after a gutter holding its number:
      Page 1
      facs. img/f1r.png

         1  Ich habe mich geirrt, liebe Ottilie;
         2  der Preiß von den bewuſten
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="#all">

  <xsl:function name="tk:page-view-blocks" as="xs:string*">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="pages" select="tk:pages($doc)"/>
    <xsl:if test="exists($pages)">
      <xsl:sequence select="tk:underline('Pages', '-')"/>
      <xsl:for-each select="$pages">
        <xsl:variable name="width" select="max((4, .//tei:line ! string-length(tk:page-line-number(.))))"/>
        <xsl:sequence select="string-join((tk:page-label(.), tk:page-desc(.), tk:page-image(.) ! ('facs. ' || .)), $NL)"/>
        <xsl:sequence select="tk:page-part-blocks(., $width)"/>
      </xsl:for-each>
    </xsl:if>
  </xsl:function>

  <!-- The blocks of a page or zone: runs of lines together, each zone a block of its own. -->
  <xsl:function name="tk:page-part-blocks" as="xs:string*">
    <xsl:param name="e" as="element()"/>
    <xsl:param name="width" as="xs:integer"/>
    <xsl:for-each-group select="tk:page-parts($e)" group-adjacent="tk:is-zone(.)">
      <xsl:choose>
        <xsl:when test="current-grouping-key()">
          <xsl:for-each select="current-group()">
            <xsl:variable name="blocks" select="tk:page-part-blocks(., $width)"/>
            <xsl:sequence select="if (exists(tk:zone-label(.))) then ('[' || tk:zone-label(.) || ']' || (if (exists($blocks)) then $NL || $blocks[1] else ''), subsequence($blocks, 2))
                                  else $blocks"/>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise>
          <xsl:sequence select="string-join(current-group() ! tk:page-line(., $width)[.], $NL)[.]"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each-group>
  </xsl:function>

  <!-- A line after its number, right-aligned in the gutter; text outside lines and editorial
       notes without a number. -->
  <xsl:function name="tk:page-line" as="xs:string">
    <xsl:param name="n" as="node()"/>
    <xsl:param name="width" as="xs:integer"/>
    <xsl:variable name="words" select="if ($n instance of text()) then normalize-space($n)
                                       else normalize-space(string-join(tk:inline($n)))"/>
    <xsl:variable name="num" select="if ($n/self::tei:line) then tk:page-line-number($n) else ''"/>
    <xsl:variable name="pad" select="string-join((1 to $width + 2 - string-length($num)) ! ' ')"/>
    <xsl:sequence select="if ($n/self::tei:note) then $pad || '  [' || $words || ']'
                          else if ($words = '' and $num = '') then ''
                          else $pad || $num || '  ' || $words"/>
  </xsl:function>

  <!-- Inside a line: what the diplomatic view shows differently from the reading text. -->
  <xsl:template match="tei:sourceDoc//tei:choice | tei:sourceDoc//tei:subst | tei:sourceDoc//tei:app" mode="inline" priority="6">
    <xsl:apply-templates select="tk:page-shown(.)" mode="inline"/>
  </xsl:template>

  <xsl:template match="tei:sourceDoc//tei:mod[tk:is-cancelled(.)]" mode="inline" priority="7">
    <xsl:sequence select="'⟦'"/>
    <xsl:apply-templates mode="inline"/>
    <xsl:sequence select="'⟧'"/>
  </xsl:template>

  <xsl:template match="tei:sourceDoc//tei:fw | tei:sourceDoc//tei:retrace | tei:sourceDoc//tei:mod
                       | tei:sourceDoc//tei:metamark | tei:sourceDoc//tei:restore | tei:sourceDoc//tei:damage" mode="inline" priority="6">
    <xsl:apply-templates mode="inline"/>
  </xsl:template>

  <xsl:template match="tei:sourceDoc//tei:note" mode="inline" priority="6">
    <xsl:sequence select="' [' || normalize-space(string-join(tk:inline(.))) || '] '"/>
  </xsl:template>

  <xsl:template match="tei:sourceDoc//tei:handShift | tei:sourceDoc//tei:graphic | tei:sourceDoc//tei:label
                       | tei:sourceDoc//tei:desc | tei:sourceDoc//tei:path" mode="inline" priority="6"/>

</xsl:stylesheet>
