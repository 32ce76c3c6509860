<?xml version="1.0" encoding="UTF-8"?>
<!--
  common/core.xsl: the TEI core module and the header: pointers and identifiers,
  notes and their numbers, language, quotations, the document's title and authors.
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
       belongs to a figure itself (a photo credit, printed with the caption), nor one inside
       a critical apparatus entry (app: it is printed with that entry, common/textcrit.xsl).
       Numbering is by document order unless @n is given. -->
  <xsl:function name="tk:numbered-notes" as="element(tei:note)*">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="root($doc)//tei:text//tei:note[tk:is-numbered-note(.)]"/>
  </xsl:function>

  <xsl:function name="tk:is-numbered-note" as="xs:boolean">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="exists($note/ancestor::tei:text) and empty($note/ancestor::tei:note)
                          and not($note/@place = ('margin', 'inline'))
                          and empty($note/parent::tei:figure)
                          and empty($note/ancestor::tei:app)"/>
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

  <!-- Pull quotes repeat a sentence of the text for the eye: typography, not text. -->
  <xsl:function name="tk:is-pull-quote" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/(self::tei:quote | self::tei:floatingText | self::tei:q | self::tei:cit
                                     | self::tei:seg | self::tei:ab | self::tei:p | self::tei:figure))
                          and (some $t in tokenize(lower-case(string-join(($e/@type, $e/@rend, $e/@subtype), ' ')), '\s+')
                               satisfies $t = ('pullquote', 'pull-quote', 'pull_quote'))"/>
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

  <!-- The document title: the main title of the titleStmt (@type="main"), else the title of the
       document itself (@level="a": a letter, an article, a poem in its series), else an untyped
       title that is not a series' or journal's, else any title. A series title (@level="s")
       is never the title of a letter edition's page. -->
  <xsl:function name="tk:title" as="xs:string">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="titles" select="root($doc)/*/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title"/>
    <xsl:sequence select="normalize-space(string(($titles[@type = 'main'], $titles[@level = 'a'],
                                                             $titles[not(@type)][not(@level = ('s', 'j'))],
                                                             $titles[not(@type)], $titles)[1]))"/>
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

  <!-- Normalised text: whitespace collapsed, as all outputs print running text. -->
  <xsl:function name="tk:norm" as="xs:string">
    <xsl:param name="s" as="xs:string?"/>
    <xsl:sequence select="normalize-space($s)"/>
  </xsl:function>

  <!-- Writing direction of a language tag: 'rtl' for right-to-left languages (Arabic, Hebrew,
       Syriac, Persian, Urdu, Yiddish, ...) unless a left-to-right script subtag says otherwise
       (syr-Latn), 'rtl' for a right-to-left script subtag (Arab, Hebr, Syrc, Thaa, ...),
       'auto' where the language is unknown (und, mul, a malformed tag), else 'ltr'. -->
  <xsl:function name="tk:direction" as="xs:string">
    <xsl:param name="tag" as="xs:string?"/>
    <xsl:variable name="parts" select="tokenize(lower-case(tk:bcp47($tag)), '[-_]')"/>
    <xsl:variable name="script" select="$parts[position() gt 1][string-length(.) = 4][matches(., '^[a-z]{4}$')][1]"/>
    <xsl:sequence select="
        if (empty($parts) or not(matches(normalize-space($tag), '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$'))
            or $parts[1] = ('und', 'mul', 'zxx', 'mis')) then 'auto'
        else if ($script = ('arab', 'hebr', 'syrc', 'syre', 'syrj', 'syrn', 'thaa', 'nkoo', 'samr', 'mand',
                            'mend', 'adlm', 'rohg', 'yezi', 'armi', 'phnx', 'sogd', 'sogo', 'avst', 'hung')) then 'rtl'
        else if (exists($script)) then 'ltr'
        else if ($parts[1] = ('ar', 'he', 'iw', 'fa', 'ur', 'yi', 'ps', 'sd', 'ug', 'dv', 'ckb', 'syr', 'syc',
                              'arc', 'sam', 'jrb', 'jpr', 'lad', 'ota', 'prs', 'pes', 'arz', 'apc', 'ary', 'acm',
                              'hbo', 'phn', 'nqo', 'mid', 'ks', 'bal', 'glk',
                              'mzn', 'lrc', 'bqi', 'sdh', 'pnb', 'skr', 'khw', 'chg')) then 'rtl'
        else 'ltr'"/>
  </xsl:function>

  <!-- A language tag as BCP 47 wants it: a three-letter ISO 639-2/3 code that has a two-letter
       one is written with that ("deu" is "de", "eng" is "en"); other subtags unchanged. -->
  <xsl:variable name="tk:iso639-1" as="map(xs:string, xs:string)" select="map {
      'eng': 'en', 'deu': 'de', 'ger': 'de', 'fra': 'fr', 'fre': 'fr', 'ita': 'it', 'spa': 'es', 'por': 'pt',
      'nld': 'nl', 'dut': 'nl', 'lat': 'la', 'ell': 'el', 'gre': 'el', 'rus': 'ru', 'ukr': 'uk', 'pol': 'pl',
      'ces': 'cs', 'cze': 'cs', 'slk': 'sk', 'slo': 'sk', 'hun': 'hu', 'ron': 'ro', 'rum': 'ro', 'bul': 'bg',
      'srp': 'sr', 'hrv': 'hr', 'slv': 'sl', 'swe': 'sv', 'dan': 'da', 'nor': 'no', 'fin': 'fi', 'isl': 'is',
      'ice': 'is', 'gle': 'ga', 'cym': 'cy', 'wel': 'cy', 'tur': 'tr', 'aze': 'az', 'ara': 'ar', 'heb': 'he',
      'fas': 'fa', 'per': 'fa', 'urd': 'ur', 'hin': 'hi', 'san': 'sa', 'ben': 'bn', 'tam': 'ta', 'tel': 'te',
      'kan': 'kn', 'mal': 'ml', 'bod': 'bo', 'tib': 'bo', 'zho': 'zh', 'chi': 'zh', 'jpn': 'ja', 'kor': 'ko',
      'vie': 'vi', 'tha': 'th', 'ind': 'id', 'msa': 'ms', 'may': 'ms', 'jav': 'jv', 'sun': 'su', 'khm': 'km',
      'hye': 'hy', 'arm': 'hy', 'kat': 'ka', 'geo': 'ka', 'amh': 'am', 'tir': 'ti', 'yid': 'yi', 'cat': 'ca',
      'eus': 'eu', 'baq': 'eu', 'glg': 'gl', 'est': 'et', 'lav': 'lv', 'lit': 'lt', 'bel': 'be', 'mkd': 'mk',
      'mac': 'mk', 'sqi': 'sq', 'alb': 'sq', 'pus': 'ps', 'kur': 'ku', 'uig': 'ug', 'mon': 'mn', 'nep': 'ne',
      'mar': 'mr', 'guj': 'gu', 'pan': 'pa', 'ori': 'or', 'sin': 'si', 'mya': 'my', 'bur': 'my', 'lao': 'lo',
      'swa': 'sw', 'afr': 'af', 'epo': 'eo', 'ltz': 'lb', 'fry': 'fy', 'gla': 'gd', 'bre': 'br', 'cor': 'kw',
      'oci': 'oc', 'roh': 'rm', 'div': 'dv', 'snd': 'sd', 'kas': 'ks', 'pli': 'pi', 'ave': 'ae', 'chu': 'cu'}"/>

  <xsl:function name="tk:bcp47" as="xs:string">
    <xsl:param name="tag" as="xs:string?"/>
    <xsl:variable name="parts" select="tokenize(normalize-space($tag), '-')"/>
    <xsl:variable name="short" select="$tk:iso639-1(lower-case($parts[1]))"/>
    <xsl:sequence select="if (exists($short)) then string-join(($short, subsequence($parts, 2)), '-')
                          else normalize-space($tag)"/>
  </xsl:function>

</xsl:stylesheet>
