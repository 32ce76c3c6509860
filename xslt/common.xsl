<?xml version="1.0" encoding="UTF-8"?>
<!--
  common.xsl: what every output shares, so that HTML, PDF and text number, name and
  decide things identically. Imported by html.xsl, text.xsl and pdf.xsl.

  The shared layer is split by TEI module, as the TEI Consortium's Stylesheets split
  theirs under common/: each phenomenon is decided in one module, included here (same
  import precedence, so an output stylesheet's own templates still override them).
  Functions live in the tk: namespace. Nothing here writes output markup.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="common/core.xsl"/>
  <xsl:include href="common/textstructure.xsl"/>
  <xsl:include href="common/namesdates.xsl"/>
  <xsl:include href="common/transcription.xsl"/>
  <xsl:include href="common/textcrit.xsl"/>
  <xsl:include href="common/msdescription.xsl"/>
  <xsl:include href="common/correspondence.xsl"/>
  <xsl:include href="common/verse-drama.xsl"/>
  <xsl:include href="common/figures.xsl"/>
  <xsl:include href="common/sourcedoc.xsl"/>
  <xsl:include href="common/locators.xsl"/>
  <xsl:include href="common/citation.xsl"/>

</xsl:stylesheet>
