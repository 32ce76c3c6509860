<?xml version="1.0" encoding="UTF-8"?>
<!--
  common/namesdates.xsl: the TEI namesdates module: registers (listPerson, listPlace,
  ...), the kind of an entity or a register entry, authority records and their links.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <!-- Registers: lists of entities (persons, places, organisations, events, works such as
       treaties) that index the text rather than belong to its reading flow. -->
  <xsl:function name="tk:is-register" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/self::tei:listPerson | $e/self::tei:listPlace | $e/self::tei:listOrg
                          | $e/self::tei:listEvent | $e/self::tei:listObject | $e/self::tei:listNym
                          | $e/self::tei:listRelation | $e/self::tei:listAnnotation)
                          or ($e/self::tei:listBibl and (
                                matches(string($e/@type), 'treat|regist|index|source|document', 'i')
                                or ($e/ancestor::tei:standOff)))"/>
  </xsl:function>

  <!-- The register an entry belongs to: 'person', 'place', 'org', 'event', 'treaty', 'work',
       or the empty sequence for anything that is not a register entry. Treaties are events
       or bibliographic records typed (or listed) as treaties, agreements, accords, protocols. -->
  <xsl:function name="tk:register-kind" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="treaty" as="xs:boolean"
        select="matches(string-join(($e/@type, $e/@subtype, $e/parent::*/@type), ' '),
                        'treat|agreement|accord|protocol', 'i')"/>
    <xsl:sequence select="
        if ($e/self::tei:person or $e/self::tei:personGrp) then 'person'
        else if ($e/self::tei:place) then 'place'
        else if ($e/self::tei:org) then 'org'
        else if ($e/self::tei:event) then (if ($treaty) then 'treaty' else 'event')
        else if ($e/self::tei:bibl or $e/self::tei:biblStruct or $e/self::tei:biblFull or $e/self::tei:object)
          then (if ($treaty) then 'treaty' else 'work')
        else ()"/>
  </xsl:function>

  <!-- The web address of an authority record: @type names the authority (wikidata, geonames,
       viaf, orcid, gnd, doi, isni, uri), or the value carries it ('viaf:123', a URL). -->
  <xsl:function name="tk:authority-url" as="xs:string?">
    <xsl:param name="scheme" as="xs:string?"/>
    <xsl:param name="value" as="xs:string?"/>
    <xsl:variable name="v" select="normalize-space($value)"/>
    <xsl:variable name="prefix" select="lower-case(substring-before($v, ':'))"/>
    <xsl:variable name="s" select="if ($prefix = ('viaf', 'wikidata', 'geonames', 'orcid', 'gnd', 'doi', 'isni'))
                                   then $prefix else lower-case(normalize-space($scheme))"/>
    <xsl:variable name="id" select="if ($prefix = ('viaf', 'wikidata', 'geonames', 'orcid', 'gnd', 'doi', 'isni'))
                                    then substring-after($v, ':') else $v"/>
    <xsl:sequence select="
        if (matches($v, '^https?://(www\.)?wikidata\.org/(entity|wiki)/[QPL]\d+$'))
          then 'https://www.wikidata.org/wiki/' || replace($v, '^.*/', '')
        else if (matches($v, '^https?://[^\s&quot;&lt;&gt;]+$')) then $v
        else if ($id = '') then ()
        else if ($s = 'wikidata' and matches($id, '^[QPL]\d+$')) then 'https://www.wikidata.org/wiki/' || $id
        else if ($s = 'geonames' and matches($id, '^\d+$')) then 'https://www.geonames.org/' || $id
        else if ($s = 'viaf' and matches($id, '^\d+$')) then 'https://viaf.org/viaf/' || $id
        else if ($s = 'orcid' and matches($id, '^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$')) then 'https://orcid.org/' || $id
        else if ($s = 'gnd' and matches($id, '^[\dX-]+$')) then 'https://d-nb.info/gnd/' || $id
        else if ($s = 'isni' and matches($id, '^[\dX ]+$')) then 'https://isni.org/isni/' || replace($id, ' ', '')
        else if ($s = 'doi' and matches($id, '^10\.\S+/\S+$')) then 'https://doi.org/' || $id
        else ()"/>
  </xsl:function>

  <!-- How an authority is named to readers. -->
  <xsl:function name="tk:authority-label" as="xs:string">
    <xsl:param name="scheme" as="xs:string?"/>
    <xsl:param name="url" as="xs:string"/>
    <xsl:variable name="s" select="lower-case(normalize-space($scheme))"/>
    <xsl:sequence select="
        if ($s = 'wikidata' or contains($url, 'wikidata.org')) then 'Wikidata'
        else if ($s = 'geonames' or contains($url, 'geonames.org')) then 'GeoNames'
        else if ($s = 'viaf' or contains($url, 'viaf.org')) then 'VIAF'
        else if ($s = 'orcid' or contains($url, 'orcid.org')) then 'ORCID'
        else if ($s = 'gnd' or contains($url, 'd-nb.info')) then 'GND'
        else if ($s = 'isni' or contains($url, 'isni.org')) then 'ISNI'
        else if ($s = 'doi' or contains($url, 'doi.org')) then 'DOI'
        else if ($s) then $scheme
        else replace($url, '^https?://(www\.)?([^/]+).*$', '$2')"/>
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

</xsl:stylesheet>
