<?xml version="1.0" encoding="UTF-8"?>
<!--
  oai_dc.xsl: teiHeader to simple Dublin Core in the OAI-PMH container
  (oai_dc:dc), the record every repository can harvest. The edition is the
  resource described; the article it encodes is its dc:source.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tkm="urn:teikit:metadata"
    xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    exclude-result-prefixes="xs tei tkm">

  <xsl:import href="header.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <xsl:template match="/">
    <xsl:variable name="doc" select="."/>
    <oai_dc:dc xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd">
      <dc:title>
        <xsl:value-of select="string-join((tkm:title($doc), tkm:subtitle($doc)), ': ')"/>
      </dc:title>
      <xsl:for-each select="tkm:authors($doc)">
        <dc:creator><xsl:value-of select="tkm:inverted-name(.)"/></dc:creator>
      </xsl:for-each>
      <xsl:for-each select="tkm:header($doc)/tei:fileDesc/tei:titleStmt/(tei:editor | tei:respStmt)">
        <dc:contributor>
          <xsl:value-of select="normalize-space(string-join((.//tei:persName, .//tei:name, .//tei:orgName)[1]
                                 ! string(.), ''))"/>
        </dc:contributor>
      </xsl:for-each>
      <xsl:for-each select="tkm:keywords($doc)">
        <dc:subject><xsl:value-of select="."/></dc:subject>
      </xsl:for-each>
      <xsl:for-each select="tkm:abstract($doc)">
        <dc:description><xsl:value-of select="."/></dc:description>
      </xsl:for-each>
      <xsl:for-each select="tkm:publisher($doc)">
        <dc:publisher><xsl:value-of select="."/></dc:publisher>
      </xsl:for-each>
      <xsl:for-each select="(tkm:publication-date($doc), tkm:latest-date($doc))[1]">
        <dc:date><xsl:value-of select="."/></dc:date>
      </xsl:for-each>
      <dc:type>Text</dc:type>
      <dc:format>application/tei+xml</dc:format>
      <xsl:for-each select="tkm:edition-idno($doc)">
        <dc:identifier>
          <xsl:value-of select="if (lower-case(@type) = 'doi') then 'https://doi.org/' || tkm:bare-doi(.)
                                else normalize-space(.)"/>
        </dc:identifier>
      </xsl:for-each>
      <xsl:for-each select="(tkm:source-citation($doc), tkm:source-doi($doc) ! ('https://doi.org/' || .))[1]">
        <dc:source><xsl:value-of select="."/></dc:source>
      </xsl:for-each>
      <xsl:for-each select="tkm:language($doc)">
        <dc:language><xsl:value-of select="."/></dc:language>
      </xsl:for-each>
      <xsl:for-each select="tkm:licence-text($doc)">
        <dc:rights><xsl:value-of select="."/></dc:rights>
      </xsl:for-each>
      <xsl:for-each select="tkm:licence-url($doc)">
        <dc:rights><xsl:value-of select="."/></dc:rights>
      </xsl:for-each>
    </oai_dc:dc>
  </xsl:template>

</xsl:stylesheet>
