<?xml version="1.0" encoding="UTF-8"?>
<!--
  metadata.xsl: what the site knows of one document, read from its teiHeader and text.

  Shared by page.xsl (the document page and its search facets) and collect.xsl (the
  summary the site's index, registers and timeline are made from), so that a facet,
  a register entry and an index row always say the same thing of a document.
  Everything here depends on the one document only: a changed document changes its
  own summary and page, never another's.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:site="urn:teikit:site"
    exclude-result-prefixes="#all">

  <!-- Names of the entries of register files, by the pointer this document would write
       (persons.xml#p1): a JSON object handed over by teikit.site, which reads those files. -->
  <xsl:param name="register-names" as="xs:string" select="'{}'"/>
  <xsl:variable name="site:register-names" as="map(*)" select="parse-json($register-names)"/>

  <!-- What kind of text a document is, for the index and the "kind" facet. -->
  <xsl:function name="site:kind" as="xs:string">
    <xsl:param name="tei" as="element()"/>
    <xsl:variable name="h" select="$tei/tei:teiHeader"/>
    <xsl:sequence select="
        if ($h/tei:profileDesc/tei:correspDesc) then 'letter'
        else if ($tei/tei:text//tei:sp or $tei/tei:text//tei:castList) then 'drama'
        else if ($tei/tei:text//tei:div[@type = 'edition']) then 'inscription'
        else if ($h/tei:fileDesc/tei:sourceDesc/tei:msDesc) then 'manuscript'
        else if ($h/tei:fileDesc/tei:sourceDesc//tei:analytic) then 'article'
        else if ($tei/tei:text//tei:app) then 'critical edition'
        else if (count($tei/tei:text//tei:l) gt count($tei/tei:text//tei:p)) then 'verse'
        else if ($h/tei:profileDesc/tei:textDesc or count($tei/tei:text//tei:div[@type = 'chapter']) ge 3) then 'novel'
        else 'text'"/>
  </xsl:function>

  <!-- The title a document is listed under: the main title, else the title of the item
       (level a) rather than of the series or collection it belongs to. -->
  <xsl:function name="site:title" as="xs:string">
    <xsl:param name="tei" as="element()"/>
    <xsl:variable name="titles" select="$tei/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title"/>
    <xsl:sequence select="tk:text(($titles[@type = 'main'], $titles[@level = 'a'],
                                   $titles[not(@type)][not(@level = ('s', 'j', 'm'))], $titles)[1])"/>
  </xsl:function>

  <!-- An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) from a TEI date element, or nothing. -->
  <xsl:function name="site:iso" as="xs:string?">
    <xsl:param name="d" as="element()?"/>
    <xsl:variable name="v" select="($d/@when, $d/@when-iso, $d/@notBefore, $d/@from, $d/@notAfter, $d/@to)
                                   [matches(normalize-space(.), '^\d{4}(-\d{2}(-\d{2})?)?$')][1]"/>
    <xsl:sequence select="if ($v) then normalize-space($v)
                          else (analyze-string(string($d), '\d+')/*:match[matches(., '^(1[0-9]|20)\d{2}$')])[1]
                               ! string(.)"/>
  </xsl:function>

  <!-- The date a document is filed under: when a letter was sent, when a text was written,
       else the date of the source it was transcribed from, else of its publication. -->
  <xsl:function name="site:date" as="xs:string?">
    <xsl:param name="tei" as="element()"/>
    <xsl:variable name="p" select="$tei/tei:teiHeader/tei:profileDesc"/>
    <xsl:variable name="f" select="$tei/tei:teiHeader/tei:fileDesc"/>
    <xsl:variable name="correspondence" select="$p/tei:correspDesc/tei:correspAction"/>
    <xsl:sequence select="((($correspondence[@type = 'sent'], $correspondence)/tei:date,
                           $p/tei:creation//tei:date,
                           $f/tei:sourceDesc/(tei:bibl | tei:biblStruct | tei:biblFull)//tei:date,
                           $f/tei:sourceDesc//tei:origDate,
                           $f/tei:sourceDesc//tei:date,
                           $f/tei:publicationStmt/tei:date)
                          ! site:iso(.))[.][1]"/>
  </xsl:function>

  <!-- A person's name as a register shows it. -->
  <xsl:function name="site:name" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="pn" select="($e/descendant-or-self::tei:persName)[1]"/>
    <xsl:sequence select="normalize-space(if ($pn/(tei:forename | tei:surname))
                          then string-join(($pn/tei:forename, $pn/tei:surname) ! tk:text(.), ' ')
                          else tk:text(($pn, $e)[1]))"/>
  </xsl:function>

  <xsl:function name="site:correspondents" as="element()*">
    <xsl:param name="tei" as="element()"/>
    <xsl:param name="type" as="xs:string"/>
    <xsl:sequence select="$tei/tei:teiHeader/tei:profileDesc/tei:correspDesc/tei:correspAction[@type = $type]
                          /(tei:persName | tei:orgName | tei:name)"/>
  </xsl:function>

  <!-- Where a document was written or sent from, else where its source was published. -->
  <xsl:function name="site:place" as="element()?">
    <xsl:param name="tei" as="element()"/>
    <xsl:variable name="p" select="$tei/tei:teiHeader/tei:profileDesc"/>
    <xsl:sequence select="($p/tei:correspDesc/tei:correspAction[@type = 'sent']/tei:placeName,
                           $p/tei:creation//tei:placeName,
                           $tei/tei:teiHeader/tei:fileDesc/tei:sourceDesc//(tei:origPlace | tei:pubPlace))
                          [normalize-space()][1]"/>
  </xsl:function>

  <!-- Mentions of an entity: names and referring strings that point somewhere, in the text
       and in the correspondence description. -->
  <xsl:function name="site:is-mention" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/(self::tei:persName | self::tei:placeName | self::tei:orgName
                                     | self::tei:geogName | self::tei:rs | self::tei:name | self::tei:title))
                          and normalize-space(($e/@ref, $e/@key)[1]) != ''
                          and exists(site:mention-kind($e))"/>
  </xsl:function>

  <!-- The register a mention belongs in: person, place, org, event or work. -->
  <xsl:function name="site:mention-kind" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="target" select="tk:target($e, $e/@ref)[exists(tk:register-kind(.))][1]"/>
    <xsl:variable name="type" select="lower-case(normalize-space($e/@type))"/>
    <xsl:variable name="kind" select="
        if ($target) then tk:register-kind($target)
        else if ($e/self::tei:persName or ($e/self::tei:rs or $e/self::tei:name) and $type = ('person', 'persname'))
          then 'person'
        else if ($e/self::tei:placeName or $e/self::tei:geogName
                 or ($e/self::tei:rs or $e/self::tei:name) and $type = ('place', 'placename')) then 'place'
        else if ($e/self::tei:orgName or ($e/self::tei:rs or $e/self::tei:name) and $type = ('org', 'orgname', 'organisation', 'organization'))
          then 'org'
        else if (($e/self::tei:rs or $e/self::tei:name) and $type = 'event') then 'event'
        else if ($e/self::tei:title or ($e/self::tei:rs or $e/self::tei:name)
                 and $type = ('work', 'bibl', 'title', 'treaty')) then 'work'
        else ()"/>
    <xsl:sequence select="if ($kind = 'treaty') then 'work' else $kind"/>
  </xsl:function>

  <xsl:function name="site:mentions" as="element()*">
    <xsl:param name="tei" as="element()"/>
    <xsl:sequence select="($tei/tei:teiHeader/tei:profileDesc/tei:correspDesc//*,
                           $tei/tei:text//*[not(ancestor-or-self::*[tk:is-register(.)])])[site:is-mention(.)]"/>
  </xsl:function>

  <!-- The name a mention gives its entity: the register entry it points to (in the document or
       a register file), else the name the
       correspondence description gives the same pointer, else its own words. -->
  <xsl:function name="site:mention-name" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="target" select="tk:target($e, $e/@ref)[exists(tk:register-kind(.))][1]"/>
    <xsl:variable name="ref" select="normalize-space($e/@ref)"/>
    <xsl:variable name="correspondent"
        select="(root($e)//tei:correspDesc/tei:correspAction/*[normalize-space(@ref) = $ref])[1]"/>
    <xsl:variable name="registered" select="tokenize($ref)[1] ! $site:register-names(.)"/>
    <xsl:sequence select="if ($target) then tk:entry-name($target)
                          else if (exists($registered)) then string($registered[1])
                          else if ($ref and $correspondent) then site:name($correspondent)
                          else site:name($e)"/>
  </xsl:function>

</xsl:stylesheet>
