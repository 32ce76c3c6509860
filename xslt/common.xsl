<?xml version="1.0" encoding="UTF-8"?>
<!--
  common.xsl: what every output shares, so that HTML, PDF and text number and
  name things identically. Imported by html.xsl, text.xsl and pdf.xsl.

  Functions live in the tk: namespace. Nothing here writes output markup.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <!-- Pointer look-ups: every xml:id in the document. -->
  <xsl:key name="tk:id" match="*[@xml:id]" use="@xml:id"/>

  <!-- Every occurrence of a pointer value (#id) in @ref/@corresp/@target/@who, for back-links. -->
  <xsl:key name="tk:pointing" match="*[@ref or @corresp or @target or @who]"
           use="for $v in tokenize(string-join((@ref, @corresp, @target, @who), ' '), '\s+')[starts-with(., '#')]
                return substring($v, 2)"/>

  <!-- Resolve a local pointer ('#id') to its element, or the empty sequence. -->
  <xsl:function name="tk:target" as="element()*">
    <xsl:param name="context" as="node()"/>
    <xsl:param name="pointer" as="xs:string?"/>
    <xsl:sequence select="for $p in tokenize(normalize-space($pointer), ' ')[starts-with(., '#')]
                          return key('tk:id', substring($p, 2), root($context))"/>
  </xsl:function>

  <!-- Notes that the outputs number: every note in the text body and back matter
       that is not a header note, not a marginal or inline gloss, and not a note that
       belongs to a figure itself (a photo credit, printed with the caption).
       Numbering is by document order unless @n is given. -->
  <xsl:function name="tk:numbered-notes" as="element(tei:note)*">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="root($doc)//tei:text//tei:note[tk:is-numbered-note(.)]"/>
  </xsl:function>

  <xsl:function name="tk:is-numbered-note" as="xs:boolean">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="exists($note/ancestor::tei:text) and empty($note/ancestor::tei:note)
                          and not($note/@place = ('margin', 'inline'))
                          and empty($note/parent::tei:figure)"/>
  </xsl:function>

  <!-- Position of every numbered note of the principal document, computed in one pass:
       looking a note up is constant time, so thousands of notes never go quadratic. -->
  <xsl:variable name="tk:note-ordinals" as="map(xs:string, xs:integer)"
      select="let $notes := tk:numbered-notes(/)
              return map:merge(for $i in 1 to count($notes) return map:entry(generate-id($notes[$i]), $i))"/>

  <!-- 1-based position of a numbered note among all numbered notes, in document order. -->
  <xsl:function name="tk:note-ordinal" as="xs:integer">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="let $known := $tk:note-ordinals(generate-id($note))
                          return if (exists($known)) then $known
                          else count($note/preceding::tei:note[tk:is-numbered-note(.)]) + 1"/>
  </xsl:function>

  <xsl:function name="tk:note-number" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="if (normalize-space($note/@n)) then normalize-space($note/@n)
                          else string(tk:note-ordinal($note))"/>
  </xsl:function>

  <!-- Detached notes stand apart from the text (a back-matter "Notes" division, as in ELTeC)
       and are called by a ref or ptr in the text; that pointer is their marker. -->
  <xsl:function name="tk:is-detached-note" as="xs:boolean">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="tk:is-numbered-note($note) and exists($note/@xml:id)
                          and exists(key('tk:pointing', string($note/@xml:id), root($note))
                                     [self::tei:ref or self::tei:ptr][ancestor::tei:text][not(ancestor::tei:note)])"/>
  </xsl:function>

  <!-- The numbered note a ref or ptr calls, if it calls one. -->
  <xsl:function name="tk:called-note" as="element(tei:note)?">
    <xsl:param name="pointer" as="element()"/>
    <xsl:sequence select="tk:target($pointer, $pointer/@target)[self::tei:note][tk:is-numbered-note(.)][1]"/>
  </xsl:function>

  <!-- A division that only collects detached notes: the outputs print them as endnotes instead. -->
  <xsl:function name="tk:is-notes-div" as="xs:boolean">
    <xsl:param name="div" as="element()"/>
    <xsl:sequence select="exists($div/tei:note) and
                          (every $c in $div/* satisfies ($c/self::tei:head or $c/self::tei:pb or $c/self::tei:lb
                                                         or $c/self::tei:milestone or $c/self::tei:note[tk:is-detached-note(.)]))"/>
  </xsl:function>

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

  <!-- Pull quotes repeat a sentence of the text for the eye: typography, not text. -->
  <xsl:function name="tk:is-pull-quote" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/(self::tei:quote | self::tei:floatingText | self::tei:q | self::tei:cit
                                     | self::tei:seg | self::tei:ab | self::tei:p | self::tei:figure))
                          and (some $t in tokenize(lower-case(string-join(($e/@type, $e/@rend, $e/@subtype), ' ')), '\s+')
                               satisfies $t = ('pullquote', 'pull-quote', 'pull_quote'))"/>
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

  <!-- Does the front matter of the text already carry this header material (an abstract,
       an affiliation, an ORCID)? Editions that transcribe the article's opening page put it
       there; the outputs then print it once, where the text has it. -->
  <xsl:function name="tk:front-carries" as="xs:boolean">
    <xsl:param name="tei" as="element()"/>
    <xsl:param name="material" as="element()"/>
    <xsl:variable name="front" select="$tei/tei:text/tei:front"/>
    <xsl:variable name="probe" select="substring(normalize-space($material), 1, 120)"/>
    <xsl:sequence select="exists($front) and (
        (some $id in tokenize(normalize-space($material/@corresp), ' ')[starts-with(., '#')] ! substring(., 2)
         satisfies exists($front//*[@xml:id = $id]))
        or ($probe != '' and contains(normalize-space($front), $probe)))"/>
  </xsl:function>

  <!-- Language of a node: the nearest xml:lang, or the empty sequence. -->
  <xsl:function name="tk:lang" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="string($node/ancestor-or-self::*[@xml:lang][1]/@xml:lang)[.]"/>
  </xsl:function>

  <!-- A stable identifier for any element, for anchors and links. -->
  <xsl:function name="tk:id" as="xs:string">
    <xsl:param name="node" as="element()"/>
    <xsl:sequence select="if ($node/@xml:id) then string($node/@xml:id)
                          else if ($node/self::tei:note) then 'note-' || tk:note-ordinal($node)
                          else 'tk-' || ($tk:element-ordinals(generate-id($node)), generate-id($node))[1]"/>
  </xsl:function>

  <!-- Document-order position of every element of the principal document, computed once.
       generate-id() alone is not stable: Saxon numbers the documents a process has parsed,
       so a second build (or the next file of a batch) in one process got other identifiers. -->
  <xsl:variable name="tk:element-ordinals" as="map(xs:string, xs:integer)"
      select="let $all := //* return map:merge(for $i in 1 to count($all) return map:entry(generate-id($all[$i]), $i))"/>

  <!-- Section numbering for divisions that have a heading: 1, 1.2, ... -->
  <xsl:function name="tk:div-number" as="xs:string">
    <xsl:param name="div" as="element()"/>
    <xsl:number select="$div" level="multiple" count="tei:div[tei:head] | tei:div1 | tei:div2 | tei:div3"
                from="tei:body | tei:front | tei:back" format="1.1"/>
  </xsl:function>

  <!-- The document title: the main title of the titleStmt, else any title. -->
  <xsl:function name="tk:title" as="xs:string">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="titles" select="root($doc)/*/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title"/>
    <xsl:sequence select="normalize-space(string(($titles[@type = 'main'], $titles[not(@type)], $titles)[1]))"/>
  </xsl:function>

  <!-- Authors of the work, as displayed names. -->
  <xsl:function name="tk:authors" as="xs:string*">
    <xsl:param name="doc" as="node()"/>
    <xsl:for-each select="root($doc)/*/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:author">
      <xsl:variable name="pn" select="(.//tei:persName)[1]"/>
      <xsl:sequence select="normalize-space(if ($pn/tei:forename or $pn/tei:surname)
                            then string-join(($pn/tei:forename, $pn/tei:surname), ' ')
                            else if ($pn) then string($pn) else string(.))"/>
    </xsl:for-each>
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

  <!-- Normalised text: whitespace collapsed, as all outputs print running text. -->
  <xsl:function name="tk:norm" as="xs:string">
    <xsl:param name="s" as="xs:string?"/>
    <xsl:sequence select="normalize-space($s)"/>
  </xsl:function>

</xsl:stylesheet>
