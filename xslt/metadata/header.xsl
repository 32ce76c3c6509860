<?xml version="1.0" encoding="UTF-8"?>
<!--
  header.xsl: reads the teiHeader once for every metadata format teikit writes
  (oai_dc.xsl, datacite.xsl, mets.xsl, bag-info.xsl), so that Dublin Core,
  DataCite, METS and bag-info.txt always agree on titles, names, dates and
  identifiers. Nothing here writes output; functions live in the tkm: namespace.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:tkm="urn:teikit:metadata"
    exclude-result-prefixes="#all">

  <xsl:import href="../common.xsl"/>

  <xsl:function name="tkm:header" as="element(tei:teiHeader)?">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="(root($doc)/*/tei:teiHeader)[1]"/>
  </xsl:function>

  <xsl:function name="tkm:title" as="xs:string">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="tk:title($doc)"/>
  </xsl:function>

  <xsl:function name="tkm:subtitle" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="(tkm:header($doc)/tei:fileDesc/tei:titleStmt/tei:title[@type = 'sub'])[1]
                          ! normalize-space(.)"/>
  </xsl:function>

  <!-- Authors of the work (titleStmt); the persons DataCite calls creators. -->
  <xsl:function name="tkm:authors" as="element(tei:author)*">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="tkm:header($doc)/tei:fileDesc/tei:titleStmt/tei:author"/>
  </xsl:function>

  <xsl:function name="tkm:family" as="xs:string?">
    <xsl:param name="author" as="element()"/>
    <xsl:sequence select="($author//tei:surname)[1] ! normalize-space(.)"/>
  </xsl:function>

  <xsl:function name="tkm:given" as="xs:string?">
    <xsl:param name="author" as="element()"/>
    <xsl:sequence select="string-join($author//tei:forename ! normalize-space(.), ' ')[.]"/>
  </xsl:function>

  <!-- "Family, Given" when the name is structured, else the name as written. -->
  <xsl:function name="tkm:inverted-name" as="xs:string">
    <xsl:param name="author" as="element()"/>
    <xsl:variable name="family" select="tkm:family($author)"/>
    <xsl:variable name="given" select="tkm:given($author)"/>
    <xsl:sequence select="if ($family and $given) then $family || ', ' || $given
                          else if ($family) then $family
                          else tkm:display-name($author)"/>
  </xsl:function>

  <xsl:function name="tkm:display-name" as="xs:string">
    <xsl:param name="author" as="element()"/>
    <xsl:variable name="pn" select="($author//tei:persName, $author//tei:orgName, $author//tei:name)[1]"/>
    <xsl:sequence select="normalize-space(
        if ($author//tei:forename or $author//tei:surname)
        then string-join(($author//tei:forename, $author//tei:surname) ! normalize-space(.), ' ')
        else if ($pn) then string($pn)
        else string-join($author/text(), ' '))"/>
  </xsl:function>

  <!-- The bare ORCID iD (0000-0000-0000-0000), whether written bare or as a URL. -->
  <xsl:function name="tkm:orcid" as="xs:string?">
    <xsl:param name="author" as="element()"/>
    <xsl:variable name="raw" select="($author/tei:idno[lower-case(@type) = 'orcid'],
                                      $author//tei:idno[lower-case(@type) = 'orcid'])[1]"/>
    <xsl:sequence select="$raw ! replace(normalize-space(.), '^(https?://orcid\.org/|orcid:)', '', 'i')"/>
  </xsl:function>

  <xsl:function name="tkm:affiliations" as="xs:string*">
    <xsl:param name="author" as="element()"/>
    <xsl:sequence select="$author/tei:affiliation ! normalize-space(.)"/>
  </xsl:function>

  <xsl:function name="tkm:email" as="xs:string?">
    <xsl:param name="person" as="element()?"/>
    <xsl:sequence select="($person//tei:email)[1] ! normalize-space(.)"/>
  </xsl:function>

  <!-- A DOI without resolver prefix: 10.x/y. -->
  <xsl:function name="tkm:bare-doi" as="xs:string">
    <xsl:param name="doi" as="xs:string"/>
    <xsl:sequence select="replace(normalize-space($doi), '^(https?://(dx\.)?doi\.org/|doi:)', '', 'i')"/>
  </xsl:function>

  <!-- The DOI of the source (the printed or published article the edition encodes). -->
  <xsl:function name="tkm:source-doi" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="(tkm:header($doc)/tei:fileDesc/tei:sourceDesc//tei:idno[lower-case(@type) = 'doi'])[1]
                          ! tkm:bare-doi(.)"/>
  </xsl:function>

  <!-- The edition's own identifier, if its publicationStmt gives one: (type, value). -->
  <xsl:function name="tkm:edition-idno" as="element(tei:idno)?">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="ids" select="tkm:header($doc)/tei:fileDesc/tei:publicationStmt/tei:idno[normalize-space()]"/>
    <xsl:sequence select="($ids[lower-case(@type) = 'doi'], $ids)[1]"/>
  </xsl:function>

  <xsl:function name="tkm:publisher" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="ps" select="tkm:header($doc)/tei:fileDesc/tei:publicationStmt"/>
    <xsl:sequence select="($ps/tei:publisher, $ps/tei:distributor, $ps/tei:authority)[normalize-space()][1]
                          ! normalize-space(.)"/>
  </xsl:function>

  <xsl:function name="tkm:pub-place" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="ps" select="tkm:header($doc)/tei:fileDesc/tei:publicationStmt"/>
    <xsl:sequence select="($ps/tei:address, $ps/tei:pubPlace)[normalize-space()][1]
                          ! normalize-space(string-join(.//text(), ' '))"/>
  </xsl:function>

  <!-- An ISO date from @when (or the text when it looks like one), padded to YYYY-MM-DD. -->
  <xsl:function name="tkm:iso-date" as="xs:string?">
    <xsl:param name="date" as="element()?"/>
    <xsl:variable name="raw" select="normalize-space(($date/@when, $date/@notBefore, $date)[1])"/>
    <xsl:sequence select="if (matches($raw, '^\d{4}-\d{2}-\d{2}')) then substring($raw, 1, 10)
                          else if (matches($raw, '^\d{4}-\d{2}$')) then $raw || '-01'
                          else if (matches($raw, '^\d{4}$')) then $raw || '-01-01'
                          else ()"/>
  </xsl:function>

  <!-- When this edition was published: publicationStmt/date. -->
  <xsl:function name="tkm:publication-date" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="(tkm:header($doc)/tei:fileDesc/tei:publicationStmt/tei:date ! tkm:iso-date(.))[1]"/>
  </xsl:function>

  <!-- The latest publication or revision date: what the edition's files are "as of". -->
  <xsl:function name="tkm:latest-date" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="h" select="tkm:header($doc)"/>
    <xsl:variable name="dates" select="($h/tei:fileDesc/tei:publicationStmt/tei:date,
                                        $h/tei:revisionDesc//tei:change,
                                        $h/tei:revisionDesc//tei:change/tei:date) ! tkm:iso-date(.)"/>
    <xsl:sequence select="max($dates)"/>
  </xsl:function>

  <xsl:function name="tkm:year" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="(tkm:publication-date($doc), tkm:latest-date($doc), tkm:source-date($doc))[1]
                          ! substring(., 1, 4)"/>
  </xsl:function>

  <xsl:function name="tkm:source-date" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="(tkm:header($doc)/tei:fileDesc/tei:sourceDesc//tei:imprint/tei:date ! tkm:iso-date(.))[1]"/>
  </xsl:function>

  <xsl:function name="tkm:abstract" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="(tkm:header($doc)/tei:profileDesc/tei:abstract)[1] ! normalize-space(.)[.]"/>
  </xsl:function>

  <xsl:function name="tkm:keywords" as="xs:string*">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="tkm:header($doc)/tei:profileDesc/tei:textClass/tei:keywords//tei:term
                          ! normalize-space(.)[.]"/>
  </xsl:function>

  <!-- The main language: langUsage, else the root's xml:lang. -->
  <xsl:function name="tkm:language" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="(tkm:header($doc)/tei:profileDesc/tei:langUsage/tei:language/@ident,
                           root($doc)/*/@xml:lang)[normalize-space()][1] ! normalize-space(.)"/>
  </xsl:function>

  <xsl:function name="tkm:licence" as="element()?">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="av" select="tkm:header($doc)/tei:fileDesc/tei:publicationStmt/tei:availability"/>
    <xsl:sequence select="($av//tei:licence, $av/tei:p)[1]"/>
  </xsl:function>

  <xsl:function name="tkm:licence-text" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="tkm:licence($doc) ! normalize-space(.)[.]"/>
  </xsl:function>

  <xsl:function name="tkm:licence-url" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="tkm:licence($doc)/@target ! normalize-space(.)[.]"/>
  </xsl:function>

  <!-- The source's container (journal or book) and its place in it, for citations. -->
  <xsl:function name="tkm:source-container" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="(tkm:header($doc)/tei:fileDesc/tei:sourceDesc//tei:monogr/tei:title)[1]
                          ! normalize-space(.)"/>
  </xsl:function>

  <xsl:function name="tkm:source-scope" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:param name="unit" as="xs:string"/>
    <xsl:sequence select="(tkm:header($doc)/tei:fileDesc/tei:sourceDesc//tei:imprint/tei:biblScope
                           [@unit = $unit or @type = $unit])[1] ! normalize-space(.)"/>
  </xsl:function>

  <xsl:function name="tkm:source-citation" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="journal" select="tkm:source-container($doc)"/>
    <xsl:variable name="parts" select="(
        $journal,
        tkm:source-scope($doc, 'volume') ! ('vol. ' || .),
        tkm:source-scope($doc, 'issue') ! ('no. ' || .),
        tkm:source-date($doc) ! substring(., 1, 4) ! ('(' || . || ')'),
        tkm:source-scope($doc, 'page') ! ('pp. ' || .),
        tkm:source-doi($doc) ! ('https://doi.org/' || .))"/>
    <xsl:sequence select="if ($journal) then string-join($parts, ', ') else ()"/>
  </xsl:function>

</xsl:stylesheet>
