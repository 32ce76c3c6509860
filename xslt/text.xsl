<?xml version="1.0" encoding="UTF-8"?>
<!--
  text.xsl: TEI to plain UTF-8 text. Headings underlined, paragraphs separated
  by blank lines, note markers [n] kept in the text and notes as numbered endnotes.
  Works on any TEI: unknown elements keep their text.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="#all">

  <xsl:import href="common.xsl"/>
  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:template match="/">
    <xsl:variable name="blocks" as="xs:string*">
      <xsl:variable name="title" select="tk:title(.)"/>
      <xsl:if test="$title">
        <xsl:sequence select="$title || '&#10;' || replace($title, '.', '=')"/>
      </xsl:if>
      <xsl:if test="exists(tk:authors(.))">
        <xsl:sequence select="string-join(tk:authors(.), ', ')"/>
      </xsl:if>
      <xsl:apply-templates select="/*/tei:text | /tei:teiCorpus/tei:TEI/tei:text" mode="block"/>
      <xsl:variable name="notes" select="tk:numbered-notes(.)"/>
      <xsl:if test="exists($notes)">
        <xsl:sequence select="'Notes&#10;-----'"/>
        <xsl:for-each select="$notes">
          <xsl:variable name="body" as="xs:string*">
            <xsl:apply-templates mode="inline"/>
          </xsl:variable>
          <xsl:sequence select="tk:note-number(.) || '. ' || normalize-space(string-join($body))"/>
        </xsl:for-each>
      </xsl:if>
    </xsl:variable>
    <xsl:value-of select="string-join($blocks[normalize-space()], '&#10;&#10;') || '&#10;'"/>
  </xsl:template>

  <!-- Block mode: returns one string per block. -->
  <xsl:template match="tei:head" mode="block">
    <xsl:variable name="t" select="normalize-space(string-join(tk:inline(.)))"/>
    <xsl:variable name="depth" select="count(ancestor::tei:div)"/>
    <xsl:sequence select="$t || '&#10;' || replace($t, '.', if ($depth le 1) then '=' else '-')"/>
  </xsl:template>

  <xsl:template match="tei:p | tei:ab | tei:l | tei:item | tei:label | tei:stage | tei:speaker
                       | tei:bibl | tei:quote[not(ancestor::tei:p)] | tei:trailer | tei:byline
                       | tei:docTitle | tei:titlePart | tei:docAuthor | tei:docDate | tei:dateline
                       | tei:salute | tei:signed | tei:epigraph/tei:* | tei:figDesc | tei:caption"
                mode="block">
    <xsl:sequence select="normalize-space(string-join(tk:inline(.)))"/>
  </xsl:template>

  <xsl:template match="tei:note | tei:teiHeader | tei:fw | tei:pb | tei:lb | tei:cb | tei:milestone"
                mode="block"/>

  <!-- Containers: recurse; text directly inside a container becomes its own block. -->
  <xsl:template match="*" mode="block">
    <xsl:for-each-group select="node()" group-adjacent="
        (self::text() and normalize-space()) or tk:is-inline(.)">
      <xsl:choose>
        <xsl:when test="current-grouping-key()">
          <xsl:sequence select="normalize-space(string-join(for $n in current-group() return tk:inline($n)))"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates select="current-group()[self::*]" mode="block"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each-group>
  </xsl:template>

  <xsl:function name="tk:is-inline" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="exists($n/self::tei:hi | $n/self::tei:emph | $n/self::tei:persName
        | $n/self::tei:placeName | $n/self::tei:orgName | $n/self::tei:name | $n/self::tei:date
        | $n/self::tei:rs | $n/self::tei:foreign | $n/self::tei:term | $n/self::tei:title
        | $n/self::tei:ref | $n/self::tei:ptr | $n/self::tei:choice | $n/self::tei:note
        | $n/self::tei:q | $n/self::tei:said | $n/self::tei:num | $n/self::tei:abbr | $n/self::tei:expan
        | $n/self::tei:sic | $n/self::tei:corr | $n/self::tei:reg | $n/self::tei:orig
        | $n/self::tei:lb | $n/self::tei:pb | $n/self::tei:cb | $n/self::tei:seg | $n/self::tei:w
        | $n/self::tei:c | $n/self::tei:pc | $n/self::tei:gap | $n/self::tei:unclear
        | $n/self::tei:soCalled | $n/self::tei:mentioned | $n/self::tei:quote[ancestor::tei:p])"/>
  </xsl:function>

  <xsl:function name="tk:inline" as="xs:string*">
    <xsl:param name="n" as="node()"/>
    <xsl:apply-templates select="$n/node()" mode="inline"/>
  </xsl:function>

  <!-- Inline mode: returns strings. -->
  <xsl:template match="text()" mode="inline">
    <xsl:sequence select="string(.)"/>
  </xsl:template>

  <xsl:template match="tei:note" mode="inline">
    <xsl:sequence select="if (tk:numbered-notes(.) intersect .) then '[' || tk:note-number(.) || ']' else ()"/>
  </xsl:template>

  <xsl:template match="tei:note//tei:note" mode="inline" priority="2">
    <xsl:apply-templates mode="inline"/>
  </xsl:template>

  <xsl:template match="tei:choice" mode="inline">
    <xsl:apply-templates select="(tei:corr, tei:reg, tei:expan, *)[1]" mode="inline"/>
  </xsl:template>

  <xsl:template match="tei:lb | tei:pb | tei:cb | tei:milestone | tei:fw" mode="inline">
    <xsl:sequence select="if (@break = 'no') then '' else ' '"/>
  </xsl:template>

  <xsl:template match="tei:q | tei:said | tei:quote | tei:soCalled" mode="inline">
    <xsl:sequence select="'“'"/>
    <xsl:apply-templates mode="inline"/>
    <xsl:sequence select="'”'"/>
  </xsl:template>

  <xsl:template match="tei:gap" mode="inline">
    <xsl:sequence select="'[…]'"/>
  </xsl:template>

  <xsl:template match="*" mode="inline">
    <xsl:apply-templates mode="inline"/>
  </xsl:template>

</xsl:stylesheet>
