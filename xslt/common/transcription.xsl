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
    <xsl:sequence select="
        if ($e/self::tei:supplied) then
          (if ($e/@reason = 'omitted') then '⟨' else if ($e/@reason = 'subaudible') then '('
           else if ($e/@reason = 'explanation') then '(i.e. ' else if ($e/@reason = 'undefined') then '_[' else '[')
        else if ($e/self::tei:ex) then '('
        else if ($e/self::tei:del) then '⟦'
        else if ($e/self::tei:add) then (if ($e/@place = 'below') then '/' else '\')
        else if ($e/self::tei:surplus) then '{'
        else ''"/>
  </xsl:function>

  <xsl:function name="tk:sign-close" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="q" select="if ($e/@cert = 'low') then '?' else ''"/>
    <xsl:sequence select="$q || (
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

  <!-- The reading text of a text node next to a line break. A word broken at <lb break="no"/>
       is joined (the whitespace around the break is layout); so is a DTA-style line-end
       hyphen: "¬" or "⸗" before a line break always, "-" when a letter precedes it and a
       lower-case letter starts the next line ("ent-<lb/>schlossen", not "Nord-<lb/>Amerika"). -->
  <xsl:function name="tk:text-at-break" as="xs:string">
    <xsl:param name="t" as="text()"/>
    <xsl:variable name="next" select="$t/following-sibling::node()[1][self::tei:lb or self::tei:pb or self::tei:cb]"/>
    <xsl:variable name="prev" select="$t/preceding-sibling::node()[1][self::tei:lb or self::tei:pb or self::tei:cb]"/>
    <xsl:variable name="s" select="string($t)"/>
    <xsl:variable name="s1" select="
        if (empty($next)) then $s
        else if ($next/@break = 'no') then replace($s, '\s+$', '')
        else if (tk:joins-hyphen($t, $next)) then replace($s, '[-¬⸗]\s*$', '')
        else $s"/>
    <xsl:sequence select="
        if (empty($prev)) then $s1
        else if ($prev/@break = 'no' or tk:joins-hyphen($prev/preceding-sibling::node()[1][self::text()], $prev))
          then replace($s1, '^\s+', '')
        else $s1"/>
  </xsl:function>

  <xsl:function name="tk:joins-hyphen" as="xs:boolean">
    <xsl:param name="before" as="text()?"/>
    <xsl:param name="break" as="element()"/>
    <xsl:sequence select="exists($before) and not($break/@break = 'yes') and (
        matches($before, '[¬⸗]\s*$')
        or (matches($before, '\p{L}-\s*$')
            and matches(string($break/following-sibling::node()[1][self::text()]), '^\s*\p{Ll}')))"/>
  </xsl:function>

  <!-- Is a line break one of a transcription whose lines are numbered (an EpiDoc edition, a
       diplomatic transcription): there it starts a new line, with its number every 5th. -->
  <xsl:function name="tk:is-numbered-lb" as="xs:boolean">
    <xsl:param name="lb" as="element()"/>
    <xsl:sequence select="exists($lb/self::tei:lb[normalize-space(@n)])
                          and exists($lb/ancestor::tei:div[@type = 'edition'])"/>
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
