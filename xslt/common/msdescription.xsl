<?xml version="1.0" encoding="UTF-8"?>
<!--
  common/msdescription.xsl: the TEI msdescription module: manuscript descriptions (msDesc).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <!-- A manuscript description is printed whole, in its own order; the parts that
       catalogues head are labelled (below), every other element keeps its text.
       The descriptions printed: msDesc in the header's sourceDesc (one per described
       manuscript, msPart and msFrag included); a witness's msDesc goes with its witness. -->
  <xsl:function name="tk:ms-descriptions" as="element(tei:msDesc)*">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="root($doc)/*/tei:teiHeader/tei:fileDesc/tei:sourceDesc//tei:msDesc
                          [empty(ancestor::tei:msDesc)][empty(ancestor::tei:witness)]"/>
  </xsl:function>

  <xsl:variable name="tk:ms-labels" as="map(xs:string, xs:string)" select="map {
      'msIdentifier': 'Identifier', 'msContents': 'Contents', 'physDesc': 'Physical description',
      'objectDesc': 'Object', 'supportDesc': 'Support', 'support': 'Material', 'extent': 'Extent',
      'foliation': 'Foliation', 'collation': 'Collation', 'condition': 'Condition', 'layoutDesc': 'Layout',
      'handDesc': 'Hands', 'scriptDesc': 'Script', 'decoDesc': 'Decoration', 'musicNotation': 'Music notation',
      'additions': 'Additions', 'bindingDesc': 'Binding', 'sealDesc': 'Seals', 'accMat': 'Accompanying material',
      'history': 'History', 'origin': 'Origin', 'provenance': 'Provenance', 'acquisition': 'Acquisition',
      'additional': 'Additional material', 'adminInfo': 'Administrative information', 'recordHist': 'Record history',
      'availability': 'Availability', 'custodialHist': 'Custodial history', 'surrogates': 'Surrogates',
      'listBibl': 'Bibliography', 'msPart': 'Part', 'msFrag': 'Fragment', 'summary': 'Summary',
      'textLang': 'Language', 'rubric': 'Rubric', 'incipit': 'Incipit', 'explicit': 'Explicit',
      'finalRubric': 'Final rubric', 'colophon': 'Colophon', 'filiation': 'Filiation', 'decoNote': 'Decoration',
      'handNote': 'Hand', 'altIdentifier': 'Other identifier', 'msName': 'Name', 'origDate': 'Date',
      'origPlace': 'Place', 'dimensions': 'Dimensions', 'locus': '', 'msItem': 'Item'}"/>

  <!-- A part's label ("Item 3", "Part 2", "Rubric"), or '' for an element that is just text. -->
  <xsl:function name="tk:ms-label" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="base" select="($tk:ms-labels(local-name($e)), '')[1]"/>
    <xsl:sequence select="
        if ($base = '' or namespace-uri($e) ne 'http://www.tei-c.org/ns/1.0') then ''
        else if ($e/self::tei:msItem or $e/self::tei:msPart or $e/self::tei:msFrag)
          then $base || ' ' || (normalize-space($e/@n)[.], count($e/preceding-sibling::*[local-name() = local-name($e)]) + 1)[1]
        else $base"/>
  </xsl:function>

  <!-- Parts that are sections of the description (set as labelled blocks); the other
       labelled parts are labelled phrases inside them. -->
  <xsl:function name="tk:ms-is-section" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/self::tei:msIdentifier | $e/self::tei:msContents | $e/self::tei:physDesc
        | $e/self::tei:history | $e/self::tei:additional | $e/self::tei:msPart | $e/self::tei:msFrag
        | $e/self::tei:msItem | $e/self::tei:objectDesc | $e/self::tei:handDesc | $e/self::tei:decoDesc
        | $e/self::tei:additions | $e/self::tei:bindingDesc | $e/self::tei:listBibl | $e/self::tei:origin
        | $e/self::tei:provenance | $e/self::tei:acquisition | $e/self::tei:adminInfo | $e/self::tei:surrogates
        | $e/self::tei:scriptDesc | $e/self::tei:sealDesc | $e/self::tei:accMat | $e/self::tei:supportDesc
        | $e/self::tei:layoutDesc | $e/self::tei:summary | $e/self::tei:decoNote | $e/self::tei:handNote
        | $e/self::tei:p | $e/self::tei:item | $e/self::tei:bibl | $e/self::tei:biblStruct)"/>
  </xsl:function>

  <!-- The manuscript's identifier on one line: place, repository, collection, shelfmark. -->
  <xsl:function name="tk:ms-identifier" as="xs:string">
    <xsl:param name="ms" as="element(tei:msDesc)"/>
    <xsl:variable name="id" select="$ms/tei:msIdentifier"/>
    <xsl:sequence select="string-join(($id/(tei:country | tei:region | tei:settlement | tei:institution | tei:repository
                                            | tei:collection | tei:idno[not(@type = ('URI', 'uri'))] | tei:msName)
                                       ! normalize-space(string-join(.//text(), ' ')))[.], ', ')"/>
  </xsl:function>

</xsl:stylesheet>
