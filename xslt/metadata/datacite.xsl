<?xml version="1.0" encoding="UTF-8"?>
<!--
  datacite.xsl: teiHeader to DataCite Metadata Schema 4.5 XML, the record a
  repository registers a DOI with. The resource described is the TEI edition;
  the article it encodes is a related identifier (IsDerivedFrom), because the
  edition is a new work derived from it, not the article itself.

  Parameters, used when the header lacks what DataCite requires: identifier-fallback
  when the edition has no idno of its own (the packager passes a local identifier),
  year-fallback when it has no date at all (the packager passes the package's year).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tkm="urn:teikit:metadata"
    xmlns="http://datacite.org/schema/kernel-4"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    exclude-result-prefixes="xs tei tkm">

  <xsl:import href="header.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <xsl:param name="identifier-fallback" as="xs:string" select="''"/>
  <xsl:param name="year-fallback" as="xs:string" select="'1980'"/>

  <xsl:template match="/">
    <xsl:variable name="doc" select="."/>
    <xsl:variable name="idno" select="tkm:edition-idno($doc)"/>
    <resource xsi:schemaLocation="http://datacite.org/schema/kernel-4 http://schema.datacite.org/meta/kernel-4.5/metadata.xsd">
      <xsl:choose>
        <xsl:when test="$idno[lower-case(@type) = 'doi']">
          <identifier identifierType="DOI"><xsl:value-of select="tkm:bare-doi($idno)"/></identifier>
        </xsl:when>
        <xsl:when test="$idno">
          <identifier identifierType="{($idno/@type[normalize-space()], 'Local')[1]}">
            <xsl:value-of select="normalize-space($idno)"/>
          </identifier>
        </xsl:when>
        <xsl:otherwise>
          <identifier identifierType="Local">
            <xsl:value-of select="($identifier-fallback[normalize-space()], tkm:title($doc))[1]"/>
          </identifier>
        </xsl:otherwise>
      </xsl:choose>

      <creators>
        <xsl:for-each select="tkm:authors($doc)">
          <creator>
            <creatorName nameType="{if (.//tei:persName or .//tei:surname or .//tei:forename)
                                    then 'Personal' else 'Organizational'}">
              <xsl:value-of select="tkm:inverted-name(.)"/>
            </creatorName>
            <xsl:for-each select="tkm:given(.)"><givenName><xsl:value-of select="."/></givenName></xsl:for-each>
            <xsl:for-each select="tkm:family(.)"><familyName><xsl:value-of select="."/></familyName></xsl:for-each>
            <xsl:for-each select="tkm:orcid(.)">
              <nameIdentifier nameIdentifierScheme="ORCID" schemeURI="https://orcid.org">
                <xsl:value-of select="'https://orcid.org/' || ."/>
              </nameIdentifier>
            </xsl:for-each>
            <xsl:for-each select="tkm:affiliations(.)">
              <affiliation><xsl:value-of select="."/></affiliation>
            </xsl:for-each>
          </creator>
        </xsl:for-each>
        <xsl:if test="empty(tkm:authors($doc))">
          <creator><creatorName nameType="Organizational">
            <xsl:value-of select="(tkm:publisher($doc), ':unav')[1]"/>
          </creatorName></creator>
        </xsl:if>
      </creators>

      <titles>
        <title xml:lang="{(tkm:language($doc), 'en')[1]}"><xsl:value-of select="tkm:title($doc)"/></title>
        <xsl:for-each select="tkm:subtitle($doc)">
          <title titleType="Subtitle"><xsl:value-of select="."/></title>
        </xsl:for-each>
      </titles>

      <publisher><xsl:value-of select="(tkm:publisher($doc), ':unav')[1]"/></publisher>
      <publicationYear><xsl:value-of select="(tkm:year($doc), $year-fallback)[1]"/></publicationYear>
      <resourceType resourceTypeGeneral="Text">TEI P5 scholarly edition</resourceType>

      <xsl:if test="exists(tkm:keywords($doc))">
        <subjects>
          <xsl:for-each select="tkm:keywords($doc)">
            <subject><xsl:value-of select="."/></subject>
          </xsl:for-each>
        </subjects>
      </xsl:if>

      <xsl:variable name="encoders" select="tkm:header($doc)/tei:fileDesc/tei:titleStmt/(tei:editor | tei:respStmt)
                                             [(.//tei:persName, .//tei:name)[normalize-space()]]"/>
      <xsl:if test="exists($encoders)">
        <contributors>
          <xsl:for-each select="$encoders">
            <contributor contributorType="{if (self::tei:editor) then 'Editor' else 'DataCurator'}">
              <contributorName nameType="Personal">
                <xsl:value-of select="normalize-space((.//tei:persName, .//tei:name)[1])"/>
              </contributorName>
            </contributor>
          </xsl:for-each>
        </contributors>
      </xsl:if>

      <xsl:variable name="issued" select="tkm:publication-date($doc)"/>
      <xsl:variable name="updated" select="tkm:latest-date($doc)"/>
      <xsl:if test="$issued or $updated">
        <dates>
          <xsl:for-each select="$issued"><date dateType="Issued"><xsl:value-of select="."/></date></xsl:for-each>
          <xsl:for-each select="$updated[. ne string($issued)]">
            <date dateType="Updated"><xsl:value-of select="."/></date>
          </xsl:for-each>
        </dates>
      </xsl:if>

      <xsl:for-each select="tkm:language($doc)">
        <language><xsl:value-of select="."/></language>
      </xsl:for-each>

      <xsl:for-each select="tkm:source-doi($doc)">
        <relatedIdentifiers>
          <relatedIdentifier relatedIdentifierType="DOI" relationType="IsDerivedFrom"
                             resourceTypeGeneral="JournalArticle">
            <xsl:value-of select="."/>
          </relatedIdentifier>
        </relatedIdentifiers>
      </xsl:for-each>

      <formats>
        <format>application/tei+xml</format>
        <format>text/html</format>
        <format>application/pdf</format>
        <format>text/plain</format>
      </formats>

      <xsl:if test="tkm:licence-text($doc) or tkm:licence-url($doc)">
        <rightsList>
          <rights>
            <xsl:for-each select="tkm:licence-url($doc)"><xsl:attribute name="rightsURI" select="."/></xsl:for-each>
            <xsl:value-of select="(tkm:licence-text($doc), tkm:licence-url($doc))[1]"/>
          </rights>
        </rightsList>
      </xsl:if>

      <xsl:variable name="citation" select="tkm:source-citation($doc)"/>
      <xsl:if test="tkm:abstract($doc) or $citation">
        <descriptions>
          <xsl:for-each select="tkm:abstract($doc)">
            <description descriptionType="Abstract"><xsl:value-of select="."/></description>
          </xsl:for-each>
          <xsl:for-each select="$citation">
            <description descriptionType="SeriesInformation"><xsl:value-of select="."/></description>
          </xsl:for-each>
        </descriptions>
      </xsl:if>
    </resource>
  </xsl:template>

</xsl:stylesheet>
