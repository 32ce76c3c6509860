<?xml version="1.0" encoding="UTF-8"?>
<!--
  text.xsl: TEI to plain UTF-8 text, for reading and for corpus analysis.

  What is printed, in this order:
    1. the main title (underlined with =), one line per author (name, affiliation,
       ORCID), then the abstract and keywords of profileDesc: they are part of the
       article as published. What the front matter of the text already transcribes
       (an abstract div, the affiliations, the keywords) is printed there instead, once;
    2. the reading text of front, body and back: headings underlined, paragraphs
       separated by blank lines, verse and speeches one line per line, note markers
       kept in the text as [n], figure captions once (with their credit line);
    3. the numbered notes as endnotes "n. text".
  What is not printed: the rest of the header, registers (listPerson, listPlace,
  listOrg, listEvent, treaty lists, anything in standOff), pull quotes (they repeat
  the text), figure descriptions of figures that have a caption, fw, and markup.
  Unknown elements keep their text. Note numbers come from common.xsl, so they
  agree with the HTML and PDF.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    exclude-result-prefixes="#all">

  <xsl:import href="common.xsl"/>
  <xsl:include href="text/scholarly.xsl"/>
  <xsl:include href="text/sourcedoc.xsl"/>
  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:variable name="NL" select="'&#10;'"/>

  <xsl:template match="/">
    <xsl:variable name="blocks" as="xs:string*">
      <xsl:for-each select="/tei:TEI | /tei:teiCorpus | /tei:teiCorpus/tei:TEI">
        <xsl:sequence select="tk:header-blocks(.)"/>
        <xsl:sequence select="if (parent::tei:teiCorpus) then () else tk:source-blocks(.)"/>
        <xsl:apply-templates select="tei:text" mode="block"/>
      </xsl:for-each>
      <xsl:sequence select="tk:page-view-blocks(.)"/>
      <xsl:variable name="notes" select="tk:numbered-notes(.)"/>
      <xsl:if test="exists($notes)">
        <xsl:sequence select="tk:underline(tk:notes-heading(.), '-')"/>
        <xsl:for-each select="$notes">
          <xsl:sequence select="tk:note-number(.) || '. ' || tk:flat(.)"/>
        </xsl:for-each>
      </xsl:if>
      <xsl:sequence select="tk:apparatus-blocks(.)"/>
      <xsl:sequence select="tk:facsimile-blocks(.)"/>
      <xsl:sequence select="tk:colophon(.)"/>
    </xsl:variable>
    <xsl:value-of select="string-join($blocks[normalize-space()], $NL || $NL) || $NL"/>
  </xsl:template>

  <!-- Title, authors, abstract, keywords: what a reader of the article sees above the text. -->
  <xsl:function name="tk:header-blocks" as="xs:string*">
    <xsl:param name="tei" as="element()"/>
    <xsl:variable name="stmt" select="$tei/tei:teiHeader/tei:fileDesc/tei:titleStmt"/>
    <!-- Each document of a teiCorpus has its own title and authors (tk:title and tk:authors
         read the outermost header). -->
    <xsl:variable name="title" select="if ($tei/parent::tei:teiCorpus)
                                       then normalize-space(($stmt/tei:title[@type = 'main'], $stmt/tei:title[not(@type)], $stmt/tei:title)[1])
                                       else tk:title($tei)"/>
    <xsl:if test="$title">
      <xsl:sequence select="tk:underline($title, '=')"/>
    </xsl:if>
    <xsl:variable name="names" select="if ($tei/parent::tei:teiCorpus)
                                       then $stmt/tei:author ! normalize-space(((.//tei:persName)[1], .)[1])
                                       else tk:authors($tei)"/>
    <xsl:sequence select="string-join(
        for $i in 1 to count($stmt/tei:author)
        return if (tk:front-carries($tei, $stmt/tei:author[$i])) then () else string-join(($names[$i],
                            $stmt/tei:author[$i]/tei:affiliation[not(tk:front-carries($tei, .))] ! tk:flat(.),
                            $stmt/tei:author[$i]/tei:idno[lower-case(@type) = 'orcid'][not(tk:front-carries($tei, .))]
                              ! ('ORCID ' || normalize-space(.))
                           )[normalize-space()], ', '),
        $NL)"/>
    <xsl:for-each select="$tei/tei:teiHeader/tei:profileDesc/tei:abstract[not(tk:front-carries($tei, .))]">
      <xsl:sequence select="tk:underline('Abstract', '-')"/>
      <xsl:apply-templates select="." mode="block"/>
    </xsl:for-each>
    <xsl:for-each select="$tei/tei:teiHeader/tei:profileDesc/tei:textClass/tei:keywords[.//tei:term]
                          [not($tei/tei:text/tei:front//*[@type = 'keywords'])]">
      <xsl:sequence select="'Keywords: ' || string-join(.//tei:term ! tk:flat(.), ', ')"/>
    </xsl:for-each>
  </xsl:function>

  <!-- How to cite (common/citation.xsl, as in the HTML and the PDF) and the rights statements
       of availability, as the TEI states them: a copy of the text carries both. -->
  <xsl:function name="tk:colophon" as="xs:string*">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="header" select="root($doc)/*/tei:teiHeader"/>
    <xsl:variable name="source" select="tk:citation-text(tk:source-citation(($header/tei:fileDesc/tei:sourceDesc/tei:biblStruct)[1]))"/>
    <!-- A document with neither a source nor a title has nothing to be cited by. -->
    <xsl:if test="$source or tk:title($doc)">
      <xsl:sequence select="tk:underline('How to cite', '-')"/>
      <xsl:sequence select="$source[.]"/>
      <xsl:sequence select="(if ($source) then 'Digital edition: ' else '') || tk:citation-text(tk:edition-citation($doc))"/>
    </xsl:if>
    <xsl:variable name="rights" select="$header/tei:fileDesc/tei:publicationStmt/tei:availability/(tei:licence | tei:p)"/>
    <xsl:if test="exists($rights)">
      <xsl:sequence select="tk:underline('Rights', '-')"/>
      <xsl:for-each select="$rights">
        <xsl:variable name="url" select="normalize-space(@target)[matches(., '^https?://\S+$')]"/>
        <xsl:variable name="t" select="tk:flat(.)"/>
        <xsl:sequence select="$t || (if ($url and not(contains($t, $url))) then ' (' || $url || ')' else '')"/>
      </xsl:for-each>
    </xsl:if>
  </xsl:function>

  <xsl:function name="tk:underline" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <xsl:param name="char" as="xs:string"/>
    <xsl:sequence select="$text || $NL || replace($text, '.', $char)"/>
  </xsl:function>

  <!-- The running text of an element on one line. -->
  <xsl:function name="tk:flat" as="xs:string">
    <xsl:param name="e" as="node()"/>
    <xsl:sequence select="if (empty($e/*)) then normalize-space($e) else normalize-space(string-join(tk:inline($e)))"/>
  </xsl:function>

  <xsl:function name="tk:flat-all" as="xs:string">
    <xsl:param name="es" as="node()*"/>
    <xsl:sequence select="string-join($es ! tk:flat(.), '; ')"/>
  </xsl:function>

  <!-- ==================================================================== -->
  <!-- Block mode: returns one string per block (blocks are joined by blank lines). -->

  <xsl:template match="tei:head[parent::tei:div or parent::tei:body or parent::tei:front or parent::tei:back
                       or parent::tei:div1 or parent::tei:div2 or parent::tei:div3 or parent::tei:div4
                       or parent::tei:div5 or parent::tei:div6 or parent::tei:div7]" mode="block">
    <xsl:variable name="t" select="tk:flat(.)"/>
    <xsl:variable name="depth" select="count(ancestor::*[self::tei:div or starts-with(local-name(), 'div')]
                                       [namespace-uri() = 'http://www.tei-c.org/ns/1.0'])"/>
    <xsl:sequence select="if ($t) then tk:underline($t, if ($depth le 1) then '=' else '-') else ()"/>
  </xsl:template>

  <xsl:template match="tei:p | tei:ab | tei:head | tei:item | tei:label | tei:stage | tei:speaker
                       | tei:bibl | tei:biblStruct | tei:quote | tei:trailer | tei:byline | tei:castItem
                       | tei:docTitle | tei:titlePart | tei:docAuthor | tei:docDate | tei:docImprint
                       | tei:dateline | tei:salute | tei:signed | tei:epigraph/tei:* | tei:caption
                       | tei:argument/tei:* | tei:opener/tei:* | tei:closer/tei:* | tei:postscript/tei:*
                       | tei:figDesc | tei:row | tei:entry" mode="block">
    <xsl:sequence select="tk:flat(.)"/>
  </xsl:template>

  <xsl:template match="tei:docTitle[tk:repeats-title(.)] | tei:divGen[@type = 'notes']" mode="block" priority="3"/>

  <!-- Containers of blocks inside these elements stay containers. -->
  <xsl:template match="tei:quote[tei:p | tei:lg | tei:l | tei:list | tei:sp | tei:ab]
                       | tei:item[tei:p | tei:list | tei:lg] | tei:epigraph/tei:cit | tei:argument/tei:list
                       | tei:postscript/tei:opener | tei:postscript/tei:closer"
                mode="block" priority="2">
    <xsl:call-template name="container"/>
  </xsl:template>

  <!-- A cast list without a heading gets one. -->
  <xsl:template match="tei:castList[empty(tei:head)]" mode="block" priority="2">
    <xsl:sequence select="tk:underline('Cast of characters', '-')"/>
    <xsl:call-template name="container"/>
  </xsl:template>

  <!-- A cast item: the role, then its description, comma-separated. -->
  <xsl:template match="tei:castItem[tei:role or tei:roleDesc]" mode="block" priority="2">
    <xsl:sequence select="string-join((tei:role, tei:roleDesc, tei:actor) ! tk:flat(.), ', ')"/>
  </xsl:template>

  <xsl:template match="tei:row" mode="block" priority="2">
    <xsl:sequence select="string-join(tei:cell ! tk:flat(.), ' | ')"/>
  </xsl:template>

  <!-- A speech: the speaker, then its lines, stage directions and prose, one per line. -->
  <xsl:template match="tei:sp" mode="block">
    <xsl:variable name="parts" as="xs:string*">
      <xsl:apply-templates select="*" mode="block"/>
    </xsl:variable>
    <xsl:sequence select="string-join($parts[normalize-space()], $NL)"/>
  </xsl:template>


  <!-- A figure: its caption and credit line once, one line each; the description only
       when there is no caption. Figures, tables, lists nested inside stay blocks. -->
  <xsl:template match="tei:figure" mode="block">
    <xsl:variable name="nested" select="tei:figure | tei:table | tei:list | tei:lg | tei:quote | tei:floatingText"/>
    <xsl:variable name="captions" select="* except ($nested | tei:graphic | tei:media | tei:figDesc)"/>
    <xsl:variable name="lines" select="(if (exists($captions)) then $captions else tei:figDesc) ! tk:flat(.)"/>
    <!-- Captions are labelled, so a reader of the text knows they are not running text. -->
    <xsl:variable name="n"><xsl:number level="any" count="tei:figure[not(tk:is-pull-quote(.))]" from="tei:text"/></xsl:variable>
    <xsl:variable name="label" select="if (matches(($lines[normalize-space()])[1], '^(Fig\.|Figure|Photo|Plate|Map|Table)([^a-z]|$)', 'i')) then '' else '[Figure ' || $n || '] '"/>
    <xsl:sequence select="string-join((($lines[normalize-space()])[1] ! ($label || .), subsequence($lines[normalize-space()], 2)), $NL)"/>
    <xsl:apply-templates select="$nested" mode="block"/>
  </xsl:template>

  <!-- Not reading text: metadata, registers, pull quotes, running heads, notes (printed at the end). -->
  <xsl:template match="tei:note | tei:teiHeader | tei:standOff | tei:fw | tei:pb | tei:lb | tei:cb
                       | tei:milestone | tei:anchor | tei:graphic | tei:media | tei:interpGrp | tei:spanGrp
                       | tei:linkGrp | tei:link | tei:timeline | tei:facsimile"
                mode="block"/>

  <!-- Registers (see tk:is-register), pull quotes (tk:is-pull-quote), divisions of detached notes;
       the patterns name the elements so that other elements are not tested at all. -->
  <xsl:template match="tei:listPerson | tei:listPlace | tei:listOrg | tei:listEvent | tei:listObject | tei:listNym | tei:listRelation | tei:listAnnotation | tei:listBibl[tk:is-register(.)]
                       | tei:quote[tk:is-pull-quote(.)] | tei:floatingText[tk:is-pull-quote(.)] | tei:q[tk:is-pull-quote(.)] | tei:cit[tk:is-pull-quote(.)] | tei:seg[tk:is-pull-quote(.)] | tei:ab[tk:is-pull-quote(.)] | tei:p[tk:is-pull-quote(.)] | tei:figure[tk:is-pull-quote(.)]
                       | tei:div[tei:note][tk:is-notes-div(.)]"
                mode="block" priority="5"/>

  <!-- Containers: recurse; runs of text and inline elements directly inside become blocks,
       consecutive verse lines stay together as one block. -->
  <xsl:template match="*" mode="block" name="container">
    <xsl:for-each-group select="node()[not(self::text()[not(normalize-space())])
                                       or (tk:is-inline(preceding-sibling::node()[1])
                                           and tk:is-inline(following-sibling::node()[1]))]"
        group-adjacent="
        if (self::text() or (self::* and tk:is-inline(.))) then 'inline'
        else if (self::tei:l or self::tei:castItem) then 'verse'
        else 'block'">
      <xsl:choose>
        <xsl:when test="current-grouping-key() = 'inline'">
          <xsl:sequence select="normalize-space(string-join(for $n in current-group() return tk:inline-node($n)))"/>
        </xsl:when>
        <xsl:when test="current-grouping-key() = 'verse'">
          <xsl:variable name="lines" as="xs:string*">
            <xsl:apply-templates select="current-group()[self::*]" mode="block"/>
          </xsl:variable>
          <xsl:sequence select="string-join($lines[normalize-space()], $NL)"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates select="current-group()[self::*]" mode="block"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each-group>
  </xsl:template>

  <xsl:function name="tk:is-inline" as="xs:boolean">
    <xsl:param name="n" as="node()?"/>
    <xsl:sequence select="exists($n/self::tei:hi | $n/self::tei:emph | $n/self::tei:persName
        | $n/self::tei:placeName | $n/self::tei:orgName | $n/self::tei:name | $n/self::tei:date
        | $n/self::tei:time | $n/self::tei:rs | $n/self::tei:foreign | $n/self::tei:term | $n/self::tei:title
        | $n/self::tei:ref | $n/self::tei:ptr | $n/self::tei:choice | $n/self::tei:note
        | $n/self::tei:q | $n/self::tei:said | $n/self::tei:num | $n/self::tei:measure | $n/self::tei:abbr
        | $n/self::tei:expan | $n/self::tei:sic | $n/self::tei:corr | $n/self::tei:reg | $n/self::tei:orig
        | $n/self::tei:lb | $n/self::tei:pb | $n/self::tei:cb | $n/self::tei:seg | $n/self::tei:w
        | $n/self::tei:c | $n/self::tei:pc | $n/self::tei:gap | $n/self::tei:unclear | $n/self::tei:add
        | $n/self::tei:del | $n/self::tei:supplied | $n/self::tei:surname | $n/self::tei:forename
        | $n/self::tei:roleName | $n/self::tei:geogName | $n/self::tei:soCalled | $n/self::tei:mentioned
        | $n/self::tei:gloss | $n/self::tei:distinct | $n/self::tei:anchor | $n/self::tei:milestone
        | $n/self::tei:app | $n/self::tei:space | $n/self::tei:subst | $n/self::tei:ex | $n/self::tei:surplus
        | $n/self::tei:damage | $n/self::tei:g | $n/self::tei:handShift | $n/self::tei:metamark
        | $n/self::tei:stage[tk:is-inline-stage(.)]
        | $n/self::tei:quote[not(tei:p | tei:lg | tei:l)][ancestor::tei:p or ancestor::tei:ab or ancestor::tei:l])"/>
  </xsl:function>

  <!-- ==================================================================== -->
  <!-- Inline mode: returns strings. -->

  <xsl:function name="tk:inline" as="xs:string*">
    <xsl:param name="n" as="node()"/>
    <xsl:apply-templates select="$n/node()" mode="inline"/>
  </xsl:function>

  <xsl:function name="tk:inline-node" as="xs:string*">
    <xsl:param name="n" as="node()"/>
    <xsl:apply-templates select="$n" mode="inline"/>
  </xsl:function>

  <xsl:template match="text()" mode="inline">
    <xsl:sequence select="string(.)"/>
  </xsl:template>

  <xsl:template match="comment() | processing-instruction()" mode="inline block"/>

  <xsl:template match="tei:note" mode="inline">
    <xsl:choose>
      <xsl:when test="tk:is-detached-note(.)"/>
      <xsl:when test="tk:is-numbered-note(.)">
        <xsl:sequence select="'[' || tk:note-number(.) || ']'"/>
      </xsl:when>
      <xsl:when test="parent::tei:figure"/>
      <xsl:otherwise>
        <xsl:sequence select="' ('"/>
        <xsl:apply-templates mode="inline"/>
        <xsl:sequence select="') '"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:note//tei:note" mode="inline" priority="2">
    <xsl:apply-templates mode="inline"/>
  </xsl:template>

  <xsl:template match="tei:quote[tk:is-pull-quote(.)] | tei:floatingText[tk:is-pull-quote(.)] | tei:q[tk:is-pull-quote(.)] | tei:cit[tk:is-pull-quote(.)] | tei:seg[tk:is-pull-quote(.)] | tei:ab[tk:is-pull-quote(.)] | tei:p[tk:is-pull-quote(.)] | tei:figure[tk:is-pull-quote(.)]
                       | tei:figDesc[../tei:head] | tei:fw | tei:interpGrp"
                mode="inline" priority="5"/>

  <!-- A pointer that calls a note is its marker. -->
  <xsl:template match="tei:ref[tk:called-note(.)] | tei:ptr[tk:called-note(.)]" mode="inline" priority="3">
    <xsl:sequence select="'[' || tk:note-number(tk:called-note(.)) || ']'"/>
  </xsl:template>



  <!-- Quotation marks: double outside, single inside. Titles of articles and chapters
       (title level="a" or "u") are quoted too, as printed references quote them. -->
  <xsl:template match="tei:q | tei:said | tei:quote | tei:soCalled | tei:title[@level = ('a', 'u')]" mode="inline">
    <xsl:variable name="inner" select="count(ancestor::tei:q | ancestor::tei:said | ancestor::tei:quote
                                             | ancestor::tei:soCalled | ancestor::tei:title[@level = ('a', 'u')]) mod 2 = 1"/>
    <xsl:sequence select="if ($inner) then '‘' else '“'"/>
    <xsl:apply-templates mode="inline"/>
    <xsl:sequence select="if ($inner) then '’' else '”'"/>
  </xsl:template>


  <!-- Block-level elements met inside a line are separated from their neighbours. -->
  <xsl:template match="tei:p | tei:l | tei:item | tei:head | tei:lg | tei:list | tei:bibl[parent::tei:listBibl]
                       | tei:figure | tei:table | tei:row | tei:cell | tei:castItem"
                mode="inline">
    <xsl:sequence select="' '"/>
    <xsl:apply-templates mode="inline"/>
    <xsl:sequence select="' '"/>
  </xsl:template>

  <xsl:template match="*" mode="inline">
    <xsl:apply-templates mode="inline"/>
  </xsl:template>

</xsl:stylesheet>
