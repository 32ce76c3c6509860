<?xml version="1.0" encoding="UTF-8"?>
<!--
  pdf/sourcedoc.xsl: the diplomatic page view as PDF data, included by pdf.xsl.

  What is shown is decided in common/sourcedoc.xsl. The data (key "pages" of the JSON):
  a heading "Pages", then one block {"t": "surface"} per page, holding the page's label as
  a heading, its description and image address in small type, and its zones: a caption
  with the zone's label, then its lines as {"t": "l"} blocks, each with its number in the
  margin. The surface block names its image's address ("image"): a local image file inside
  the project root is placed above the lines (write/pdf.py copies it into Typst's folder);
  any image's address is also named, as for page breaks.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    xmlns:array="http://www.w3.org/2005/xpath-functions/array"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="#all">

  <xsl:function name="tk:page-view-data" as="array(*)">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="pages" select="tk:pages($doc)"/>
    <xsl:sequence select="array {
        if (empty($pages)) then () else (
          map { 't': 'h', 'level': 1, 'k': 'tk-pages', 'c': array { 'Pages' } },
          for $s in $pages return map { 't': 'surface', 'image': string(tk:page-image($s)), 'c': array {
            map { 't': 'h', 'level': 2, 'k': tk:key($s), 'c': array { tk:clean(tk:page-label($s)) } },
            tk:page-desc($s) ! map { 't': 'p', 'style': 'small', 'c': array { tk:clean(.) } },
            tk:page-image($s) ! map { 't': 'p', 'style': 'small',
                'c': array { if (tk:is-remote(.)) then map { 't': 'link', 'url': ., 'c': array { 'facs. ' || tk:clean(.) } }
                             else 'facs. ' || tk:clean(.) } },
            tk:page-part-data($s) } }) }"/>
  </xsl:function>

  <xsl:function name="tk:page-part-data" as="map(*)*">
    <xsl:param name="e" as="element()"/>
    <xsl:for-each select="tk:page-parts($e)">
      <xsl:choose>
        <xsl:when test="tk:is-zone(.)">
          <xsl:sequence select="tk:zone-label(.) ! map { 't': 'p', 'style': 'caption', 'c': array { tk:clean(.) } }"/>
          <xsl:sequence select="tk:page-part-data(.)"/>
        </xsl:when>
        <xsl:when test="self::tei:line">
          <xsl:sequence select="map { 't': 'l', 'n': tk:clean(tk:page-line-number(.)), 'c': tk:inlines(.) }"/>
        </xsl:when>
        <xsl:when test="self::tei:note">
          <xsl:sequence select="map { 't': 'p', 'style': 'small', 'c': array { map { 't': 'i', 'c': array { '[', tk:inlines(.)?*, ']' } } } }"/>
        </xsl:when>
        <xsl:when test=". instance of text()">
          <xsl:sequence select="map { 't': 'l', 'n': '', 'c': array { tk:clean(.) } }"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:sequence select="map { 't': 'l', 'n': '', 'c': tk:inlines(.) }"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
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
    <xsl:sequence select="map { 't': 'i', 'c': array { ' [', tk:inlines(.)?*, '] ' } }"/>
  </xsl:template>

  <xsl:template match="tei:sourceDoc//tei:handShift | tei:sourceDoc//tei:graphic | tei:sourceDoc//tei:label
                       | tei:sourceDoc//tei:desc | tei:sourceDoc//tei:path" mode="inline" priority="6"/>

</xsl:stylesheet>
