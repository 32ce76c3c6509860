<?xml version="1.0" encoding="UTF-8"?>
<!--
  common.xsl: what every output shares, so that HTML, PDF and text number and
  name things identically. Imported by html.xsl, text.xsl and pdf.xsl.

  Functions live in the tk: namespace. Nothing here writes output markup.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="#all">

  <!-- Pointer look-ups: every xml:id in the document. -->
  <xsl:key name="tk:id" match="*[@xml:id]" use="@xml:id"/>

  <!-- Every occurrence of a pointer value (#id) in @ref/@corresp/@target/@who, for back-links. -->
  <xsl:key name="tk:pointing" match="*[@ref or @corresp or @target or @who]"
           use="for $v in tokenize(string-join((@ref, @corresp, @target, @who), ' '), '\s+')[starts-with(., '#')]
                return substring($v, 2)"/>

  <!-- Resolve a local pointer ('#id') to its element, or the empty sequence. -->
  <xsl:function name="tk:target" as="element()*">
    <xsl:param name="context" as="node()"/>
    <xsl:param name="pointer" as="xs:string?"/>
    <xsl:sequence select="for $p in tokenize(normalize-space($pointer), ' ')[starts-with(., '#')]
                          return key('tk:id', substring($p, 2), root($context))"/>
  </xsl:function>

  <!-- Notes that the outputs number: every note in the text body and back matter
       that is not a header note. Numbering is by document order unless @n is given. -->
  <xsl:function name="tk:numbered-notes" as="element(tei:note)*">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="root($doc)//tei:text//tei:note[not(ancestor::tei:note)]
                          [not(@place = ('margin', 'inline'))]"/>
  </xsl:function>

  <xsl:function name="tk:note-number" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="if ($note/@n) then string($note/@n)
                          else string(count($note/preceding::tei:note[ancestor::tei:text]
                                      [not(ancestor::tei:note)][not(@place = ('margin', 'inline'))]) + 1)"/>
  </xsl:function>

  <!-- A stable identifier for any element, for anchors and links. -->
  <xsl:function name="tk:id" as="xs:string">
    <xsl:param name="node" as="element()"/>
    <xsl:sequence select="if ($node/@xml:id) then string($node/@xml:id)
                          else if ($node/self::tei:note) then 'note-' || tk:note-number($node)
                          else 'tk-' || generate-id($node)"/>
  </xsl:function>

  <!-- Section numbering for divisions that have a heading: 1, 1.2, ... -->
  <xsl:function name="tk:div-number" as="xs:string">
    <xsl:param name="div" as="element()"/>
    <xsl:number select="$div" level="multiple" count="tei:div[tei:head] | tei:div1 | tei:div2 | tei:div3"
                from="tei:body | tei:front | tei:back" format="1.1"/>
  </xsl:function>

  <!-- The document title: the main title of the titleStmt, else any title. -->
  <xsl:function name="tk:title" as="xs:string">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="titles" select="root($doc)/*/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title"/>
    <xsl:sequence select="normalize-space(string(($titles[@type = 'main'], $titles[not(@type)], $titles)[1]))"/>
  </xsl:function>

  <!-- Authors of the work, as displayed names. -->
  <xsl:function name="tk:authors" as="xs:string*">
    <xsl:param name="doc" as="node()"/>
    <xsl:for-each select="root($doc)/*/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:author">
      <xsl:variable name="pn" select="(.//tei:persName)[1]"/>
      <xsl:sequence select="normalize-space(if ($pn/tei:forename or $pn/tei:surname)
                            then string-join(($pn/tei:forename, $pn/tei:surname), ' ')
                            else if ($pn) then string($pn) else string(.))"/>
    </xsl:for-each>
  </xsl:function>

  <!-- Kind of a named entity for styling and registers. -->
  <xsl:function name="tk:entity-kind" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="
        if ($e/self::tei:persName or $e/self::tei:person or $e/self::tei:name[@type = 'person']) then 'person'
        else if ($e/self::tei:placeName or $e/self::tei:place or $e/self::tei:geogName) then 'place'
        else if ($e/self::tei:orgName or $e/self::tei:org) then 'org'
        else if ($e/self::tei:date) then 'date'
        else if ($e/self::tei:event) then 'event'
        else if ($e/self::tei:bibl or $e/self::tei:biblStruct) then 'bibl'
        else if ($e/self::tei:name) then string(($e/@type, 'name')[1])
        else ()"/>
  </xsl:function>

  <!-- Normalised text: whitespace collapsed, as all outputs print running text. -->
  <xsl:function name="tk:norm" as="xs:string">
    <xsl:param name="s" as="xs:string?"/>
    <xsl:sequence select="normalize-space($s)"/>
  </xsl:function>

</xsl:stylesheet>
