<?xml version="1.0" encoding="UTF-8"?>
<!--
  common/transcription.xsl: the TEI transcription module and Leiden conventions (supplied,
  gap, unclear, del, add, surplus, lb, choice), sourceDoc, surface, zone and line.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <!-- Leiden conventions for the interpretive edition, as the EpiDoc Guidelines give them.
       Every output prints these signs around the element's content, so HTML, PDF and text agree.
         supplied  [lost]  ⟨omitted⟩  (subaudible)  (i.e. explanation)  _[undefined]_
         ex        (expansion)         del  ⟦deleted⟧       add  \above/  /below\
         surplus   {superfluous}       unclear  each letter with an underdot
       cert="low" adds "?" before the closing sign. -->
  <xsl:function name="tk:sign-open" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="if (map:contains($tk:sign-joins, 'o' || generate-id($e))) then '' else tk:leiden-open($e)"/>
  </xsl:function>

  <xsl:function name="tk:sign-close" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="if (map:contains($tk:sign-joins, 'c' || generate-id($e))) then '' else tk:leiden-close($e)"/>
  </xsl:function>

  <!-- Adjacent signs of one kind are one: [ἀκρο][πόλιος] is [ἀκροπόλιος], and so ⟧⟦, }{, )(,
       /\ vanish between two signs with nothing but whitespace and line, page or column breaks
       between them, as Leiden prints a lost stretch that the markup cut in two (an element
       per word, a line break inside the word), lost gaps among them too ([ἱερέος] [- - -] is
       [ἱερέος - - -]). Also a lost stretch holding an expansion,
       [Αὐρ](ηλίου)[ Ἀντ] is [Αὐρ(ηλίου) Ἀντ]. Not merged: signs with cert="low" (the "?"
       belongs to its part), signs of different blocks (two paragraphs, a note and the text),
       or a sign the text does not show (the other side of a choice, a variant reading).
       Found once per document; keys 'c' + id (no closing sign), 'o' + id (no opening one). -->
  <xsl:variable name="tk:sign-joins" as="map(xs:string, xs:boolean)">
    <xsl:variable name="entries" as="map(*)*">
      <xsl:for-each select="//tei:text//*[self::tei:supplied or self::tei:ex or self::tei:del or self::tei:add or self::tei:surplus
                                          or self::tei:gap[@reason = 'lost']][not(@cert = 'low')]">
        <xsl:variable name="a" select="."/>
        <xsl:variable name="b" select="tk:next-printed($a, tk:leiden-open($a) = '[')"/>
        <xsl:if test="exists($b) and not($b/@cert = 'low') and tk:leiden-open($b) = tk:leiden-open($a)
                      and tk:leiden-close($b) = tk:leiden-close($a) and tk:leiden-open($a) != ''
                      and tk:sign-block($a) is tk:sign-block($b)
                      and tk:is-shown($a, $a/ancestor::tei:text[last()]) and tk:is-shown($b, $b/ancestor::tei:text[last()])">
          <xsl:sequence select="map:entry('c' || generate-id($a), true()), map:entry('o' || generate-id($b), true())"/>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:sequence select="map:merge($entries)"/>
  </xsl:variable>

  <!-- The first thing printed after a node: text that is not whitespace or an element that is
       not a mere wrapper of text (lb, pb, cb, w, names, hi, expan, abbr, choice's shown side,
       unclear…); a running head (fw) is not reading text. In a lost stretch ($across-ex) an
       expansion is part of the stretch: looked past. -->
  <xsl:function name="tk:next-printed" as="element()?">
    <xsl:param name="n" as="node()"/>
    <xsl:param name="across-ex" as="xs:boolean"/>
    <xsl:variable name="next" select="($n/following::node()[not(ancestor-or-self::tei:fw)]
        [if (. instance of text()) then normalize-space(.) != ''
        else not(self::tei:lb or self::tei:pb or self::tei:cb or self::tei:w or self::tei:name or self::tei:persName
                 or self::tei:placeName or self::tei:orgName or self::tei:geogName or self::tei:roleName or self::tei:rs
                 or self::tei:hi or self::tei:expan or self::tei:abbr or self::tei:num or self::tei:foreign or self::tei:seg
                 or self::tei:choice or self::tei:reg or self::tei:corr or self::tei:lem or self::tei:app
                 or self::tei:unclear or self::tei:date or self::tei:term or self::comment() or self::processing-instruction())])[1]"/>
    <xsl:sequence select="if ($across-ex and exists($next/self::tei:ex[not(@cert = 'low')])) then tk:next-printed($next, true())
                          else $next[self::*]"/>
  </xsl:function>

  <xsl:function name="tk:sign-block" as="element()?">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="$e/ancestor::*[self::tei:p or self::tei:ab or self::tei:l or self::tei:lg or self::tei:head
        or self::tei:note or self::tei:item or self::tei:cell or self::tei:div or self::tei:fw or self::tei:figure
        or self::tei:label or self::tei:quote or self::tei:text][1]"/>
  </xsl:function>

  <!-- The signs themselves (a lost gap's are the brackets of its sign, [. . .], [- - -]). -->
  <xsl:function name="tk:leiden-open" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="if ($e/self::tei:gap) then (if ($e/@reason = 'lost' and starts-with(tk:gap-text($e), '[')
                                                         and ends-with(tk:gap-text($e), ']')) then '[' else '') else
        if ($e/self::tei:supplied) then
          (if ($e/@reason = 'omitted') then '⟨' else if ($e/@reason = 'subaudible') then '('
           else if ($e/@reason = 'explanation') then '(i.e. ' else if ($e/@reason = 'undefined') then '_[' else '[')
        else if ($e/self::tei:ex) then '('
        else if ($e/self::tei:del) then '⟦'
        else if ($e/self::tei:add) then (if ($e/@place = 'below') then '/' else '\')
        else if ($e/self::tei:surplus) then '{'
        else ''"/>
  </xsl:function>

  <xsl:function name="tk:leiden-close" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="q" select="if ($e/@cert = 'low') then '?' else ''"/>
    <xsl:sequence select="if ($e/self::tei:gap) then (if (tk:leiden-open($e) = '[') then ']' else '') else $q || (
        if ($e/self::tei:supplied) then
          (if ($e/@reason = 'omitted') then '⟩' else if ($e/@reason = ('subaudible', 'explanation')) then ')'
           else if ($e/@reason = 'undefined') then ']_' else ']')
        else if ($e/self::tei:ex) then ')'
        else if ($e/self::tei:del) then '⟧'
        else if ($e/self::tei:add) then (if ($e/@place = 'below') then '\' else '/')
        else if ($e/self::tei:surplus) then '}'
        else '')"/>
  </xsl:function>

  <!-- A gap as Leiden prints it: lost letters [. . .] (one dot each, up to 10; more, or an
       approximate count, as [ca. N]); lost of unknown extent [- - -]; lost lines
       - - - - - - ; illegible letters without brackets; an ellipsis (an omission of the
       editor's) as …; a gap that says nothing of its extent […]. -->
  <xsl:function name="tk:gap-sign" as="xs:string">
    <xsl:param name="gap" as="element()"/>
    <xsl:variable name="s" select="tk:gap-text($gap)"/>
    <xsl:variable name="s" select="if (map:contains($tk:sign-joins, 'o' || generate-id($gap))) then substring($s, 2) else $s"/>
    <xsl:sequence select="if (map:contains($tk:sign-joins, 'c' || generate-id($gap)))
                          then substring($s, 1, string-length($s) - 1) else $s"/>
  </xsl:function>

  <xsl:function name="tk:gap-text" as="xs:string">
    <xsl:param name="gap" as="element()"/>
    <xsl:variable name="unit" select="lower-case(string($gap/@unit))"/>
    <xsl:variable name="n" select="($gap/@quantity, $gap/@extent)[. castable as xs:integer][1] ! xs:integer(.)"/>
    <xsl:variable name="range" select="if ($gap/@atLeast and $gap/@atMost) then $gap/@atLeast || '–' || $gap/@atMost else ()"/>
    <xsl:variable name="lost" select="not($gap/@reason = 'illegible')"/>
    <xsl:variable name="inner" select="
        if ($unit = 'line') then
          (if (exists($n)) then $n || (if ($n = 1) then ' line' else ' lines') else '- - - - - -')
        else if (exists($range)) then 'ca. ' || $range
        else if (exists($n) and ($gap/@precision = 'low' or $n gt 10)) then 'ca. ' || $n
        else if (exists($n)) then string-join((1 to $n) ! '.', ' ')
        else if ($gap/@extent = 'unknown' or $gap/@reason = ('lost', 'illegible')) then '- - -'
        else '…'"/>
    <xsl:sequence select="
        if ($gap/@reason = 'ellipsis') then '…'
        else if ($unit = 'line' and empty($n)) then $inner
        else if ($inner = '…') then '[…]'
        else if ($lost) then '[' || $inner || ']'
        else $inner"/>
  </xsl:function>

  <!-- Letters read with doubt: each gets a combining underdot (U+0323). -->
  <xsl:function name="tk:underdot" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:sequence select="replace($s, '([^\s\p{M}\p{P}]\p{M}*)', '$1&#x323;')"/>
  </xsl:function>

  <!-- Words broken at a line end are joined in the reading text. A run of breaks (lb, pb, cb,
       fw, and the whitespace between them) joins the text on either side when one of its line
       breaks says break="no", or when the text before it ends in a DTA-style line-end hyphen:
       "¬" or "⸗" always, "-" when a letter precedes it and the next line starts with a
       lower-case letter ("ent-<lb/>schlossen", not "Nord-<lb/>Amerika"). The hyphen and the
       whitespace of the run are dropped. -->
  <xsl:function name="tk:is-break-node" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="if ($n instance of text()) then normalize-space($n) = ''
                          else exists($n[self::tei:lb or self::tei:pb or self::tei:cb or self::tei:fw])"/>
  </xsl:function>

  <!-- How each run of breaks joins its neighbours, found once for the whole document in one
       forward pass. Keys: 'r' + id of a node of the run, 'e' + id of the content before it,
       's' + id of the content after it, 't' + id of each of those that is a text node;
       values: 'drop' (the words are joined, a line-end hyphen dropped) or 'keep' (a hyphen
       that belongs to the word, "Tschetyre-<lb/>Bugri": kept, no space). A run that
       separates words has no entry. -->
  <xsl:variable name="tk:break-joins" as="map(xs:string, xs:string)">
    <xsl:variable name="entries" as="map(*)*">
      <!-- Only two kinds of run can join: one after a text ending in a hyphen, one holding a
           break="no"; the others (nearly all line ends of a print) are never looked at. -->
      <!-- (A sequence, not a union: a union sorts thousands of nodes into document order; a
           node in both lists gets the same entries twice, which map:merge keeps once.) -->
      <xsl:for-each select="//text()[following-sibling::node()[1][tk:is-break-node(.)]]
                               [let $n := normalize-space(.) return substring($n, string-length($n)) = ('-', '¬', '⸗')],
                            //*[@break = 'no'][self::tei:lb or self::tei:pb or self::tei:cb] ! tk:content-before(.)">
        <xsl:variable name="run" select="tk:run-after(.)"/>
        <xsl:variable name="after" select="$run[last()]/following-sibling::node()[1]"/>
        <xsl:variable name="join" select="if (empty($after)) then ''
            else tk:join-of(., $run[self::tei:lb or self::tei:pb or self::tei:cb][last()], $after)"/>
        <xsl:if test="$join != ''">
          <xsl:sequence select="map:entry('e' || generate-id(.), $join), map:entry('s' || generate-id($after), $join),
                                $run ! map:entry('r' || generate-id(.), $join),
                                (., $after, $run)[. instance of text()] ! map:entry('t' || generate-id(.), $join)"/>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:sequence select="map:merge($entries, map { 'duplicates': 'use-first' })"/>
  </xsl:variable>

  <!-- The nearest sibling before a node that is not part of a run of breaks. -->
  <xsl:function name="tk:content-before" as="node()?">
    <xsl:param name="n" as="node()"/>
    <xsl:variable name="p" select="$n/preceding-sibling::node()[1]"/>
    <xsl:sequence select="if (empty($p)) then () else if (tk:is-break-node($p)) then tk:content-before($p) else $p"/>
  </xsl:function>

  <xsl:function name="tk:run-after" as="node()*">
    <xsl:param name="n" as="node()"/>
    <xsl:variable name="f" select="$n/following-sibling::node()[1]"/>
    <xsl:sequence select="if ($f and tk:is-break-node($f)) then ($f, tk:run-after($f)) else ()"/>
  </xsl:function>

  <!-- (Saxon's regular expressions are slow with \p{..} classes over long strings, so the
       tests below look at single characters of the whitespace-normalised text.) -->
  <xsl:function name="tk:join-of" as="xs:string">
    <xsl:param name="before" as="node()"/>
    <xsl:param name="last" as="element()?"/>
    <xsl:param name="after" as="node()"/>
    <xsl:variable name="b" select="if ($before instance of text()) then normalize-space($before) else ''"/>
    <xsl:variable name="end" select="substring($b, string-length($b), 1)"/>
    <xsl:sequence select="
        if (empty($last) or $last/@break = 'yes') then ''
        else if ($last/@break = 'no' or $end = ('¬', '⸗')) then 'drop'
        else if ($end = '-' and matches(substring($b, string-length($b) - 1, 1), '\p{L}')) then
          (if ($after instance of text() and matches(substring(normalize-space($after), 1, 1), '\p{Ll}')) then 'drop' else 'keep')
        else ''"/>
  </xsl:function>

  <xsl:function name="tk:break-join" as="xs:string">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="($tk:break-joins('r' || generate-id($n)), '')[1]"/>
  </xsl:function>

  <xsl:function name="tk:joined-run" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="map:contains($tk:break-joins, 'r' || generate-id($n))"/>
  </xsl:function>

  <!-- The reading text of a text node beside a break (see tk:break-joins): at a joined end the
       trailing whitespace goes (and a line-end hyphen, for 'drop'), at a joined start the
       leading whitespace; whitespace inside is collapsed, as every output prints it. -->
  <xsl:function name="tk:text-at-break" as="xs:string">
    <xsl:param name="t" as="text()"/>
    <xsl:variable name="id" select="generate-id($t)"/>
    <xsl:variable name="s" select="string($t)"/>
    <xsl:variable name="join" select="($tk:break-joins('e' || $id), '')[1]"/>
    <xsl:variable name="start" select="map:contains($tk:break-joins, 's' || $id)"/>
    <xsl:choose>
      <xsl:when test="map:contains($tk:break-joins, 'r' || $id)"><xsl:sequence select="''"/></xsl:when>
      <xsl:when test="$join = '' and not($start)"><xsl:sequence select="$s"/></xsl:when>
      <xsl:otherwise>
        <xsl:variable name="n" select="normalize-space($s)"/>
        <xsl:variable name="lead" select="if (not($start) and normalize-space(substring($s, 1, 1)) = '' and $n != '') then ' ' else ''"/>
        <xsl:variable name="trail" select="if ($join = '' and normalize-space(substring($s, string-length($s))) = '' and $n != '') then ' ' else ''"/>
        <xsl:variable name="core" select="if ($join = 'drop' and substring($n, string-length($n), 1) = ('-', '¬', '⸗'))
                                          then substring($n, 1, string-length($n) - 1) else $n"/>
        <xsl:sequence select="$lead || $core || $trail"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- Is a text node beside a joined run of breaks (before it, inside it or after it), so that
       tk:text-at-break has something to change? One look-up: the output stylesheets' text
       templates ask it of every text node, and most are beside no joined break. -->
  <xsl:function name="tk:at-joined-break" as="xs:boolean">
    <xsl:param name="t" as="node()"/>
    <xsl:sequence select="map:contains($tk:break-joins, 't' || generate-id($t))"/>
  </xsl:function>

  <!-- Is a line break one of a transcription whose lines are numbered (an EpiDoc edition, a
       diplomatic transcription): there it starts a new line, with its number every 5th. -->
  <xsl:function name="tk:is-numbered-lb" as="xs:boolean">
    <xsl:param name="lb" as="element()"/>
    <xsl:sequence select="exists($lb/self::tei:lb[normalize-space(@n)])
                          and exists($lb/ancestor::tei:div[@type = 'edition'])"/>
  </xsl:function>

  <!-- Does a numbered line break start a new line? Every one does but the first of its block
       (nothing of the block's text before it), also one nested in lem, reg, supplied or a
       word, and also one with break="no": the word broken there is joined (no space), and
       the next line still starts, with its number, as EpiDoc prints it. -->
  <xsl:function name="tk:lb-starts-line" as="xs:boolean">
    <xsl:param name="lb" as="element()"/>
    <xsl:variable name="block" select="$lb/ancestor::*[self::tei:ab or self::tei:p or self::tei:l or self::tei:lg
        or self::tei:head or self::tei:item or self::tei:cell or self::tei:div or self::tei:note][1]"/>
    <xsl:sequence select="tk:is-numbered-lb($lb)
        and exists(($lb/ancestor-or-self::* except $block/ancestor-or-self::*)
                   /preceding-sibling::node()[self::* or normalize-space()])"/>
  </xsl:function>

  <!-- The sign at the end of a line whose word goes on in the next (lb break="no"): a hyphen,
       as the EpiDoc reference stylesheets print the interpretive edition; none in a
       diplomatic edition. (HTML draws it with CSS, so the page's text keeps the word whole.) -->
  <xsl:function name="tk:lb-hyphen" as="xs:string">
    <xsl:param name="lb" as="element()"/>
    <xsl:variable name="block" select="$lb/ancestor::*[self::tei:ab or self::tei:p or self::tei:l or self::tei:lg
        or self::tei:head or self::tei:item or self::tei:cell or self::tei:div or self::tei:note][1]"/>
    <xsl:sequence select="if ($lb/@break = 'no' and tk:lb-starts-line($lb)
                              and empty($lb/ancestor::tei:div[@type = 'edition'][@subtype = 'diplomatic'])
                              and exists($lb/preceding::text()[normalize-space()][1][. >> $block]))
                          then '-' else ''"/>
  </xsl:function>

  <xsl:function name="tk:lb-number-shown" as="xs:string?">
    <xsl:param name="lb" as="element()"/>
    <xsl:variable name="n" select="normalize-space($lb/@n)"/>
    <xsl:sequence select="if (matches($n, '^\d+$') and xs:integer($n) mod 5 = 0 and xs:integer($n) gt 0) then $n else ()"/>
  </xsl:function>

  <!-- subst: the text shows what was written last (the add), the deletion stays available
       (a tooltip in HTML). choice: the corrected, regularised or expanded reading. -->
  <xsl:function name="tk:subst-shown" as="element()*">
    <xsl:param name="subst" as="element()"/>
    <xsl:sequence select="($subst/tei:add, $subst/*[not(self::tei:del)])[1]/(., following-sibling::tei:add)"/>
  </xsl:function>

  <xsl:function name="tk:choice-shown" as="element()?">
    <xsl:param name="choice" as="element()"/>
    <xsl:sequence select="($choice/tei:corr, $choice/tei:reg, $choice/tei:expan, $choice/tei:seg, $choice/*)[1]"/>
  </xsl:function>

  <!-- How the alternative of a choice is named to readers. -->
  <xsl:function name="tk:choice-other" as="xs:string?">
    <xsl:param name="choice" as="element()"/>
    <xsl:variable name="other" select="($choice/* except tk:choice-shown($choice))[1]"/>
    <xsl:sequence select="if (empty($other)) then ()
        else (if ($other/self::tei:sic) then 'sic: ' else if ($other/self::tei:orig) then 'original: '
              else if ($other/self::tei:abbr) then 'abbreviated: ' else '') || normalize-space($other)"/>
  </xsl:function>

  <!-- The choices whose other side the PDF and the text give as an apparatus note (HTML: a
       tooltip): those of the reading text (not in a note, not in a reading or side the text
       does not show) whose sides differ. Their note: "shown] other (sic)", "(orig.)", "(abbr.)",
       keyed like an apparatus entry (tk:app-locus). -->
  <xsl:function name="tk:choice-notes" as="element(tei:choice)*">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="root($doc)//tei:text//tei:choice[empty(ancestor::tei:note | ancestor::tei:choice)]
        [let $o := (* except tk:choice-shown(.))[1]
         return exists($o) and normalize-space($o) != normalize-space(tk:choice-shown(.))]
        [tk:is-shown(., ancestor::tei:text[last()])]"/>
  </xsl:function>

  <xsl:function name="tk:choice-note-text" as="xs:string">
    <xsl:param name="choice" as="element(tei:choice)"/>
    <xsl:variable name="other" select="($choice/* except tk:choice-shown($choice))[1]"/>
    <xsl:variable name="kind" select="if ($other/self::tei:sic) then 'sic' else if ($other/self::tei:orig) then 'orig.'
        else if ($other/self::tei:abbr) then 'abbr.' else if ($other/self::tei:corr) then 'corr.'
        else if ($other/self::tei:reg) then 'reg.' else if ($other/self::tei:expan) then 'expan.' else ''"/>
    <xsl:sequence select="normalize-space(tk:reading-words(tk:choice-shown($choice)) || '] '
        || (tk:reading-words($other)[.], 'om.')[1] || ($kind[.] ! (' (' || . || ')')))"/>
  </xsl:function>

  <!-- The label of an EpiDoc division without a head: "Edition (interpretive)", "Translation",
       a text part by its @n ("Face A"). Empty for every other division. -->
  <xsl:function name="tk:div-label" as="xs:string?">
    <xsl:param name="div" as="element()"/>
    <xsl:variable name="type" select="lower-case(normalize-space($div/@type))"/>
    <xsl:sequence select="
        if ($div/tei:head) then ()
        else if ($type = 'edition') then
          'Edition' || ($div/@subtype[normalize-space()] ! (' (' || normalize-space(.) || ')'))
        else if ($type = 'textpart') then
          normalize-space(string-join(($div/@subtype ! (upper-case(substring(., 1, 1)) || substring(., 2)),
                                       $div/@n), ' '))[.]
        else if ($type = ('translation', 'commentary', 'apparatus', 'bibliography')
                 and $div/ancestor::tei:body and not($div/ancestor::tei:div[@type = $type]))
          then upper-case(substring($type, 1, 1)) || substring($type, 2)
             || ($div/@xml:lang[normalize-space()] ! (' (' || normalize-space(.) || ')'))
        else ()"/>
  </xsl:function>

  <!-- Is a node of $within part of the reading text: not the unshown side of a choice, not the
       deletion of a subst, not a variant reading of an app (all decided by the functions above
       and tk:app-lemma). -->
  <xsl:function name="tk:is-shown" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:param name="within" as="element()"/>
    <xsl:sequence select="empty(($n/ancestor::* intersect $within/descendant::*)
        [(parent::tei:choice and not(. is tk:choice-shown(parent::tei:choice)))
         or (self::tei:del and parent::tei:subst)
         or (parent::tei:app and not(. is tk:app-lemma(parent::tei:app)))
         or (parent::tei:rdgGrp and not(. is tk:app-lemma(ancestor::tei:app[1])))])"/>
  </xsl:function>

</xsl:stylesheet>
