<?xml version="1.0" encoding="UTF-8"?>
<!--
  common/textstructure.xsl: the TEI textstructure module: divisions (their numbers,
  notes divisions) and front matter.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <!-- A division that only collects detached notes: the outputs print them as endnotes instead. -->
  <xsl:function name="tk:is-notes-div" as="xs:boolean">
    <xsl:param name="div" as="element()"/>
    <xsl:sequence select="exists($div/tei:note) and
                          (every $c in $div/* satisfies ($c/self::tei:head or $c/self::tei:pb or $c/self::tei:lb
                                                         or $c/self::tei:milestone or $c/self::tei:note[tk:is-detached-note(.)]))"/>
  </xsl:function>

  <!-- Does the front matter of the text already carry this header material (an abstract,
       an affiliation, an ORCID, an author named by a docAuthor pointing to the same person)?
       Editions that transcribe the article's opening page put it there; the outputs then
       print it once, where the text has it. -->
  <xsl:function name="tk:front-carries" as="xs:boolean">
    <xsl:param name="tei" as="element()"/>
    <xsl:param name="material" as="element()"/>
    <xsl:variable name="front" select="$tei/tei:text/tei:front"/>
    <xsl:variable name="probe" select="substring(normalize-space($material), 1, 120)"/>
    <xsl:sequence select="exists($front) and (
        (some $id in tokenize(normalize-space($material/@corresp), ' ')[starts-with(., '#')] ! substring(., 2)
         satisfies exists($front//*[@xml:id = $id]))
        or ($probe != '' and contains(normalize-space($front), $probe))
        or ($material/self::tei:author and
            (some $r in ($material/@ref, $material/tei:persName/@ref)[normalize-space()]
             satisfies exists($front//tei:docAuthor[descendant-or-self::*/@ref = $r]))))"/>
  </xsl:function>

  <!-- The heading of the notes the outputs gather at the end: the head of the document's
       divGen type="notes" (where the source prints one, e.g. "Endnotes"), else "Notes". The
       divGen itself stands for that list and prints nothing where it is. -->
  <xsl:function name="tk:notes-heading" as="xs:string">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="(root($doc)//tei:text//tei:divGen[@type = 'notes']/tei:head ! normalize-space(.)[.], 'Notes')[1]"/>
  </xsl:function>

  <!-- A docTitle of the front matter that says what the document's title says. The outputs
       print the title once, as the document's title at the head of the page, so this
       transcription of it is not printed again. -->
  <xsl:function name="tk:repeats-title" as="xs:boolean">
    <xsl:param name="doc-title" as="element()"/>
    <xsl:sequence select="exists($doc-title/ancestor::tei:front) and empty($doc-title/ancestor::tei:group)
                          and normalize-space($doc-title) = tk:title($doc-title)"/>
  </xsl:function>

  <!-- Section numbering for divisions that have a heading: 1, 1.2, ... A division without a
       heading counts as a level when the outputs label it (an EpiDoc edition, translation,
       commentary: tk:div-label) or when it holds headed divisions (a preface of sections beside
       the edition, the volumes of a novel), so that sections under two such divisions are not
       both "1". -->
  <xsl:function name="tk:div-number" as="xs:string">
    <xsl:param name="div" as="element()"/>
    <xsl:number select="$div" level="multiple"
                count="tei:div[tei:head or tei:div[tei:head] or exists(tk:div-label(.))] | tei:div1 | tei:div2 | tei:div3"
                from="tei:body | tei:front | tei:back" format="1.1"/>
  </xsl:function>

</xsl:stylesheet>
