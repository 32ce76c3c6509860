<?xml version="1.0" encoding="UTF-8"?>
<!--
  common/correspondence.xsl: letters: correspDesc, opener, closer, salute, dateline, signed,
  postscript.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <!-- A letter's header block, from profileDesc/correspDesc: who wrote to whom, where, when.
       Parts are strings (empty when the description does not say), the same in every output. -->
  <xsl:function name="tk:corresp-parts" as="map(xs:string, xs:string)?">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="cd" select="(root($doc)/*/tei:teiHeader/tei:profileDesc/tei:correspDesc)[1]"/>
    <xsl:variable name="sent" select="$cd/tei:correspAction[@type = ('sent', 'sending')]"/>
    <xsl:variable name="received" select="$cd/tei:correspAction[@type = ('received', 'receiving')]"/>
    <xsl:sequence select="if (empty($cd/tei:correspAction)) then () else map {
        'sender': string-join($sent/(tei:persName | tei:orgName | tei:name) ! tk:corresp-name(.), ', '),
        'addressee': string-join($received/(tei:persName | tei:orgName | tei:name) ! tk:corresp-name(.), ', '),
        'place': string-join($sent/(tei:placeName | tei:settlement) ! normalize-space(.), ', '),
        'to-place': string-join($received/(tei:placeName | tei:settlement) ! normalize-space(.), ', '),
        'date': string(($sent/tei:date ! (if (normalize-space(.)) then normalize-space(.)
                        else tk:corresp-date(.)))[1])
      }"/>
  </xsl:function>

  <!-- "Humboldt, Alexander von (1769-1859)" as registers write it; printed as it stands. -->
  <xsl:function name="tk:corresp-name" as="xs:string">
    <xsl:param name="n" as="element()"/>
    <xsl:sequence select="normalize-space(if ($n/(tei:forename | tei:surname))
                          then string-join(($n/tei:forename, $n/tei:surname), ' ') else string($n))"/>
  </xsl:function>

  <xsl:function name="tk:corresp-date" as="xs:string">
    <xsl:param name="d" as="element()"/>
    <xsl:variable name="v" select="normalize-space(($d/@when, $d/@notBefore, $d/@from)[1])"/>
    <xsl:sequence select="
        if ($v castable as xs:date and matches($v, '^\d{4}-\d{2}-\d{2}$'))
          then format-date(xs:date($v), '[D] [MNn] [Y]', 'en', (), ())
        else $v"/>
  </xsl:function>

  <!-- The header block as one line: "Sender → Addressee · Place · Date". -->
  <xsl:function name="tk:corresp-line" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="c" select="tk:corresp-parts($doc)"/>
    <xsl:sequence select="if (empty($c)) then () else
        string-join((string-join(($c?sender[.], $c?addressee[.]), ' → ')[.], $c?place[.], $c?date[.]), ' · ')"/>
  </xsl:function>

  <!-- The parts of a letter that letter editions set apart: opener and closer as blocks,
       dateline right-aligned, salute and signed on lines of their own, postscript after. -->
  <xsl:function name="tk:letter-part-style" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="
        if ($e/self::tei:dateline) then 'right'
        else if ($e/self::tei:signed) then 'right'
        else if ($e/self::tei:salute and $e/ancestor::tei:closer) then 'indent'
        else if ($e/self::tei:salute) then 'left'
        else if ($e/self::tei:address or $e/self::tei:addrLine) then 'left'
        else ()"/>
  </xsl:function>

</xsl:stylesheet>
