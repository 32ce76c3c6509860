<?xml version="1.0" encoding="UTF-8"?>
<!--
  common/verse-drama.xsl: the TEI verse and drama modules: lines, line groups, speeches,
  stage directions.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <!-- Verse lines are numbered by l/@n; a line without one counts on from the last numbered
       line before it (editions that number every 5th line), else from the first line of the text. A split line (part="M" or "F", the middle and final parts of a line shared
       between speakers) is the same line as its initial part: it has that part's number. -->
  <xsl:variable name="tk:line-ordinals" as="map(xs:string, xs:integer)"
      select="let $all := //tei:text//tei:l[not(@part = ('M', 'F', 'm', 'f'))]
              return map:merge(for $i in 1 to count($all) return map:entry(generate-id($all[$i]), $i))"/>

  <xsl:function name="tk:line-number" as="xs:string">
    <xsl:param name="l" as="element(tei:l)"/>
    <xsl:variable name="first" select="if ($l/@part = ('M', 'F', 'm', 'f'))
                                       then ($l/preceding::tei:l[not(@part = ('M', 'F', 'm', 'f'))][1], $l)[1] else $l"/>
    <xsl:variable name="ord" select="($tk:line-ordinals(generate-id($first)), 0)[1]"/>
    <xsl:variable name="known" select="$first/preceding::tei:l[matches(normalize-space(@n), '^\d+$')]
                                       [not(@part = ('M', 'F', 'm', 'f'))][1]"/>
    <xsl:sequence select="if (normalize-space($first/@n)) then normalize-space($first/@n)
                          else if ($known) then string(xs:integer(normalize-space($known/@n)) + $ord
                                                       - ($tk:line-ordinals(generate-id($known)), 0)[1])
                          else string($ord)"/>
  </xsl:function>

  <!-- The number printed beside a line: every 5th line (a number divisible by 5), and only at
       the line's first part, as printed editions do. -->
  <xsl:function name="tk:line-number-shown" as="xs:string?">
    <xsl:param name="l" as="element(tei:l)"/>
    <xsl:variable name="n" select="tk:line-number($l)"/>
    <xsl:sequence select="if (not($l/@part = ('M', 'F', 'm', 'f')) and matches($n, '^\d+$')
                              and xs:integer($n) mod 5 = 0 and xs:integer($n) gt 0) then $n else ()"/>
  </xsl:function>

  <!-- How far a part of a split line is stepped in: the length, in characters, of the parts of
       the same line before it (0 for a whole line or an initial part). -->
  <xsl:function name="tk:line-step" as="xs:integer">
    <xsl:param name="l" as="element(tei:l)"/>
    <xsl:sequence select="if (not($l/@part = ('M', 'F', 'm', 'f'))) then 0 else
        let $start := $l/preceding::tei:l[not(@part = ('M', 'F', 'm', 'f'))][1]
        return if (empty($start)) then 0
               else sum(($start, $l/preceding::tei:l[. >> $start]) ! string-length(normalize-space(string-join(
                        .//text()[empty(ancestor::tei:note)], '')))) + 1"/>
  </xsl:function>

  <!-- A stage direction inside a speech's line or paragraph is read inline; in running text it
       is set off in brackets where no typography can mark it (the plain text). -->
  <xsl:function name="tk:is-inline-stage" as="xs:boolean">
    <xsl:param name="stage" as="element(tei:stage)"/>
    <xsl:sequence select="exists($stage/ancestor::tei:l | $stage/ancestor::tei:p | $stage/ancestor::tei:ab)"/>
  </xsl:function>

</xsl:stylesheet>
