<?xml version="1.0" encoding="UTF-8"?>
<!--
  mets.xsl: the package's METS 1.12 document. It carries the teiHeader itself as
  descriptive metadata (mdWrap OTHERMDTYPE="TEIHDR"), points to the Dublin Core
  and DataCite records and to the validation report, and lists every payload
  file with its size, SHA-256 checksum and MIME type (fileSec), grouped in a
  structMap by role: source, schema, reading copies, reports, metadata.

  Parameters, all set by teikit.package:
    files        one payload file a line: path TAB size TAB sha256 TAB mimetype TAB use
    create-date  xs:dateTime of the package (fixed, for reproducible packages)
    agent        the software that made the package
    objid        the edition's identifier
    dc, datacite, report   paths (relative to the bag root) of those payload files
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tkm="urn:teikit:metadata"
    xmlns:mets="http://www.loc.gov/METS/"
    xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    exclude-result-prefixes="xs tei tkm">

  <xsl:import href="header.xsl"/>
  <xsl:output method="xml" encoding="UTF-8" indent="yes" suppress-indentation="mets:xmlData"/>

  <xsl:param name="files" as="xs:string" select="''"/>
  <xsl:param name="create-date" as="xs:string" select="'1980-01-01T00:00:00Z'"/>
  <xsl:param name="agent" as="xs:string" select="'teikit'"/>
  <xsl:param name="objid" as="xs:string" select="''"/>
  <xsl:param name="dc" as="xs:string" select="''"/>
  <xsl:param name="datacite" as="xs:string" select="''"/>
  <xsl:param name="report" as="xs:string" select="''"/>

  <!-- Roles in the order the structMap presents them, with their labels. -->
  <xsl:variable name="uses" as="map(xs:string, xs:string)" select="map {
      'source': 'TEI source', 'schema': 'Schemas the source was validated with',
      'html': 'HTML reading edition', 'pdf': 'PDF/A archival copy', 'text': 'Plain text',
      'report': 'Validation report', 'metadata': 'Descriptive metadata', 'other': 'Other files'}"/>
  <xsl:variable name="use-order" select="('source', 'schema', 'html', 'pdf', 'text', 'report', 'metadata', 'other')"/>

  <xsl:variable name="entries" as="map(*)*">
    <xsl:for-each select="tokenize($files, '\n')[normalize-space()]">
      <xsl:variable name="f" select="tokenize(., '\t')"/>
      <xsl:sequence select="map {'path': $f[1], 'size': $f[2], 'sha256': $f[3], 'mime': $f[4],
                                 'use': if ($f[5] = $use-order) then $f[5] else 'other',
                                 'id': 'file-' || format-number(position(), '0000')}"/>
    </xsl:for-each>
  </xsl:variable>

  <xsl:function name="tkm:entry" as="map(*)?">
    <xsl:param name="path" as="xs:string"/>
    <xsl:sequence select="$entries[?path = $path][1]"/>
  </xsl:function>

  <xsl:template match="/">
    <xsl:variable name="doc" select="."/>
    <mets:mets OBJID="{$objid}" LABEL="{tkm:title($doc)}" TYPE="TEI P5 edition"
               xsi:schemaLocation="http://www.loc.gov/METS/ http://www.loc.gov/standards/mets/mets.xsd">
      <mets:metsHdr CREATEDATE="{$create-date}" RECORDSTATUS="Complete">
        <mets:agent ROLE="CREATOR" TYPE="OTHER" OTHERTYPE="SOFTWARE">
          <mets:name><xsl:value-of select="$agent"/></mets:name>
        </mets:agent>
        <xsl:for-each select="tkm:publisher($doc)">
          <mets:agent ROLE="DISSEMINATOR" TYPE="ORGANIZATION">
            <mets:name><xsl:value-of select="."/></mets:name>
          </mets:agent>
        </xsl:for-each>
      </mets:metsHdr>

      <mets:dmdSec ID="dmd-teiheader">
        <mets:mdWrap MDTYPE="OTHER" OTHERMDTYPE="TEIHDR" MIMETYPE="text/xml" LABEL="TEI header">
          <mets:xmlData>
            <xsl:copy-of select="tkm:header($doc)" copy-namespaces="no"/>
          </mets:xmlData>
        </mets:mdWrap>
      </mets:dmdSec>
      <xsl:for-each select="tkm:entry($dc)">
        <mets:dmdSec ID="dmd-dc">
          <xsl:call-template name="mdref">
            <xsl:with-param name="entry" select="."/>
            <xsl:with-param name="label" select="'Dublin Core (oai_dc)'"/>
            <xsl:with-param name="type" select="'DC'"/>
          </xsl:call-template>
        </mets:dmdSec>
      </xsl:for-each>
      <xsl:for-each select="tkm:entry($datacite)">
        <mets:dmdSec ID="dmd-datacite">
          <xsl:call-template name="mdref">
            <xsl:with-param name="entry" select="."/>
            <xsl:with-param name="label" select="'DataCite Metadata Schema 4.5'"/>
            <xsl:with-param name="type" select="'OTHER'"/>
            <xsl:with-param name="other" select="'DataCite'"/>
          </xsl:call-template>
        </mets:dmdSec>
      </xsl:for-each>
      <xsl:for-each select="tkm:entry($report)">
        <mets:amdSec ID="amd-validation">
          <mets:digiprovMD ID="digiprov-validation">
            <xsl:call-template name="mdref">
              <xsl:with-param name="entry" select="."/>
              <xsl:with-param name="label" select="'teikit validation report'"/>
              <xsl:with-param name="type" select="'OTHER'"/>
              <xsl:with-param name="other" select="'teikit-validation-report'"/>
            </xsl:call-template>
          </mets:digiprovMD>
        </mets:amdSec>
      </xsl:for-each>

      <mets:fileSec>
        <xsl:for-each select="$use-order[. = $entries?use]">
          <xsl:variable name="use" select="."/>
          <mets:fileGrp USE="{$use}">
            <xsl:for-each select="$entries[?use = $use]">
              <mets:file ID="{?id}" MIMETYPE="{?mime}" SIZE="{?size}" CHECKSUM="{?sha256}"
                         CHECKSUMTYPE="SHA-256">
                <mets:FLocat LOCTYPE="URL" xlink:type="simple" xlink:href="{?path}"/>
              </mets:file>
            </xsl:for-each>
          </mets:fileGrp>
        </xsl:for-each>
      </mets:fileSec>

      <mets:structMap TYPE="logical" LABEL="Edition package">
        <mets:div TYPE="edition" LABEL="{tkm:title($doc)}"
                  DMDID="{string-join(('dmd-teiheader', tkm:entry($dc) ! 'dmd-dc',
                                       tkm:entry($datacite) ! 'dmd-datacite'), ' ')}">
          <xsl:if test="exists(tkm:entry($report))">
            <xsl:attribute name="ADMID" select="'digiprov-validation'"/>
          </xsl:if>
          <xsl:for-each select="$use-order[. = $entries?use]">
            <xsl:variable name="use" select="."/>
            <mets:div TYPE="{$use}" LABEL="{$uses($use)}">
              <xsl:for-each select="$entries[?use = $use]">
                <mets:fptr FILEID="{?id}"/>
              </xsl:for-each>
            </mets:div>
          </xsl:for-each>
        </mets:div>
      </mets:structMap>
    </mets:mets>
  </xsl:template>

  <xsl:template name="mdref">
    <xsl:param name="entry" as="map(*)"/>
    <xsl:param name="label" as="xs:string"/>
    <xsl:param name="type" as="xs:string"/>
    <xsl:param name="other" as="xs:string?"/>
    <mets:mdRef LOCTYPE="URL" xlink:type="simple" xlink:href="{$entry?path}" MDTYPE="{$type}"
                MIMETYPE="{$entry?mime}" SIZE="{$entry?size}" CHECKSUM="{$entry?sha256}"
                CHECKSUMTYPE="SHA-256" LABEL="{$label}">
      <xsl:if test="$other"><xsl:attribute name="OTHERMDTYPE" select="$other"/></xsl:if>
    </mets:mdRef>
  </xsl:template>

</xsl:stylesheet>
