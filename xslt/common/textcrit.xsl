<?xml version="1.0" encoding="UTF-8"?>
<!--
  common/textcrit.xsl: the TEI textcrit module: critical apparatus (app, lem, rdg, rdgGrp)
  and witnesses (listWit, witness).
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <!-- The critical apparatus. What the reading text shows of an app is decided here, once:
       its lemma (lem, also inside rdgGrp); without a lemma, the reading typed as the base text
       or the editor's (rdg[@type = 'base', 'lemma', 'correction', 'emendation', 'conjecture']);
       else the first reading in document order that is not an addition (a reading typed
       'addition' is what some witness adds to a text that has nothing there); else nothing.
       Every other reading goes to the apparatus, never into the text. An app inside listApp
       or a note is an apparatus entry where it stands, not part of the text. -->
  <xsl:function name="tk:app-lemma" as="element()?">
    <xsl:param name="app" as="element(tei:app)"/>
    <xsl:variable name="readings" select="$app/(tei:rdg | tei:rdgGrp/tei:rdg | tei:rdgGrp/tei:rdgGrp/tei:rdg)"/>
    <xsl:sequence select="($app/tei:lem, $app/tei:rdgGrp/tei:lem,
                           $readings[@type = ('base', 'lemma', 'correction', 'emendation', 'conjecture')],
                           $readings[not(tokenize(lower-case(@type)) = ('addition', 'add', 'plus'))])[1]"/>
  </xsl:function>

  <!-- The variant readings of an app: every reading but the one the text shows. -->
  <xsl:function name="tk:app-variants" as="element()*">
    <xsl:param name="app" as="element(tei:app)"/>
    <xsl:sequence select="$app/(tei:lem | tei:rdg | tei:rdgGrp/tei:lem | tei:rdgGrp/tei:rdg
                                | tei:rdgGrp/tei:rdgGrp/tei:rdg) except tk:app-lemma($app)"/>
  </xsl:function>

  <!-- Is this app in the reading text (as opposed to a stand-off list of apparatus entries)? -->
  <xsl:function name="tk:app-in-text" as="xs:boolean">
    <xsl:param name="app" as="element(tei:app)"/>
    <xsl:sequence select="exists($app/ancestor::tei:text) and empty($app/ancestor::tei:listApp)
                          and empty($app/ancestor::tei:note)"/>
  </xsl:function>

  <!-- Apps that get an apparatus entry: those of the reading text whose lemma or a reading has
       words (an app that only marks where witnesses start or end, witStart/witEnd, has none),
       that have a variant or a note to show, and that are not themselves inside a reading the
       text does not show. -->
  <xsl:function name="tk:apparatus" as="element(tei:app)*">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="root($doc)//tei:text//tei:app[tk:app-in-text(.)][tk:is-app-entry(.)]"/>
  </xsl:function>

  <xsl:function name="tk:is-app-entry" as="xs:boolean">
    <xsl:param name="app" as="element(tei:app)"/>
    <xsl:sequence select="(some $r in ($app/(tei:lem | tei:rdg | tei:rdgGrp//tei:lem | tei:rdgGrp//tei:rdg))
                           satisfies (normalize-space($r) or $r/tei:gap))
                          and (exists(tk:app-variants($app)) or exists($app//tei:note))
                          and empty($app/ancestor::*[parent::tei:app][not(. is tk:app-lemma(parent::tei:app))])"/>
  </xsl:function>

  <xsl:variable name="tk:app-ordinals" as="map(xs:string, xs:integer)"
      select="let $apps := tk:apparatus(/)
              return map:merge(for $i in 1 to count($apps) return map:entry(generate-id($apps[$i]), $i))"/>

  <!-- The entry number of an app (1-based, document order), or 0 if it has no entry. -->
  <xsl:function name="tk:app-number" as="xs:integer">
    <xsl:param name="app" as="element(tei:app)"/>
    <xsl:sequence select="($tk:app-ordinals(generate-id($app)), 0)[1]"/>
  </xsl:function>

  <!-- Where an entry is keyed, as printed editions key their apparatus: the verse line
       (l/@n, else its count), else the inscription's line (the last lb/@n before it, in an
       edition division), else the paragraph's number in the text. -->
  <xsl:function name="tk:app-locus" as="xs:string">
    <xsl:param name="app" as="element()"/>
    <xsl:variable name="l" select="$app/ancestor::tei:l[1]"/>
    <xsl:variable name="lb" select="if ($app/ancestor::tei:div[@type = 'edition'] or $app/ancestor::tei:ab)
                                    then $app/preceding::tei:lb[normalize-space(@n)][1] else ()"/>
    <xsl:variable name="p" select="$app/ancestor::*[self::tei:p or self::tei:ab or self::tei:lg or self::tei:head][last()]"/>
    <xsl:sequence select="
        if ($l) then tk:line-number($l)
        else if ($lb) then normalize-space($lb/@n)
        else if ($p) then '¶ ' || ($tk:block-ordinals(generate-id($p)), 1)[1]
        else '¶ 1'"/>
  </xsl:function>

  <!-- Paragraph-level blocks of the text in document order (for apparatus keys). -->
  <xsl:variable name="tk:block-ordinals" as="map(xs:string, xs:integer)"
      select="if (empty(tk:apparatus(/)) and empty(tk:choice-notes(/))) then map{} else
              let $all := //tei:text//(tei:p | tei:ab | tei:lg | tei:head)[empty(ancestor::tei:p | ancestor::tei:ab
                                                                               | ancestor::tei:lg | ancestor::tei:head)]
              return map:merge(for $i in 1 to count($all) return map:entry(generate-id($all[$i]), $i))"/>

  <!-- Sigla of a reading: each witness of @wit by its siglum (witness/abbr[@type='siglum'],
       else @n, else its id), each @source by its id; pointers to other files by their name. -->
  <xsl:function name="tk:sigla" as="xs:string">
    <xsl:param name="rdg" as="element()"/>
    <xsl:sequence select="string-join(
        for $p in tokenize(normalize-space(string-join(($rdg/@wit, $rdg/@source), ' ')), ' ')
        return tk:siglum($rdg, $p), ' ')"/>
  </xsl:function>

  <xsl:function name="tk:siglum" as="xs:string">
    <xsl:param name="context" as="node()"/>
    <xsl:param name="pointer" as="xs:string"/>
    <xsl:variable name="w" select="tk:target($context, $pointer)[1]"/>
    <xsl:sequence select="(normalize-space(($w/tei:abbr[@type = 'siglum'], $w/tei:siglum, $w/tei:abbr)[1]),
                           normalize-space($w/@n),
                           replace(replace($pointer, '^.*#', ''), '^.*/', ''))[.][1]"/>
  </xsl:function>

  <!-- The text of a reading as the apparatus prints it: its words (nested apps by their
       lemma, notes left out, gaps as […], a word broken at a line end joined), or "om." for
       an empty reading. -->
  <xsl:function name="tk:reading-words" as="xs:string">
    <xsl:param name="r" as="element()?"/>
    <xsl:sequence select="normalize-space(string-join(
        $r//(text() | tei:gap)[empty(ancestor::tei:note intersect $r//tei:note)][tk:is-shown(., $r)]
        ! (if (self::tei:gap) then ' ' || tk:gap-text(.) || ' '
           else if (tk:at-joined-break(.)) then tk:text-at-break(.) else string(.))))"/>
  </xsl:function>

  <!-- One apparatus entry as data, the same for every output:
       lemma (its words, or '' when the text has none), readings [{text, sigla, type}],
       the lemma's sigla, and the notes inside the app. -->
  <xsl:function name="tk:app-entry" as="map(*)">
    <xsl:param name="app" as="element(tei:app)"/>
    <xsl:variable name="lem" select="tk:app-lemma($app)"/>
    <xsl:sequence select="map {
        'n': tk:app-number($app),
        'locus': tk:app-locus($app),
        'lemma': tk:reading-words($lem),
        'lemma-sigla': if ($lem) then tk:sigla($lem) else '',
        'readings': array { for $r in tk:app-variants($app) return map {
            'text': tk:reading-words($r), 'sigla': tk:sigla($r), 'type': string($r/@type) } },
        'notes': array { $app/(tei:note | tei:lem/tei:note | tei:rdg/tei:note | tei:rdgGrp/tei:note
                               | tei:rdgGrp/*/tei:note) ! normalize-space(.) }
      }"/>
  </xsl:function>

  <!-- The entry as one line: "lemma] reading Sigla; reading Sigla — note". An empty reading
       is an omission ("om."); with an empty lemma the readings are additions ("add."). -->
  <xsl:function name="tk:app-entry-text" as="xs:string">
    <xsl:param name="app" as="element(tei:app)"/>
    <xsl:variable name="e" select="tk:app-entry($app)"/>
    <xsl:variable name="readings" select="string-join(
        for $r in $e?readings?* return
          normalize-space((if ($r?text) then $r?text else 'om.') || ' ' || $r?sigla), '; ')"/>
    <xsl:sequence select="normalize-space(
        (if ($e?lemma) then $e?lemma || (if ($e?lemma-sigla) then ' ' || $e?lemma-sigla else '') || '] '
         else 'add. ')
        || $readings
        || string-join($e?notes?*[.] ! (' — ' || .)))"/>
  </xsl:function>

  <!-- The witness list of the edition, as [siglum, description] pairs. -->
  <xsl:function name="tk:witnesses" as="element(tei:witness)*">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="root($doc)//tei:listWit//tei:witness[not(ancestor::tei:witness)]"/>
  </xsl:function>

  <xsl:function name="tk:witness-siglum" as="xs:string">
    <xsl:param name="w" as="element(tei:witness)"/>
    <xsl:sequence select="(normalize-space(($w/tei:abbr[@type = 'siglum'], $w/tei:siglum, $w/tei:abbr)[1]),
                           normalize-space($w/@n), string($w/@xml:id), '?')[.][1]"/>
  </xsl:function>

  <!-- What a witness is: its text without the siglum (names, dates, shelfmarks, a nested msDesc). -->
  <xsl:function name="tk:witness-description" as="xs:string">
    <xsl:param name="w" as="element(tei:witness)"/>
    <xsl:variable name="siglum" select="($w/tei:abbr[@type = 'siglum'], $w/tei:siglum)[1]"/>
    <xsl:sequence select="normalize-space(string-join($w//text()[empty(ancestor::* intersect $siglum)], ' '))"/>
  </xsl:function>

</xsl:stylesheet>
