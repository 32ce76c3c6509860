<?xml version="1.0" encoding="UTF-8"?>
<!--
  pdf.xsl: TEI to the JSON document tree that xslt/typst/edition.typ typesets.

  This stylesheet never writes typesetter source. It produces DATA: maps and arrays
  serialised as JSON, in which every piece of text from the TEI is a JSON string.
  The fixed Typst template reads the JSON with json() and places strings as content,
  so no character of the document can become a Typst command, whatever it contains.

  Shape of the result (keys are short because novels produce megabytes of it):
    meta      title, sub, authors[{name, aff[], orcid, email}], keywords[], lang, region,
              year/month/day, doi, journal, cite[inlines], edition-cite[inlines], publisher,
              licence, rights[each an array of inlines], description (plain abstract, for XMP), abstract[blocks]
    front, body, back   arrays of blocks
    notes     endnotes [{n, k, c: [inlines]}], headed by meta.notes-head
    registers [{kind, title, entries: [{k, label, extra}]}]
  A block is a map with "t" (h, p, quote, pull, fig, list, table, lg, l, sp, stage, bib,
  lang, sep); an inline is a string or a map with "t" (i, b, sup, sub, sc, u, s, q, lang,
  fn, nref, ent, link, ilink, br, blk).
  Note numbers come from common.xsl (tk:note-number), so they equal the HTML and text outputs.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    xmlns:array="http://www.w3.org/2005/xpath-functions/array"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="#all">

  <xsl:import href="common.xsl"/>
  <xsl:include href="pdf/scholarly.xsl"/>
  <xsl:include href="pdf/sourcedoc.xsl"/>
  <xsl:output method="json" encoding="UTF-8" indent="no"/>

  <xsl:variable name="tk:header" select="(/tei:TEI/tei:teiHeader, /tei:teiCorpus/tei:teiHeader,
                                          /*/tei:teiHeader)[1]"/>
  <xsl:variable name="tk:texts" select="//tei:text[not(ancestor::tei:text)]"/>
  <xsl:variable name="tk:notes" select="tk:numbered-notes(/)"/>

  <!-- Registers (common.xsl decides what is one): the index is made of their entries. -->
  <xsl:variable name="tk:register-lists" select="//(tei:listPerson | tei:listPlace | tei:listOrg | tei:listEvent
                                                    | tei:listBibl)[tk:is-register(.)]"/>
  <xsl:variable name="tk:index-kinds" select="('person', 'place', 'org', 'event', 'treaty')"/>

  <xsl:variable name="tk:entries" select="$tk:register-lists//*[@xml:id][tk:register-kind(.) = $tk:index-kinds]"/>

  <!-- The register entries a pointing element refers to (by @ref, or @who of a speech). -->
  <xsl:function name="tk:entity-targets" as="element()*">
    <xsl:param name="e" as="element()?"/>
    <xsl:sequence select="$e ! (tk:target(., string-join((@ref, self::tei:sp/@who), ' ')) intersect $tk:entries)"/>
  </xsl:function>

  <!-- The key under which an element is labelled in the PDF: unique even when xml:ids are not. -->
  <xsl:function name="tk:key" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="generate-id($e)"/>
  </xsl:function>

  <!-- A language tag the typesetter understands: 2-3 letter primary subtag, else ''. -->
  <xsl:function name="tk:pdf-lang" as="xs:string">
    <xsl:param name="tag" as="xs:string?"/>
    <xsl:variable name="primary" select="lower-case(tokenize(string($tag), '[-_]')[1])"/>
    <xsl:sequence select="if (matches($primary, '^[a-z]{2,3}$')) then $primary else ''"/>
  </xsl:function>

  <xsl:function name="tk:pdf-region" as="xs:string">
    <xsl:param name="tag" as="xs:string?"/>
    <xsl:variable name="region" select="(tokenize(string($tag), '[-_]')[matches(., '^[A-Za-z]{2}$')][position() gt 1])[1]"/>
    <xsl:sequence select="if ($region) then upper-case($region) else ''"/>
  </xsl:function>

  <!-- Running text: whitespace collapsed; invisible controls and bidi overrides made visible
       as [U+XXXX], so they can neither hide text nor reorder it. Private-use characters (MUFI's
       medieval letters) go to Typst as they are: a project font may have them (font_dirs), and
       one no font has is shown as [U+XXXX] with a build warning (write/pdf.py). -->
  <xsl:function name="tk:clean" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:variable name="spaced" select="tk:collapse($s)"/>
    <xsl:sequence select="
        if (not(matches($spaced, '[\p{Cc}&#x202A;-&#x202E;&#x2066;-&#x2069;&#xFFF9;-&#xFFFB;]'))) then $spaced
        else string-join(for $c in string-to-codepoints($spaced) return
               if ($c lt 32 or ($c ge 127 and $c le 159) or ($c ge 8234 and $c le 8238)
                   or ($c ge 8294 and $c le 8297) or ($c ge 65529 and $c le 65531))
               then '[U+' || tk:hex($c) || ']'
               else codepoints-to-string($c))"/>
  </xsl:function>

  <!-- Whitespace runs to one space, keeping a space at either end: normalize-space() is much
       faster than a regular expression, and novels have hundreds of thousands of text nodes. -->
  <xsl:function name="tk:collapse" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:variable name="n" select="normalize-space($s)"/>
    <xsl:sequence select="
        if ($n eq $s) then $s
        else if ($n eq '') then (if ($s eq '') then '' else ' ')
        else concat(if (normalize-space(substring($s, 1, 1)) eq '') then ' ' else '', $n,
                    if (normalize-space(substring($s, string-length($s))) eq '') then ' ' else '')"/>
  </xsl:function>

  <xsl:function name="tk:hex" as="xs:string">
    <xsl:param name="n" as="xs:integer"/>
    <xsl:variable name="digits" select="string-join(for $shift in (20, 16, 12, 8, 4, 0)
        return substring('0123456789ABCDEF', ($n idiv tk:pow16($shift idiv 4)) mod 16 + 1, 1))"/>
    <xsl:sequence select="replace($digits, '^0{1,2}(.{4})$', '$1')"/>
  </xsl:function>

  <xsl:function name="tk:pow16" as="xs:integer">
    <xsl:param name="e" as="xs:integer"/>
    <xsl:sequence select="if ($e le 0) then 1 else 16 * tk:pow16($e - 1)"/>
  </xsl:function>

  <!-- Plain text of an element for metadata fields (notes left out). -->
  <xsl:function name="tk:plain" as="xs:string">
    <xsl:param name="e" as="node()?"/>
    <xsl:sequence select="normalize-space(tk:clean(string-join($e/descendant::text()[not(ancestor::tei:note)])))"/>
  </xsl:function>

  <!-- Merge adjacent strings of an inline sequence; trims the ends when asked. -->
  <xsl:function name="tk:merge" as="item()*">
    <xsl:param name="items" as="item()*"/>
    <xsl:for-each-group select="$items" group-adjacent=". instance of xs:string">
      <xsl:sequence select="if (not(current-grouping-key())) then current-group()
                            else let $s := string-join(current-group())
                                 return if (contains($s, '  ')) then replace($s, ' {2,}', ' ') else $s"/>
    </xsl:for-each-group>
  </xsl:function>

  <!-- The inlines of a block: adjacent strings merged, the space at either end removed
       (strings are already collapsed to single spaces by tk:clean). -->
  <xsl:function name="tk:trim" as="array(*)">
    <xsl:param name="items" as="item()*"/>
    <xsl:variable name="merged" as="item()*" select="tk:merge($items)"/>
    <xsl:variable name="n" select="count($merged)"/>
    <xsl:variable name="first" select="$merged[1]"/>
    <xsl:variable name="last" select="$merged[$n]"/>
    <xsl:variable name="trimmed" as="item()*" select="
        if ($n eq 0) then ()
        else if ($n eq 1) then (if ($first instance of xs:string) then tk:strip($first, true(), true()) else $first)
        else ((if ($first instance of xs:string) then tk:strip($first, true(), false()) else $first),
              subsequence($merged, 2, $n - 2),
              (if ($last instance of xs:string) then tk:strip($last, false(), true()) else $last))"/>
    <xsl:sequence select="array { $trimmed[not(. instance of xs:string) or . ne ''] }"/>
  </xsl:function>

  <xsl:function name="tk:strip" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:param name="start" as="xs:boolean"/>
    <xsl:param name="end" as="xs:boolean"/>
    <xsl:variable name="a" select="if ($start and starts-with($s, ' ')) then substring($s, 2) else $s"/>
    <xsl:sequence select="if ($end and ends-with($a, ' ')) then substring($a, 1, string-length($a) - 1) else $a"/>
  </xsl:function>

  <xsl:function name="tk:inlines" as="array(*)">
    <xsl:param name="e" as="node()*"/>
    <xsl:variable name="items" as="item()*">
      <xsl:apply-templates select="$e/node()" mode="inline"/>
    </xsl:variable>
    <xsl:sequence select="tk:trim($items)"/>
  </xsl:function>

  <xsl:function name="tk:blocks" as="array(*)">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:variable name="blocks" as="map(*)*">
      <xsl:call-template name="tk:block-sequence">
        <xsl:with-param name="nodes" select="$nodes"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:sequence select="array { $blocks }"/>
  </xsl:function>

  <!-- ===================================================================== -->
  <xsl:template match="/">
    <xsl:variable name="front" select="$tk:texts/tei:front"/>
    <xsl:variable name="body" select="$tk:texts/(tei:body | tei:group)"/>
    <xsl:variable name="back" select="$tk:texts/tei:back"/>
    <xsl:sequence select="map {
        'meta': map:put(tk:meta(/), 'notes-head', tk:notes-heading(/)),
        'source': tk:source-blocks(/),
        'witnesses': tk:witness-data(/),
        'front': tk:blocks($front/node()[tk:is-title-page-part(.)]),
        'body': tk:blocks(($front/node()[not(tk:is-title-page-part(.))], $body/node())),
        'back': tk:blocks($back/node()),
        'pages': tk:page-view-data(/),
        'notes': array { for $n in $tk:notes[tk:is-endnote(.)] return map {
            'n': tk:note-number($n), 'k': tk:key($n), 'c': tk:note-content($n) } },
        'registers': tk:registers()
      }"/>
  </xsl:template>

  <!-- Front matter set like a title page (centred, small): the title page and its parts. A
       preface, dedication, cast list or any other division of the front is prose, set as the text. -->
  <xsl:function name="tk:is-title-page-part" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="exists($n/(self::tei:titlePage | self::tei:docTitle | self::tei:titlePart | self::tei:docAuthor
                          | self::tei:docDate | self::tei:docImprint | self::tei:docEdition | self::tei:byline
                          | self::tei:imprimatur)) or ($n instance of text() and normalize-space($n) = '')"/>
  </xsl:function>

  <!-- A note's content: inline when it holds only phrases, else its paragraphs' inlines joined. -->
  <xsl:function name="tk:note-content" as="array(*)">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="if ($note/(tei:p | tei:ab | tei:lg | tei:list | tei:table | tei:quote[tei:p]))
                          then array { map { 't': 'blk', 'c': tk:blocks($note/node()) } }
                          else tk:inlines($note)"/>
  </xsl:function>

  <!-- Endnotes: those the encoder placed at the end, those in the back matter, and those
       outside running text (footnotes need a line to hang from). The rest are footnotes. -->
  <xsl:function name="tk:is-endnote" as="xs:boolean">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="$note/@place = 'end' or exists($note/ancestor::tei:back)
        or exists($note/ancestor::tei:head | $note/ancestor::tei:figure | $note/ancestor::tei:table
                  | $note/ancestor::tei:floatingText | $note/ancestor::*[tk:is-pull-quote(.)])
        or not(tk:in-running-text($note))"/>
  </xsl:function>

  <xsl:function name="tk:in-running-text" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="exists($n/ancestor::*[self::tei:p or self::tei:ab or self::tei:l or self::tei:item
        or self::tei:cell or self::tei:stage or self::tei:speaker or self::tei:label or self::tei:trailer
        or self::tei:byline or self::tei:docTitle or self::tei:titlePart or self::tei:quote
        or self::tei:closer or self::tei:opener or self::tei:salute or self::tei:signed or self::tei:dateline
        or self::tei:bibl])"/>
  </xsl:function>

  <!-- ===================================================================== -->
  <!-- Title block data. -->
  <xsl:function name="tk:meta" as="map(*)">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="h" select="$tk:header"/>
    <xsl:variable name="ts" select="$h/tei:fileDesc/tei:titleStmt"/>
    <xsl:variable name="bs" select="($h/tei:fileDesc/tei:sourceDesc//tei:biblStruct)[1]"/>
    <xsl:variable name="lang-tag" select="(root($doc)/*/@xml:lang, $tk:texts[1]/@xml:lang, $h/tei:profileDesc/tei:langUsage/tei:language[1]/@ident, 'en')[tk:pdf-lang(.)][1]"/>
    <xsl:variable name="when" select="($h/tei:fileDesc/tei:publicationStmt/tei:date/(@when, @when-iso)[matches(., '^\d{4}')],
                                       $bs/tei:monogr/tei:imprint/tei:date/(@when, @when-iso)[matches(., '^\d{4}')])[1]"/>
    <xsl:variable name="doi" select="($h/tei:fileDesc/tei:publicationStmt/tei:idno[lower-case(@type) = 'doi'],
                                      $bs//tei:idno[lower-case(@type) = 'doi'],
                                      $h//tei:idno[lower-case(@type) = 'doi'])[1]"/>
    <xsl:variable name="tei" select="($tk:texts[1]/parent::*, root($doc)/*)[1]"/>
    <xsl:variable name="authors" select="$ts/tei:author"/>
    <xsl:variable name="names" select="tk:authors($doc)"/>
    <xsl:variable name="journal" select="tk:plain(($bs/tei:monogr/tei:title[@level = 'j'], $bs/tei:monogr/tei:title)[1])"/>
    <xsl:variable name="scope" select="$bs/(tei:monogr/tei:biblScope | tei:monogr/tei:imprint/tei:biblScope | tei:analytic/tei:biblScope)"/>
    <xsl:variable name="vol" select="tk:plain(($scope[@unit = ('volume', 'vol')] , $scope[@type = ('volume', 'vol')])[1])"/>
    <xsl:variable name="issue" select="tk:plain(($scope[@unit = ('issue', 'number', 'no')], $scope[@type = ('issue', 'number', 'no')])[1])"/>
    <xsl:variable name="page-scope" select="($scope[@unit = ('page', 'pp', 'pages')], $scope[@type = ('page', 'pp', 'pages')])[1]"/>
    <xsl:variable name="pages" select="if ($page-scope/@from) then string-join(($page-scope/@from, $page-scope/@to), '–')
                                       else tk:plain($page-scope)"/>
    <xsl:variable name="year" select="if ($when) then substring($when, 1, 4)
        else replace(tk:plain(($h/tei:fileDesc/tei:publicationStmt/tei:date, $bs/tei:monogr/tei:imprint/tei:date)[1]), '^.*?(\d{4}).*$', '$1')[matches(., '^\d{4}$')]"/>
    <!-- The year of the source publication (the journal issue), for the issue line and the citation. -->
    <xsl:variable name="source-year" select="(($bs/tei:monogr/tei:imprint/tei:date/(@when, @when-iso)[matches(., '^\d{4}')] ! substring(., 1, 4)),
        (replace(tk:plain($bs/tei:monogr/tei:imprint/tei:date[1]), '^.*?(\d{4}).*$', '$1')[matches(., '^\d{4}$')]),
        string($year))[. != ''][1]"/>
    <xsl:variable name="doi-text" select="replace(normalize-space($doi), '^(https?://(dx\.)?doi\.org/|doi:)', '', 'i')"/>
    <xsl:variable name="title" select="tk:clean(tk:title($doc))"/>
    <xsl:variable name="front" select="$tk:texts[1]/tei:front"/>
    <xsl:variable name="abstract" select="$h/tei:profileDesc/tei:abstract[not(tk:front-carries($tei, .))]"/>
    <xsl:sequence select="map:merge((
        map { 'title': $title,
              'sub': string-join($ts/tei:title[@type = ('sub', 'subtitle')] ! tk:plain(.), ' — '),
              'authors': array { for $i in 1 to count($authors) return let $a := $authors[$i] return
                  if (tk:front-carries($tei, $a)) then () else map {
                  'name': tk:clean($names[$i]),
                  'ks': array { (tk:entity-targets(($a[@ref], $a/tei:persName[@ref])[1]),
                                 (: the affiliation's names are on the title page too :)
                                 $a/tei:affiliation[not(tk:front-carries($tei, .))]//*[@ref] ! tk:entity-targets(.)) ! tk:key(.) },
                  'aff': array { ($a/tei:affiliation, $a/tei:orgName)[not(tk:front-carries($tei, .))] ! tk:plain(.) },
                  'orcid': let $o := normalize-space(($a//tei:idno[lower-case(@type) = 'orcid'][not(tk:front-carries($tei, .))])[1]) return
                           if ($o = '') then '' else if (starts-with($o, 'http')) then $o else 'https://orcid.org/' || $o,
                  'email': tk:plain(($a//tei:email)[1]) } },
              'keywords': array { ($h/tei:profileDesc/tei:textClass/tei:keywords[not($front//*[@type = 'keywords'])]//(tei:term | tei:item)) ! tk:plain(.) },
              'lang': tk:pdf-lang($lang-tag),
              'region': tk:pdf-region($lang-tag),
              'doi': $doi-text,
              'journal': $journal,
              'vol': $vol, 'issue': $issue, 'pages': $pages, 'year': string($year),
              'source-year': string($source-year),
              'publisher': tk:plain(($h/tei:fileDesc/tei:publicationStmt/(tei:publisher, tei:distributor, tei:authority))[1]),
              'licence': tk:plain(($h/tei:fileDesc/tei:publicationStmt/tei:availability/(tei:licence, tei:p))[1]),
              'rights': array { $h/tei:fileDesc/tei:publicationStmt/tei:availability/(tei:licence | tei:p)
                                ! tk:rights-statement(.) },
              'description': substring(tk:plain(($h/tei:profileDesc/tei:abstract)[1]), 1, 2000),
              'edition-cite': tk:citation-inlines(tk:edition-citation($doc)),
              'abstract': tk:blocks($abstract/node()),
              'show-journal': not($front//tei:title[@level = 'j'] or $front//tei:biblScope),
              'show-doi': not($front//tei:idno[lower-case(@type) = 'doi']),
              'cite': tk:citation-inlines(tk:source-citation($bs)) },
        if (matches(string($when), '^\d{4}(-\d{2}(-\d{2})?)?')) then map {
            'year': substring($when, 1, 4),
            'month': if (matches($when, '^\d{4}-\d{2}')) then substring($when, 6, 2) else '',
            'day': if (matches($when, '^\d{4}-\d{2}-\d{2}')) then substring($when, 9, 2) else '' } else ()
      ), map { 'duplicates': 'use-last' })"/>
  </xsl:function>

  <!-- How to cite: the parts of common/citation.xsl as inlines (italic titles, links). -->
  <xsl:function name="tk:citation-inlines" as="array(*)">
    <xsl:param name="parts" as="map(*)*"/>
    <xsl:sequence select="array { $parts ! (if (?url) then map { 't': 'link', 'url': ?url, 'c': array { ?s } }
                                           else if (?i) then map { 't': 'i', 'c': array { ?s } }
                                           else tk:clean(?s)) }"/>
  </xsl:function>

  <!-- Each rights statement of availability as the TEI states it; a licence names its address. -->
  <xsl:function name="tk:rights-statement" as="array(*)">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="text" select="tk:plain($e)"/>
    <xsl:variable name="url" select="normalize-space($e/@target)[matches(., '^https?://\S+$')]"/>
    <xsl:sequence select="array { $text, if ($url and not(contains($text, $url))) then (' ', map { 't': 'link', 'url': $url, 'c': array { $url } }) else () }"/>
  </xsl:function>

  <!-- ===================================================================== -->
  <!-- The index of registers, in a fixed order of kinds. -->
  <xsl:function name="tk:registers" as="array(*)">
    <xsl:variable name="kinds" select="$tk:index-kinds"/>
    <xsl:variable name="titles" select="('Persons', 'Places', 'Organisations', 'Events', 'Treaties')"/>
    <xsl:variable name="registers" as="map(*)*">
      <xsl:for-each select="1 to count($kinds)">
        <xsl:variable name="i" select="."/>
        <xsl:variable name="entries" select="$tk:entries[tk:register-kind(.) = $kinds[$i]]"/>
        <xsl:if test="exists($entries)">
          <xsl:variable name="rows" as="map(*)*">
            <xsl:for-each select="$entries">
              <xsl:sort select="lower-case(tk:entry-label(.))" lang="en"/>
              <xsl:variable name="label" select="tk:entry-label(.)"/>
              <xsl:variable name="extra" select="tk:entry-extra(.)"/>
              <!-- Years the name already says are not repeated: “Treaty of 1997 (1997)”. -->
              <!-- Entries the text never names but other entries do (a place of signature):
                   the index refers to those entries, so every entry leads somewhere. -->
              <xsl:variable name="me" select="."/>
              <xsl:variable name="citing" select="(if (@xml:id) then key('tk:pointing', string(@xml:id)) else ())
                                                  /ancestor::*[exists(. intersect $tk:entries)][1][not(. is $me)]"/>
              <xsl:sequence select="map { 'k': tk:key(.), 'label': $label,
                  'extra': if (every $y in tokenize($extra, '–') satisfies contains($label, $y)) then '' else $extra,
                  'see': array { for $c in $citing return map { 'k': tk:key($c), 'label': tk:entry-label($c) } } }"/>
            </xsl:for-each>
          </xsl:variable>
          <xsl:sequence select="map { 'kind': $kinds[$i], 'title': $titles[$i], 'entries': array { $rows } }"/>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:sequence select="array { $registers }"/>
  </xsl:function>

  <!-- The heading of an index entry: the record's own name for it, by kind. -->
  <xsl:function name="tk:entry-label" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="pn" select="($e/tei:persName[not(@type) or @type = ('main', 'full', 'standard', 'reg')],
                                     $e/tei:persName)[1]"/>
    <xsl:variable name="name" select="
        if ($e/self::tei:person or $e/self::tei:personGrp) then $pn
        else if ($e/self::tei:place) then ($e/tei:placeName[not(@type = ('variant', 'alt'))], $e/tei:placeName, $e/tei:geogName)[1]
        else if ($e/self::tei:org) then ($e/tei:orgName[not(@type = ('variant', 'alt'))], $e/tei:orgName)[1]
        else if ($e/self::tei:event) then ($e/tei:label, $e/tei:eventName, $e/tei:head, $e/tei:desc)[1]
        else if ($e/self::tei:biblStruct) then ($e/tei:analytic/tei:title, $e/tei:monogr/tei:title)[1]
        else ($e/tei:title[not(@type = 'short')], $e/tei:title)[1]"/>
    <xsl:variable name="label" select="
        if ($name/tei:surname) then string-join(($name/tei:surname ! tk:plain(.),
            string-join($name/(tei:forename, tei:roleName, tei:nameLink) ! tk:plain(.), ' ')[. != '']), ', ')
        else tk:plain(($name, $e/tei:name, $e/tei:label)[1])"/>
    <xsl:sequence select="if ($label) then $label else string($e/@xml:id)"/>
  </xsl:function>

  <!-- Years of a person's life or of an event or instrument: (1931–2007), (1994). -->
  <xsl:function name="tk:entry-extra" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="from" select="tk:year((
        $e/tei:birth/(@when, @from, @notBefore, tei:date/@when), $e/@when, $e/@from, $e/@notBefore,
        $e/tei:date/(@when, @from, @notBefore))[1])"/>
    <xsl:variable name="to" select="tk:year((
        $e/tei:death/(@when, @to, @notAfter, tei:date/@when), $e/@to, $e/@notAfter, $e/tei:date/(@to, @notAfter))[1])"/>
    <xsl:sequence select="if ($e/tei:birth or $e/tei:death) then string-join(($from, $to), '–')
                          else string-join(distinct-values(($from, $to)[. != '']), '–')"/>
  </xsl:function>

  <xsl:function name="tk:year" as="xs:string">
    <xsl:param name="date" as="xs:string?"/>
    <xsl:sequence select="if (matches(string($date), '^-?\d{4}')) then replace($date, '^(-?\d{4}).*$', '$1') else ''"/>
  </xsl:function>

  <!-- ===================================================================== -->
  <!-- Block sequence: runs of text and phrase-level elements become paragraphs. -->
  <xsl:template name="tk:block-sequence">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:for-each-group select="$nodes" group-adjacent="tk:is-phrase(.)">
      <xsl:choose>
        <xsl:when test="current-grouping-key()">
          <xsl:variable name="c" select="tk:trim(for $n in current-group() return tk:inline-node($n))"/>
          <xsl:if test="array:size($c) gt 0 and (some $x in $c?* satisfies not($x instance of xs:string and normalize-space($x) = ''))">
            <xsl:sequence select="map { 't': 'p', 'c': $c }"/>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates select="current-group()[self::*]" mode="block"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each-group>
  </xsl:template>

  <xsl:function name="tk:inline-node" as="item()*">
    <xsl:param name="n" as="node()"/>
    <xsl:apply-templates select="$n" mode="inline"/>
  </xsl:function>

  <!-- Phrase-level: text, and elements that live inside paragraphs. Everything else is a block. -->
  <xsl:function name="tk:is-phrase" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="($n instance of text())
        or ($n instance of element() and namespace-uri($n) eq 'http://www.tei-c.org/ns/1.0'
            and map:contains($tk:phrase-names, local-name($n))
            and (if ($n/self::tei:note) then tk:in-running-text($n) or tk:follows-text($n)
                 else if ($n/self::tei:quote) then not($n/(tei:p | tei:lg | tei:l) or tk:is-pull-quote($n))
                                                   and ($n/ancestor::tei:p or not($n/parent::tei:div))
                 else true()))"/>
  </xsl:function>

  <!-- A note right after text in a container's mixed content hangs from that text. -->
  <xsl:function name="tk:follows-text" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:variable name="before" select="$n/preceding-sibling::node()[not(self::text()[not(normalize-space())])][1]"/>
    <xsl:sequence select="exists($before/self::text()) or ($before instance of element() and tk:is-phrase($before))"/>
  </xsl:function>

  <xsl:variable name="tk:phrase-names" as="map(xs:string, xs:boolean)" select="map:merge(
      for $name in ('hi', 'emph', 'persName', 'placeName', 'orgName', 'name', 'date', 'time', 'rs', 'foreign',
                    'term', 'title', 'geogName', 'ref', 'ptr', 'choice', 'note', 'q', 'said', 'num', 'abbr',
                    'expan', 'sic', 'corr', 'reg', 'orig', 'add', 'del', 'lb', 'seg', 'w', 'measure', 'c', 'pc',
                    'gap', 'unclear', 'supplied', 'soCalled', 'mentioned', 'gloss', 'roleName', 'forename',
                    'surname', 'idno', 'email', 'quote', 'milestone', 'anchor', 'damage', 'handShift', 'index',
                    'app', 'space', 'subst', 'ex', 'surplus', 'g', 'metamark')
      return map { $name: true() })"/>

  <!-- Language of a block: wraps it so hyphenation follows the text's language. -->
  <xsl:template match="*[@xml:lang][tk:pdf-lang(@xml:lang)]" mode="block" priority="10">
    <xsl:variable name="inner" as="map(*)*">
      <xsl:next-match/>
    </xsl:variable>
    <xsl:sequence select="if (exists($inner)) then map { 't': 'lang', 'l': tk:pdf-lang(@xml:lang),
                          'r': tk:pdf-region(@xml:lang), 'd': tk:direction(@xml:lang), 'c': array { $inner } } else ()"/>
  </xsl:template>

  <xsl:template match="tei:head" mode="block">
    <xsl:variable name="depth" select="count(ancestor::*[self::tei:div or self::tei:div1 or self::tei:div2
        or self::tei:div3 or self::tei:div4 or self::tei:div5 or self::tei:div6 or self::tei:div7])"/>
    <xsl:sequence select="map { 't': 'h', 'level': max((1, min(($depth, 5)))), 'k': tk:key(.),
                                'c': tk:inlines(.) }"/>
  </xsl:template>

  <!-- Heads of lists, tables, figures, verse groups are typeset with their parent. -->
  <xsl:template match="tei:head[parent::tei:list | parent::tei:table | parent::tei:figure | parent::tei:lg
                       | parent::tei:listBibl | parent::tei:castList | parent::tei:quote
                       | parent::tei:floatingText[tk:is-pull-quote(.)]]" mode="block" priority="2"/>

  <xsl:template match="tei:p | tei:ab" mode="block">
    <xsl:sequence select="map { 't': 'p', 'c': tk:inlines(.) }"/>
  </xsl:template>

  <!-- A paragraph holding block material (a list, a table, a quoted poem) is typeset as the
       runs of text around it and the blocks themselves, in order. -->
  <xsl:template match="tei:p[*[tk:is-block(.)]] | tei:ab[*[tk:is-block(.)]]" mode="block">
    <xsl:for-each-group select="node()" group-adjacent="not(tk:is-block(.))">
      <xsl:choose>
        <xsl:when test="current-grouping-key()">
          <xsl:variable name="c" select="tk:trim(for $n in current-group() return tk:inline-node($n))"/>
          <xsl:if test="some $x in $c?* satisfies not($x instance of xs:string and normalize-space($x) = '')">
            <xsl:sequence select="map { 't': 'p', 'c': $c }"/>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates select="current-group()" mode="block"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each-group>
  </xsl:template>

  <!-- Elements that cannot sit inside a line of text. -->
  <xsl:function name="tk:is-block" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="exists($n/self::tei:list | $n/self::tei:table | $n/self::tei:figure | $n/self::tei:lg
        | $n/self::tei:sp | $n/self::tei:floatingText | $n/self::tei:listBibl | $n/self::tei:castList
        | $n/self::tei:p | $n/self::tei:ab | $n/self::tei:l | $n/self::tei:div | $n/self::tei:stage[tei:p]
        | $n/self::tei:quote[tei:p | tei:lg | tei:l] | $n/self::tei:cit[tei:quote[tei:p | tei:lg | tei:l]]
        | $n/self::tei:said[tei:p] | $n/self::tei:q[tei:p] | $n/self::tei:*[tk:is-pull-quote(.)])"/>
  </xsl:function>

  <!-- Pathologically deep markup keeps its text but not its structure: the typesetter
       renders nesting recursively and has a bounded call depth. -->
  <xsl:template match="*[count(ancestor::*) ge 40]" mode="block" priority="20">
    <xsl:sequence select="map { 't': 'p', 'c': array { tk:plain(.) } }"/>
  </xsl:template>

  <xsl:template match="*[count(ancestor::*) ge 40]" mode="inline" priority="20">
    <xsl:sequence select="tk:clean(string(.))"/>
  </xsl:template>

  <xsl:template match="tei:byline | tei:docAuthor | tei:docDate | tei:docImprint | tei:dateline | tei:salute
                       | tei:signed | tei:trailer | tei:titlePart | tei:argument/tei:p | tei:opener/tei:*
                       | tei:closer/tei:* | tei:docEdition" mode="block" priority="1">
    <xsl:sequence select="map { 't': 'p', 'style': if (self::tei:signed or self::tei:closer/tei:* or parent::tei:closer)
                                then 'right' else 'center', 'c': tk:inlines(.) }"/>
  </xsl:template>

  <xsl:template match="tei:docTitle[tk:repeats-title(.)] | tei:divGen[@type = 'notes']" mode="block" priority="3"/>

  <xsl:template match="tei:titlePart[@type = 'main' or not(@type)]" mode="block" priority="2">
    <xsl:sequence select="map { 't': 'p', 'style': 'title', 'c': tk:inlines(.) }"/>
  </xsl:template>

  <xsl:template match="tei:lg" mode="block">
    <xsl:sequence select="map { 't': 'lg', 'head': tk:inlines(tei:head[1]), 'c': tk:blocks(node() except tei:head) }"/>
  </xsl:template>


  <xsl:template match="tei:sp" mode="block">
    <xsl:sequence select="map { 't': 'sp', 'who': tk:inlines(tei:speaker[1]),
                                'occ': array { tk:entity-targets(.) ! tk:key(.) },
                                'c': tk:blocks(node() except tei:speaker[1]) }"/>
  </xsl:template>

  <xsl:template match="tei:stage | tei:speaker" mode="block">
    <xsl:sequence select="map { 't': 'stage', 'c': tk:inlines(.) }"/>
  </xsl:template>

  <xsl:template match="*[tk:is-pull-quote(.)]" mode="block" priority="3">
    <xsl:sequence select="tk:pull(.)"/>
  </xsl:template>

  <xsl:function name="tk:pull" as="map(*)">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="body" select="if ($e/self::tei:floatingText) then $e/tei:body else if ($e/self::tei:figure) then $e/(* except tei:graphic) else $e"/>
    <xsl:sequence select="map { 't': 'pull',
        'c': if ($body/(tei:p | tei:ab | tei:lg | tei:div | tei:quote)) then tk:blocks($body/node())
             else array { map { 't': 'p', 'c': tk:inlines($body) } } }"/>
  </xsl:function>

  <xsl:template match="tei:quote | tei:cit | tei:epigraph | tei:floatingText | tei:said[tei:p] | tei:q[tei:p]" mode="block">
    <xsl:sequence select="map { 't': 'quote', 'c': tk:blocks(if (self::tei:floatingText) then tei:*/node() else node()) }"/>
  </xsl:template>

  <xsl:template match="tei:list | tei:castList | tei:listBibl | tei:castGroup" mode="block">
    <xsl:variable name="items" select="tei:item | tei:castItem | tei:castGroup | tei:bibl | tei:biblStruct | tei:listBibl | tei:msDesc"/>
    <xsl:sequence select="(tei:head ! map { 't': 'p', 'style': 'caption', 'c': tk:inlines(.) }),
        (if (self::tei:castList and empty(tei:head)) then map { 't': 'p', 'style': 'caption', 'c': array { 'Cast of characters' } } else ()),
        map { 't': 'list', 'ord': @type = ('ordered', 'numbered') or @rend = ('numbered', 'ordered'),
              'plain': exists(self::tei:listBibl | self::tei:castList | self::tei:castGroup) or @type = ('simple', 'gloss') or @rend = ('simple', 'none'),
              'items': array { for $item in $items return
                  let $label := $item/preceding-sibling::*[1][self::tei:label]
                  return array { ($label ! map { 't': 'p', 'style': 'label', 'c': tk:inlines(.) }),
                                 if ($item/self::tei:castItem[tei:role or tei:roleDesc or tei:actor]) then tk:cast-item($item)
                                 else tk:blocks(if ($item/self::tei:item or $item/self::tei:castItem) then $item/node() else $item)?* } } }"/>
  </xsl:template>

  <!-- A cast item on one line: the role, its description, the actor, comma-separated. -->
  <xsl:function name="tk:cast-item" as="map(*)">
    <xsl:param name="item" as="element(tei:castItem)"/>
    <xsl:variable name="parts" select="$item/(tei:role | tei:roleDesc | tei:actor)[normalize-space()]"/>
    <xsl:sequence select="map { 't': 'p', 'c': array:join(for $i in 1 to count($parts)
                                 return (if ($i gt 1) then array { ', ' } else (), tk:inlines($parts[$i]))) }"/>
  </xsl:function>

  <xsl:template match="tei:list/tei:label" mode="block" priority="2"/>

  <xsl:template match="tei:castItem | tei:role | tei:roleDesc | tei:actor | tei:castGroup/tei:head" mode="block">
    <xsl:sequence select="map { 't': 'p', 'c': tk:inlines(.) }"/>
  </xsl:template>

  <xsl:template match="tei:bibl | tei:biblStruct | tei:biblFull | tei:msDesc" mode="block">
    <xsl:sequence select="map { 't': 'bib', 'c': tk:inlines(.) }"/>
  </xsl:template>

  <xsl:template match="tei:table" mode="block">
    <xsl:sequence select="(tei:head ! map { 't': 'p', 'style': 'caption', 'c': tk:inlines(.) }),
        map { 't': 'table', 'rows': array { for $row in tei:row return map {
                'head': $row/@role = 'label',
                'cells': array { for $cell in $row/tei:cell return tk:inlines($cell) } } } }"/>
  </xsl:template>

  <!-- A figure without its image: caption (head, else its paragraphs), description, credit. -->
  <xsl:template match="tei:figure" mode="block">
    <xsl:variable name="caption" select="if (tei:head) then tei:head else tei:p | tei:ab"/>
    <xsl:variable name="marks" select="tei:note[$tk:notes intersect .]"/>
    <xsl:variable name="credit" select="tei:* except ($caption | $marks | tei:figDesc | tei:graphic | tei:figure
                                        | tei:binaryObject | tei:media)"/>
    <xsl:sequence select="map { 't': 'fig', 'k': tk:key(.),
        'head': tk:trim(for $c in $caption return (tk:inlines($c)?*, ' ')),
        'desc': tk:inlines(tei:figDesc),
        'credit': tk:trim(for $c in $credit return (tk:inlines($c)?*, ' ')),
        'marks': array { $marks ! tk:inline-node(.) },
        'n': string(@n) }, (tei:figure ! tk:blocks(.))?*"/>
  </xsl:template>

  <!-- Registers are typeset as the index; a division holding only registers goes with them. -->
  <xsl:template match="*[tk:is-register(.)]" mode="block" priority="4"/>
  <xsl:template match="tei:div[tei:* and (every $c in tei:* satisfies ($c/self::tei:head or tk:is-register($c)
                       or $c/self::tei:div[every $d in tei:* satisfies ($d/self::tei:head or tk:is-register($d))]))]"
                mode="block" priority="4"/>

  <!-- A division of the back matter that only gathers the notes: they are typeset as the Notes. -->
  <xsl:template match="tei:div[tei:note][every $c in tei:* satisfies ($c/self::tei:head or $c/self::tei:note[$tk:notes intersect .])]"
                mode="block" priority="4"/>

  <xsl:template match="tei:note" mode="block">
    <xsl:if test="not(tk:is-endnote(.)) or not($tk:notes intersect .)">
      <xsl:sequence select="map { 't': 'p', 'style': 'small', 'c': tk:inlines(.) }"/>
    </xsl:if>
  </xsl:template>

  <!-- A source page break with a number: its number in the outer margin (edition.typ). -->
  <!-- Its facsimile image, if any, is named under the number (common/figures.xsl). -->
  <xsl:template match="tei:pb[normalize-space(@n) or tk:pb-facs(.)]" mode="block" priority="2">
    <xsl:sequence select="map { 't': 'pb', 'n': tk:clean(normalize-space(@n)), 'block': true(),
                                'facs': string(tk:pb-facs(.) ! tk:clean(.)) }"/>
  </xsl:template>
  <xsl:template match="tei:pb[normalize-space(@n) or tk:pb-facs(.)]" mode="inline" priority="2">
    <xsl:sequence select="map { 't': 'pb', 'n': tk:clean(normalize-space(@n)), 'facs': string(tk:pb-facs(.) ! tk:clean(.)) }"/>
  </xsl:template>

  <xsl:template match="tei:teiHeader | tei:pb | tei:lb | tei:cb | tei:milestone | tei:fw | tei:graphic
                       | tei:binaryObject | tei:space | tei:anchor | tei:index | tei:media | tei:standOff
                       | tei:facsimile | tei:sourceDoc | tei:linkGrp | tei:link | tei:interpGrp | tei:spanGrp
                       | tei:timeline | tei:join | tei:alt | tei:altGrp" mode="block"/>


  <!-- A text inside a text (group, embedded letter): its parts in order. -->
  <xsl:template match="tei:text | tei:group" mode="block">
    <xsl:sequence select="tk:blocks((tei:front, tei:body, tei:group, tei:text, tei:back)/node())?*"/>
  </xsl:template>

  <xsl:template match="tei:titlePage" mode="block">
    <xsl:sequence select="map { 't': 'sep' }, tk:blocks(node())?*, map { 't': 'sep' }"/>
  </xsl:template>

  <!-- Containers (div, body, front, back, unknown elements): their content in order. -->
  <xsl:template match="*" mode="block">
    <xsl:call-template name="tk:block-sequence">
      <xsl:with-param name="nodes" select="node()"/>
    </xsl:call-template>
  </xsl:template>

  <!-- ===================================================================== -->
  <!-- Inline mode: strings and inline maps. -->
  <xsl:template match="text()" mode="inline">
    <xsl:sequence select="tk:clean(.)"/>
  </xsl:template>

  <xsl:template match="comment() | processing-instruction()" mode="inline block"/>

  <xsl:template match="*[@xml:lang][tk:pdf-lang(@xml:lang)]" mode="inline" priority="10">
    <xsl:variable name="inner" as="item()*">
      <xsl:next-match/>
    </xsl:variable>
    <xsl:sequence select="map { 't': 'lang', 'l': tk:pdf-lang(@xml:lang), 'r': tk:pdf-region(@xml:lang), 'd': tk:direction(@xml:lang),
                                'c': array { tk:merge($inner) } }"/>
  </xsl:template>

  <xsl:function name="tk:wrap" as="map(*)">
    <xsl:param name="type" as="xs:string"/>
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="inner" as="item()*">
      <xsl:apply-templates select="$e/node()" mode="inline"/>
    </xsl:variable>
    <!-- A quotation carries the language of its words: the marks are the discourse's (edition.typ). -->
    <xsl:sequence select="map:merge((map { 't': $type, 'c': array { tk:merge($inner) } },
                                     if ($type = 'q') then map { 'l': tk:pdf-lang(tk:lang($e)) } else ()))"/>
  </xsl:function>

  <xsl:template match="tei:hi | tei:emph | tei:foreign | tei:term | tei:mentioned | tei:title | tei:gloss | tei:seg[@rend]"
                mode="inline">
    <xsl:variable name="rend" select="lower-case(string-join((@rend, @rendition, @style), ' '))"/>
    <xsl:variable name="words" select="tokenize($rend, '[\s;:,()#]+')"/>
    <xsl:sequence select="
        if (matches($rend, 'sup')) then tk:wrap('sup', .)
        else if (matches($rend, 'sub')) then tk:wrap('sub', .)
        else if ((matches($rend, 'bold|strong|font-weight') or $words = 'b')) then tk:wrap('b', .)
        else if ((matches($rend, 'small-?caps') or $words = 'sc')) then tk:wrap('sc', .)
        else if ((matches($rend, 'underline') or $words = 'u')) then tk:wrap('u', .)
        else if (matches($rend, 'strike|line-through')) then tk:wrap('s', .)
        else if (matches($rend, 'roman|normal|upright')) then tk:wrap('n', .)
        else if (self::tei:title[@level = ('a', 'u')] or matches($rend, 'quot')) then tk:wrap('q', .)
        else if ((self::tei:term or self::tei:gloss or self::tei:seg) and not(matches($rend, 'ital|emph') or $words = 'i')) then tk:wrap('n', .)
        else tk:wrap('i', .)"/>
  </xsl:template>

  <xsl:template match="tei:q | tei:said | tei:quote | tei:soCalled" mode="inline">
    <xsl:sequence select="tk:wrap('q', .)"/>
  </xsl:template>

  <xsl:template match="*[tk:is-pull-quote(.)]" mode="inline" priority="3">
    <xsl:sequence select="map { 't': 'blk', 'c': array { tk:pull(.) } }"/>
  </xsl:template>


  <xsl:template match="tei:note" mode="inline">
    <xsl:choose>
      <xsl:when test="not($tk:notes intersect .)">
        <xsl:sequence select="' (', tk:inlines(.)?*, ')'"/>
      </xsl:when>
      <xsl:when test="tk:is-endnote(.)">
        <xsl:sequence select="map { 't': 'nref', 'n': tk:note-number(.), 'k': tk:key(.) }"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="map { 't': 'fn', 'n': tk:note-number(.), 'c': tk:note-content(.) }"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>



  <xsl:template match="tei:pb | tei:cb | tei:milestone | tei:fw | tei:graphic | tei:anchor | tei:index
                       | tei:binaryObject | tei:media | tei:figDesc[parent::tei:figure]" mode="inline"/>


  <xsl:template match="tei:space" mode="inline">
    <xsl:sequence select="' '"/>
  </xsl:template>

  <!-- Links: to notes (a numbered reference), inside the document, or out of it. -->
  <xsl:template match="tei:ref[@target] | tei:ptr[@target]" mode="inline">
    <xsl:variable name="target" select="normalize-space(tokenize(normalize-space(@target), ' ')[1])"/>
    <xsl:variable name="local" select="tk:target(., $target)[1]"/>
    <xsl:variable name="label" as="array(*)" select="if (self::tei:ptr or not(normalize-space(.)))
        then array { if ($local/self::tei:note) then () else tk:clean($target) } else tk:inlines(.)"/>
    <xsl:sequence select="
        if ($local/self::tei:note and ($tk:notes intersect $local) and tk:is-endnote($local))
          then ((if (matches(normalize-space(.), '^[\[(]?[0-9*†‡§a-z]{0,4}[\])]?$')) then () else $label?*), map { 't': 'ilink', 'to': 'n-', 'k': tk:key($local), 'c': array { map { 't': 'sup', 'c': array { tk:note-number($local) } } } })
        else if ($local intersect $tk:entries) then map { 't': 'ilink', 'to': 'e-', 'k': tk:key($local), 'c': $label }
        else if (matches($target, '^(https?|ftp|mailto):[^\s]+$', 'i')) then map { 't': 'link', 'url': $target, 'c': $label }
        else if (matches($target, '^doi:', 'i')) then map { 't': 'link', 'url': 'https://doi.org/' || substring($target, 5), 'c': $label }
        else $label?*"/>
  </xsl:template>

  <!-- Named entities: the text, and a mark for each register entry it points to, so that the
       index can give the page of every occurrence. -->
  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:name | tei:rs | tei:geogName
                       | tei:date | tei:term[@ref] | tei:title[@ref] | tei:eventName" mode="inline" priority="2">
    <xsl:variable name="targets" select="if (@ref) then tk:entity-targets(.) else ()"/>
    <xsl:variable name="inner" as="item()*">
      <xsl:next-match/>
    </xsl:variable>
    <xsl:sequence select="if (exists($targets) and not(ancestor::*[@ref][tk:entity-targets(.) intersect $targets]))
        then map { 't': 'ent', 'kind': string(tk:register-kind($targets[1])), 'ks': array { $targets ! tk:key(.) },
                   'c': array { tk:merge($inner) } }
        else $inner"/>
  </xsl:template>

  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:name | tei:rs | tei:geogName
                       | tei:date | tei:eventName" mode="inline">
    <xsl:apply-templates mode="inline"/>
  </xsl:template>

  <!-- Block material inside a paragraph (a list or verse in a p, a quotation of paragraphs). -->
  <xsl:template match="tei:list | tei:table | tei:lg | tei:figure | tei:sp | tei:quote[tei:p | tei:lg | tei:l]
                       | tei:floatingText | tei:listBibl | tei:castList | tei:p | tei:ab | tei:l | tei:stage[tei:p]"
                mode="inline" priority="1">
    <xsl:variable name="b" as="map(*)*">
      <xsl:apply-templates select="." mode="block"/>
    </xsl:variable>
    <xsl:sequence select="map { 't': 'blk', 'c': array { $b } }"/>
  </xsl:template>

  <xsl:template match="tei:bibl/tei:title | tei:biblStruct//tei:title" mode="inline" priority="1">
    <xsl:sequence select="if (@level = ('a', 'u')) then tk:wrap('q', .) else if (@level = ('s')) then tk:wrap('n', .)
                          else tk:wrap('i', .)"/>
  </xsl:template>

  <xsl:template match="tei:biblStruct//*[following-sibling::*] | tei:biblFull//*[following-sibling::*]" mode="inline">
    <xsl:next-match/>
    <xsl:sequence select="' '"/>
  </xsl:template>

  <xsl:template match="*" mode="inline">
    <xsl:apply-templates mode="inline"/>
  </xsl:template>

</xsl:stylesheet>
