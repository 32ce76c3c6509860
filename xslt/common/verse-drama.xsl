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
       line before it (editions that number every 5th line), else from the first line of the
       text. A split line (part="M" or "F", the middle and final parts of a line shared
       between speakers) is the same line as its initial part: it has that part's number, and
       is stepped in by the length, in characters, of the parts of the line before it.
       Both are found for every line in one pass over the lines in document order: asking the
       tree for "the last numbered line before this one" made a play of 4,000 unnumbered lines
       quadratic (Hamlet's text took 5 s instead of 0.06 s). -->
  <xsl:variable name="tk:line-ordinals" as="map(xs:string, xs:integer)"
      select="let $all := //tei:text//tei:l[not(@part = ('M', 'F', 'm', 'f'))]
              return map:merge(for $i in 1 to count($all) return map:entry(generate-id($all[$i]), $i))"/>

  <!-- generate-id(l) -> map { 'n': its number, 'step': how far it is stepped in }. -->
  <xsl:variable name="tk:lines" as="map(xs:string, map(*))">
    <xsl:variable name="entries" as="map(*)*">
      <xsl:iterate select="//tei:l">
        <xsl:param name="full" as="element(tei:l)?" select="()"/>
        <xsl:param name="full-n" as="xs:string" select="''"/>
        <xsl:param name="known" as="element(tei:l)?" select="()"/>
        <xsl:param name="run" as="xs:integer" select="0"/>
        <xsl:variable name="part" select="@part = ('M', 'F', 'm', 'f')"/>
        <xsl:variable name="own-n" select="
            if (normalize-space(@n)) then normalize-space(@n)
            else if ($known) then string(xs:integer(normalize-space($known/@n))
                                         + ($tk:line-ordinals(generate-id(.)), 0)[1]
                                         - ($tk:line-ordinals(generate-id($known)), 0)[1])
            else string(($tk:line-ordinals(generate-id(.)), 0)[1])"/>
        <xsl:variable name="n" select="if ($part and $full) then $full-n else $own-n"/>
        <xsl:variable name="length" select="string-length(normalize-space(string-join(
                                            .//text()[empty(ancestor::tei:note)], '')))"/>
        <xsl:sequence select="map:entry(generate-id(.), map { 'n': $n,
                                  'step': if ($part and $full) then $run + 1 else 0 })"/>
        <xsl:next-iteration>
          <xsl:with-param name="full" select="if ($part) then $full else ."/>
          <xsl:with-param name="full-n" select="if ($part) then $full-n else $n"/>
          <xsl:with-param name="known" select="if (not($part) and matches(normalize-space(@n), '^\d+$')) then . else $known"/>
          <xsl:with-param name="run" select="if ($part) then $run + $length else $length"/>
        </xsl:next-iteration>
      </xsl:iterate>
    </xsl:variable>
    <xsl:sequence select="map:merge($entries)"/>
  </xsl:variable>

  <xsl:function name="tk:line-number" as="xs:string">
    <xsl:param name="l" as="element(tei:l)"/>
    <xsl:sequence select="$tk:lines(generate-id($l))?n"/>
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
    <xsl:sequence select="$tk:lines(generate-id($l))?step"/>
  </xsl:function>

  <!-- A stage direction inside a speech's line or paragraph is read inline; in running text it
       is set off in brackets where no typography can mark it (the plain text). -->
  <xsl:function name="tk:is-inline-stage" as="xs:boolean">
    <xsl:param name="stage" as="element(tei:stage)"/>
    <xsl:sequence select="exists($stage/ancestor::tei:l | $stage/ancestor::tei:p | $stage/ancestor::tei:ab)"/>
  </xsl:function>

</xsl:stylesheet>
