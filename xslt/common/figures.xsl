<?xml version="1.0" encoding="UTF-8"?>
<!--
  common/figures.xsl: the TEI figures module: figures, graphics, facsimiles, tables.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <!-- Facsimiles. A page break's @facs names its image: a pointer to a graphic or a surface of
       the facsimile ("#image_6": the surface's first graphic), or the image's address itself
       (a graphic's @url, or a file). An image's address is its @url after the relative
       xml:base of its ancestors ("f/" + "a.jpg"), computed the same way by the build
       (teikit.write.facsimile), which embeds the images that are local files inside the
       document's folder; any other address (IIIF, http) stays a link. -->
  <xsl:function name="tk:facs-url" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="url" select="normalize-space(($e/@url, $e/@facs)[1])"/>
    <xsl:sequence select="if (not($url)) then ()
        else if (matches($url, '^([A-Za-z][A-Za-z0-9+.-]*:|/)')) then $url
        else string-join(($e/ancestor::*/@xml:base[not(matches(normalize-space(.), '^([A-Za-z][A-Za-z0-9+.-]*:|/)'))]
                          ! normalize-space(.)) ! (if (ends-with(., '/')) then . else replace(., '[^/]*$', ''))) || $url"/>
  </xsl:function>

  <!-- The image a page break shows: its graphic (an element of the facsimile), or nothing when
       @facs names a file no graphic lists. -->
  <xsl:function name="tk:facs-graphic" as="element()?">
    <xsl:param name="pb" as="element()"/>
    <xsl:variable name="facs" select="normalize-space(tokenize(normalize-space($pb/@facs))[1])"/>
    <xsl:variable name="target" select="if (starts-with($facs, '#')) then tk:target($pb, $facs)[1] else ()"/>
    <xsl:sequence select="if ($target/self::tei:graphic) then $target
        else if ($target) then ($target/descendant::tei:graphic)[1]
        else if ($facs) then (root($pb)//tei:facsimile//tei:graphic[normalize-space(@url) = $facs])[1]
        else ()"/>
  </xsl:function>

  <!-- The address of a page break's image, or nothing. -->
  <xsl:function name="tk:pb-facs" as="xs:string?">
    <xsl:param name="pb" as="element()"/>
    <xsl:variable name="facs" select="tokenize(normalize-space($pb/@facs))[1]"/>
    <xsl:variable name="g" select="tk:facs-graphic($pb)"/>
    <xsl:sequence select="if ($g) then tk:facs-url($g)
        else if ($facs and not(starts-with($facs, '#'))) then tk:facs-url($pb) else ()"/>
  </xsl:function>

  <!-- The images of the document in order: the facsimile's graphics, then the files page breaks
       name that no graphic lists. Each is numbered by its place here (HTML: #facs-N). -->
  <xsl:function name="tk:facs-images" as="xs:string*">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="distinct-values((root($doc)//tei:facsimile//tei:graphic ! tk:facs-url(.),
                                           root($doc)//tei:text//tei:pb[@facs] ! tk:pb-facs(.)))"/>
  </xsl:function>

  <!-- Is an address a link to another host (an IIIF service, a web page)? -->
  <xsl:function name="tk:is-remote" as="xs:boolean">
    <xsl:param name="url" as="xs:string"/>
    <xsl:sequence select="matches($url, '^https?://', 'i')"/>
  </xsl:function>

  <!-- How a page image is named in the text and PDF outputs: "facs. f/a.jpg". -->
  <xsl:function name="tk:facs-label" as="xs:string?">
    <xsl:param name="pb" as="element()"/>
    <xsl:sequence select="tk:pb-facs($pb) ! ('facs. ' || .)"/>
  </xsl:function>

</xsl:stylesheet>
