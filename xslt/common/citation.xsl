<?xml version="1.0" encoding="UTF-8"?>
<!--
  common/citation.xsl: how to cite the source and the edition, decided once for every output
  (the HTML, the PDF's title block and the end of the text), in the notes style of the
  Chicago Manual: Authors, “Title,” Journal 23, no. 4 (2021): 213–229, https://doi.org/….
  A citation is a sequence of parts, maps with 's' (the text) and optionally 'i' (true: set
  in italics, a journal or book title), 'url' (a link) and 'lang' (the part's language), so
  each output renders italics and links its own way and none re-assembles the punctuation.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="#all">

  <xsl:function name="tk:cite-name" as="xs:string">
    <xsl:param name="author" as="element()"/>
    <xsl:variable name="pn" select="($author/descendant-or-self::tei:persName)[1]"/>
    <xsl:sequence select="normalize-space(if ($pn/(tei:forename | tei:surname))
                          then string-join(($pn/tei:forename, $pn/tei:surname) ! normalize-space(.), ' ')
                          else string(($pn, $author)[1]))"/>
  </xsl:function>

  <xsl:function name="tk:name-list" as="xs:string">
    <xsl:param name="names" as="xs:string*"/>
    <xsl:sequence select="if (count($names) le 2) then string-join($names, ' and ')
                          else string-join($names[position() lt last()], ', ') || ', and ' || $names[last()]"/>
  </xsl:function>

  <!-- The published source (a biblStruct): article, chapter or book. -->
  <xsl:function name="tk:source-citation" as="map(*)*">
    <xsl:param name="bs" as="element(tei:biblStruct)?"/>
    <xsl:if test="$bs">
      <xsl:variable name="analytic" select="$bs/tei:analytic"/>
      <xsl:variable name="monogr" select="$bs/tei:monogr[1]"/>
      <xsl:variable name="imprint" select="$monogr/tei:imprint"/>
      <xsl:variable name="scope" select="($imprint, $monogr, $analytic)/tei:biblScope"/>
      <xsl:variable name="authors" select="($analytic/tei:author, $monogr/tei:author)[1]/../tei:author ! tk:cite-name(.)"/>
      <xsl:variable name="vol" select="normalize-space(($scope[@unit = ('volume', 'vol')])[1])"/>
      <xsl:variable name="issue" select="normalize-space(($scope[@unit = ('issue', 'number', 'no')])[1])"/>
      <xsl:variable name="page" select="($scope[@unit = ('page', 'pages', 'pp')])[1]"/>
      <xsl:variable name="pages" select="if ($page/@from) then string-join(($page/@from, $page/@to), '–') else normalize-space($page)"/>
      <xsl:variable name="year" select="(($imprint/tei:date)[1]/(@when, @when-iso)[matches(., '^\d{4}')] ! substring(., 1, 4),
                                         normalize-space(($imprint/tei:date)[1]))[. != ''][1]"/>
      <xsl:variable name="doi" select="($bs//tei:idno[lower-case(@type) = 'doi'])[1] ! replace(normalize-space(.), '^(https?://(dx\.)?doi\.org/|doi:)', '', 'i')"/>
      <xsl:variable name="journal" select="normalize-space(($monogr/tei:title[@level = 'j'], $monogr/tei:title)[1])"/>
      <xsl:if test="exists($authors)">
        <xsl:sequence select="map{'s': tk:name-list($authors) || ', '}"/>
      </xsl:if>
      <xsl:for-each select="($analytic/tei:title)[1]">
        <xsl:sequence select="map{'s': '“' || normalize-space(.) || ',” ', 'lang': string(tk:lang(.))}"/>
      </xsl:for-each>
      <xsl:if test="$journal"><xsl:sequence select="map{'s': $journal, 'i': true()}"/></xsl:if>
      <xsl:sequence select="map{'s': ($vol[.] ! (' ' || .)) || ($issue[.] ! (', no. ' || .)) || ($year[.] ! (' (' || . || ')'))
                                     || ($pages[.] ! (': ' || .)) || (if ($doi) then ', ' else '.')}"/>
      <xsl:if test="$doi">
        <xsl:sequence select="(map{'s': 'https://doi.org/' || $doi, 'url': 'https://doi.org/' || $doi}, map{'s': '.'})"/>
      </xsl:if>
    </xsl:if>
  </xsl:function>

  <!-- Where the edition itself is found: its URL, else its DOI, else its own identifier. -->
  <xsl:function name="tk:edition-address" as="map(*)?">
    <xsl:param name="pub" as="element(tei:publicationStmt)?"/>
    <xsl:variable name="url" select="($pub/tei:ptr/@target, $pub/tei:ref/@target,
                                      $pub/tei:idno[lower-case(@type) = ('url', 'uri')])
                                     [matches(normalize-space(.), '^https?://\S+$')][1] ! normalize-space(.)"/>
    <xsl:variable name="doi" select="($pub/tei:idno[lower-case(@type) = 'doi'])[1] ! replace(normalize-space(.), '^(https?://(dx\.)?doi\.org/|doi:)', '', 'i')"/>
    <xsl:variable name="local" select="normalize-space(($pub/tei:idno[normalize-space()])[1])"/>
    <xsl:sequence select="if ($url) then map{'s': $url, 'url': $url}
                          else if ($doi) then map{'s': 'https://doi.org/' || $doi, 'url': 'https://doi.org/' || $doi}
                          else if ($local) then map{'s': 'identifier ' || $local}
                          else ()"/>
  </xsl:function>

  <!-- The digital edition: Authors, Title (digital edition), publisher, date, address. -->
  <xsl:function name="tk:edition-citation" as="map(*)*">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="header" select="root($doc)/*/tei:teiHeader"/>
    <xsl:variable name="pub" select="$header/tei:fileDesc/tei:publicationStmt"/>
    <xsl:variable name="authors" select="tk:authors($doc)"/>
    <xsl:variable name="edition" select="($header/tei:fileDesc/tei:editionStmt/tei:edition[@n])[1]/@n"/>
    <xsl:variable name="address" select="tk:edition-address($pub)"/>
    <!-- After the source's citation, what it already says (the same authors, the same title)
         is not said again: "Digital edition: edition 1.0, publisher, 2026, address." -->
    <xsl:variable name="bs" select="($header/tei:fileDesc/tei:sourceDesc//tei:biblStruct)[1]"/>
    <xsl:variable name="source-authors" select="($bs/tei:analytic/tei:author, $bs/tei:monogr/tei:author)[1]/../tei:author ! tk:cite-name(.)"/>
    <xsl:variable name="source-title" select="normalize-space(($bs/tei:analytic/tei:title, $bs/tei:monogr/tei:title)[1])"/>
    <xsl:variable name="same-title" select="$source-title != '' and $source-title = tk:title($doc)"/>
    <xsl:if test="exists($authors) and not(deep-equal($authors, $source-authors))">
      <xsl:sequence select="map{'s': tk:name-list($authors) || ', '}"/>
    </xsl:if>
    <xsl:if test="not($same-title)">
      <xsl:sequence select="map{'s': (tk:title($doc)[.], 'Untitled')[1], 'i': true()}"/>
    </xsl:if>
    <xsl:variable name="rest" select="string-join((if ($edition) then 'edition ' || $edition else (),
                                      (($pub/tei:publisher, $pub/tei:distributor)[1], $pub/tei:date[1]) ! normalize-space(.))[.], ', ')"/>
    <xsl:sequence select="map{'s': (if ($rest and not($same-title)) then ', ' else '') || $rest
                                   || (if (exists($address)) then (if ($rest or not($same-title)) then ', ' else '') else '.')}"/>
    <xsl:if test="exists($address)"><xsl:sequence select="($address, map{'s': '.'})"/></xsl:if>
  </xsl:function>

  <!-- A citation as plain text. -->
  <xsl:function name="tk:citation-text" as="xs:string">
    <xsl:param name="parts" as="map(*)*"/>
    <xsl:sequence select="normalize-space(string-join($parts ! ?s))"/>
  </xsl:function>

</xsl:stylesheet>
