<?xml version="1.0" encoding="UTF-8"?>
<!--
  bag-info.xsl: the bag-info.txt fields that come from the teiHeader, one
  "Label: value" line each (labels may repeat). teikit.package adds the fields
  that come from the packaging itself (Bagging-Date, Bag-Software-Agent, ...).
  Values are single lines: whitespace is normalised.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tkm="urn:teikit:metadata"
    exclude-result-prefixes="#all">

  <xsl:import href="header.xsl"/>
  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:template match="/">
    <xsl:variable name="doc" select="."/>
    <xsl:variable name="title-stmt" select="tkm:header($doc)/tei:fileDesc/tei:titleStmt"/>
    <xsl:variable name="contact" select="($title-stmt/tei:editor, $title-stmt/tei:respStmt, tkm:authors($doc))[1]"/>
    <xsl:variable name="contact-name" select="$contact ! (
        if (self::tei:author) then tkm:display-name(.)
        else normalize-space((.//tei:persName, .//tei:name, .//tei:orgName, .)[1]))"/>
    <xsl:variable name="fields" as="xs:string*" select="(
        tkm:publisher($doc) ! ('Source-Organization', .),
        tkm:pub-place($doc) ! ('Organization-Address', .),
        $contact-name[.] ! ('Contact-Name', .),
        tkm:email($contact) ! ('Contact-Email', .),
        ('External-Description', (tkm:abstract($doc), tkm:title($doc))[1]),
        tkm:edition-idno($doc) ! ('External-Identifier',
            if (lower-case(@type) = 'doi') then 'https://doi.org/' || tkm:bare-doi(.) else normalize-space(.)),
        tkm:source-doi($doc) ! ('External-Identifier', 'https://doi.org/' || .),
        ('TEI-Title', string-join((tkm:title($doc), tkm:subtitle($doc)), ': ')),
        tkm:authors($doc) ! ('TEI-Author', string-join((tkm:display-name(.),
                                               tkm:orcid(.) ! ('https://orcid.org/' || .)), ' ')),
        tkm:publication-date($doc) ! ('TEI-Publication-Date', .),
        tkm:latest-date($doc) ! ('TEI-Date', .),
        tkm:language($doc) ! ('TEI-Language', .),
        tkm:licence-text($doc) ! ('TEI-Licence', .),
        tkm:licence-url($doc) ! ('TEI-Licence-URL', .),
        tkm:source-citation($doc) ! ('TEI-Source', .)
      )"/>
    <xsl:value-of select="string-join(
        for $i in 1 to count($fields) idiv 2
        return $fields[2 * $i - 1] || ': ' || normalize-space($fields[2 * $i]), '&#10;') || '&#10;'"/>
  </xsl:template>

</xsl:stylesheet>
