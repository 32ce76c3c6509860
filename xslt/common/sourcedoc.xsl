<?xml version="1.0" encoding="UTF-8"?>
<!--
  common/sourcedoc.xsl: the diplomatic page view of sourceDoc (TEI transcription module,
  "documentary" transcription: surface, zone, line).

  A sourceDoc says what is on each written surface, where. Every output prints it as
  pages, after the reading text (if the document has one), decided here once:
    surface  a page, labelled by @n ("Page 12r"), else its label, else its place ("Page 3");
             its desc is printed under the label; its image is its first graphic with a
             @url, else its @facs, resolved as a page break's (common/figures.xsl)
    zone     a block of the page, in document order; a typed zone is labelled by its type
             ("Left margin", "Column"), except the main zone; @n and @rotate are noted
             ("rotated 90°"); a surface inside a surface (a slip, a patch) is a zone; a zone
             that holds only one line (layout analysis's line zones) is that line
    line     one line of its own, numbered by @n, else by its place among the lines of its
             page (1, 2, 3...)
    signs    the transcription module's (del, add, unclear, gap, supplied, hi, metamark,
             retrace, mod...), as in the reading text
  A diplomatic view shows what is on the page: a choice shows its orig, sic or abbr (the
  reading text shows reg, corr, expan); a subst shows both the deletion and the addition;
  an app shows its lemma; forme work (fw: page numbers, signatures) is shown; an editor's
  note among the lines is printed where it stands, in brackets.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tk="urn:teikit"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all">

  <!-- The pages of a document: the outermost surfaces of its sourceDocs, in document order. -->
  <xsl:function name="tk:pages" as="element(tei:surface)*">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="root($doc)//tei:sourceDoc//tei:surface[empty(ancestor::tei:surface)]"/>
  </xsl:function>

  <xsl:function name="tk:page-label" as="xs:string">
    <xsl:param name="s" as="element(tei:surface)"/>
    <xsl:variable name="label" select="normalize-space(string-join($s/tei:label[1]//text(), ' '))"/>
    <xsl:sequence select="if (normalize-space($s/@n)) then 'Page ' || normalize-space($s/@n)
        else if ($label) then $label
        else 'Page ' || (index-of(tk:pages($s) ! generate-id(.), generate-id($s))[1], 1)[1]"/>
  </xsl:function>

  <!-- What the encoder says of the page (its desc, and a label that @n already names). -->
  <xsl:function name="tk:page-desc" as="xs:string?">
    <xsl:param name="s" as="element(tei:surface)"/>
    <xsl:sequence select="normalize-space(string-join((if (normalize-space($s/@n)) then $s/tei:label else (),
                                                       $s/tei:desc) ! normalize-space(string-join(.//text(), ' ')), ' — '))[.]"/>
  </xsl:function>

  <!-- The address of a page's image: its graphic, else its @facs (a graphic or surface of the
       facsimile, or a file), by the rules of a page break's image. -->
  <xsl:function name="tk:page-image" as="xs:string?">
    <xsl:param name="s" as="element(tei:surface)"/>
    <xsl:variable name="g" select="$s/tei:graphic[normalize-space(@url)][1]"/>
    <xsl:sequence select="if ($g) then tk:facs-url($g) else if (normalize-space($s/@facs)) then tk:pb-facs($s) else ()"/>
  </xsl:function>

  <!-- The children of a page or zone that are printed as blocks of it, in order. A zone that
       holds nothing but one line and says it is a line's (what layout analysis makes of every
       line: SegmOnto's type "DefaultLine" with its baseline path, Transkribus' rendition
       "Line") is that line. -->
  <xsl:function name="tk:page-parts" as="node()*">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="$e/(tei:zone | tei:line | tei:surface | tei:surfaceGrp | tei:note | tei:ab | tei:seg
                              | text()[normalize-space()]) ! (if (tk:is-line-zone(.)) then tei:line else .)"/>
  </xsl:function>

  <xsl:function name="tk:is-line-zone" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="exists($n/self::tei:zone) and count($n/tei:line) = 1
        and matches(string-join(($n/@type, $n/@rendition), ' '), 'line', 'i')
        and empty($n/(* except (tei:line | tei:path | tei:graphic | tei:anchor | tei:handShift)))
        and empty($n/text()[normalize-space()])"/>
  </xsl:function>

  <!-- Is a part of a page a zone (printed as a block of lines under its label)? -->
  <xsl:function name="tk:is-zone" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="exists($n/self::tei:zone | $n/self::tei:surface | $n/self::tei:surfaceGrp)"/>
  </xsl:function>

  <!-- A zone's label: its type made readable ("left_margin" → "Left margin", SegmOnto's
       "MarginTextZone" → "Margin text"), its @n, and its rotation; nothing for the main zone
       (a type "main", "MainZone", "MainZone-P"...), or for an untyped zone that is not rotated. -->
  <xsl:function name="tk:zone-label" as="xs:string?">
    <xsl:param name="z" as="element()"/>
    <xsl:variable name="type" select="normalize-space(replace(replace(replace(normalize-space($z/@type),
        '([a-z])([A-Z])', '$1 $2'), '[_-]+', ' '), '(.) [Zz]one$', '$1'))"/>
    <xsl:variable name="kind" select="if ($z/self::tei:surface or $z/self::tei:surfaceGrp)
        then (normalize-space(string-join($z/tei:label[1]//text(), ' '))[.], $type[.], 'Surface')[1]
        else if (matches($type, '^main( |$)', 'i')) then ''
        else $type"/>
    <xsl:variable name="rotate" select="normalize-space($z/@rotate)[. castable as xs:decimal][xs:decimal(.) mod 360 != 0]"/>
    <xsl:variable name="main" select="$kind = '' and matches($type, '^main( |$)', 'i')"/>
    <xsl:variable name="name" select="if ($main) then '' else normalize-space(string-join((
        ($kind[.] ! (upper-case(substring(., 1, 1)) || lower-case(substring(., 2))), 'Zone'[normalize-space($z/@n)])[1],
        normalize-space($z/@n)), ' '))"/>
    <xsl:variable name="label" select="string-join(($name[.], $rotate ! ('rotated ' || . || '°')), ', ')"/>
    <xsl:sequence select="$label[.] ! (upper-case(substring(., 1, 1)) || substring(., 2))"/>
  </xsl:function>

  <!-- Line numbers: @n, else the line's place among the lines of its page. Counted once for
       the whole document. -->
  <xsl:variable name="tk:page-line-ordinals" as="map(xs:string, xs:integer)"
      select="map:merge(for $s in tk:pages(/) return
                let $lines := $s//tei:line
                return for $i in 1 to count($lines) return map:entry(generate-id($lines[$i]), $i))"/>

  <xsl:function name="tk:page-line-number" as="xs:string">
    <xsl:param name="line" as="element(tei:line)"/>
    <xsl:sequence select="(normalize-space($line/@n)[.], string(($tk:page-line-ordinals(generate-id($line)), 0)[1]))[1]"/>
  </xsl:function>

  <!-- What of an element the diplomatic view shows, where it differs from the reading text:
       a choice its orig, sic or abbr; a subst both its parts; an app its lemma. Empty for
       every other element (the output's own template renders it). -->
  <xsl:function name="tk:page-shown" as="node()*">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="
        if ($e/self::tei:choice) then ($e/tei:orig, $e/tei:sic, $e/tei:abbr, $e/tei:seg, $e/*)[1]
        else if ($e/self::tei:subst) then $e/node()
        else if ($e/self::tei:app) then tk:app-lemma($e)/node()
        else ()"/>
  </xsl:function>

  <!-- The other side of a choice in the diplomatic view ("regularised: Fleiß"), for a tooltip. -->
  <xsl:function name="tk:page-choice-other" as="xs:string?">
    <xsl:param name="choice" as="element(tei:choice)"/>
    <xsl:variable name="other" select="($choice/* except tk:page-shown($choice))[1]"/>
    <xsl:sequence select="if (empty($other) or normalize-space($other) = '') then ()
        else (if ($other/self::tei:corr) then 'corrected: ' else if ($other/self::tei:reg) then 'regularised: '
              else if ($other/self::tei:expan) then 'expanded: ' else '') || normalize-space($other)"/>
  </xsl:function>

  <!-- How an addition's place is said to readers ("added above the line"). -->
  <xsl:function name="tk:add-place" as="xs:string?">
    <xsl:param name="add" as="element()"/>
    <xsl:variable name="p" select="lower-case(normalize-space($add/@place))"/>
    <xsl:sequence select="if ($p = '') then ()
        else 'added ' || (
          if ($p = ('above', 'superlinear', 'supralinear', 'interlinear', 'top')) then 'above the line'
          else if ($p = ('below', 'sublinear', 'infralinear', 'bottom')) then 'below the line'
          else if (contains($p, 'margin') or $p = ('left', 'right', 'opposite', 'overleaf')) then 'in the margin (' || $p || ')'
          else '(' || $p || ')')"/>
  </xsl:function>

  <!-- A modification whose rendering is a cancellation (mod rend="strikethrough", "erase") is
       on the page as a deletion, so it takes the deletion's signs ⟦ ⟧. -->
  <xsl:function name="tk:is-cancelled" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/self::tei:mod) and matches(string($e/@rend), 'strike|erase|cancel|overwrit|line-through', 'i')"/>
  </xsl:function>

  <!-- Zones outlined on the page image. A page's coordinate space is its own @ulx @uly @lrx
       @lry, else its image's @width and @height in pixels; a zone's shape is its rectangle
       (@ulx @uly @lrx @lry) or its polygon (@points), in that space. -->
  <xsl:function name="tk:page-space" as="xs:double*">
    <xsl:param name="s" as="element(tei:surface)"/>
    <xsl:variable name="box" select="tk:box($s)"/>
    <xsl:variable name="g" select="$s/tei:graphic[normalize-space(@url)][1]"/>
    <xsl:variable name="wh" select="($g/@width, $g/@height) ! replace(normalize-space(.), '^(\d+(\.\d+)?)(px)?$', '$1')"/>
    <xsl:sequence select="if (exists($box)) then $box
        else if (count($wh) = 2 and (every $v in $wh satisfies $v castable as xs:double and xs:double($v) gt 0))
          then (0, 0, $wh ! xs:double(.))
        else ()"/>
  </xsl:function>

  <!-- x, y, width, height of an element's @ulx @uly @lrx @lry, or nothing. -->
  <xsl:function name="tk:box" as="xs:double*">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="c" select="($e/@ulx, $e/@uly, $e/@lrx, $e/@lry)[normalize-space(.) castable as xs:double] ! xs:double(normalize-space(.))"/>
    <xsl:sequence select="if (count($c) = 4 and $c[3] gt $c[1] and $c[4] gt $c[2]) then ($c[1], $c[2], $c[3] - $c[1], $c[4] - $c[2]) else ()"/>
  </xsl:function>

  <!-- A zone's shape: "rect x y width height" or "polygon x,y x,y x,y...", or nothing. -->
  <xsl:function name="tk:zone-shape" as="xs:string?">
    <xsl:param name="z" as="element()"/>
    <xsl:variable name="box" select="tk:box($z)"/>
    <xsl:variable name="points" select="normalize-space($z/@points)"/>
    <xsl:sequence select="if (exists($box)) then 'rect ' || string-join($box ! string(.), ' ')
        else if (matches($points, '^-?\d+(\.\d+)?,-?\d+(\.\d+)?( -?\d+(\.\d+)?,-?\d+(\.\d+)?){2,}$')) then 'polygon ' || $points
        else ()"/>
  </xsl:function>

</xsl:stylesheet>
