<?xml version="1.0" encoding="UTF-8"?>
<!--
  pages.xsl: the pages of a teikit site that are made from the whole corpus, one page per run
  ($page: index, registers, persons, places, organisations, events, works, timeline, about, search).

  The input is the corpus summary teikit.site.registers builds from every document's summary
  (collect.xsl): the documents with their header metadata, and the entities of all documents,
  merged by identifier, each with every document and passage that mentions it.
  Every page is complete without JavaScript; the index's sorting and filtering and the search
  are added by scripts on top of it.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:site="urn:teikit:site"
    exclude-result-prefixes="#all">

  <xsl:import href="layout.xsl"/>

  <xsl:param name="page" as="xs:string" select="'index'"/>

  <xsl:key name="site:entity" match="site:entity" use="@id"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="$page = 'index'"><xsl:call-template name="site:index"/></xsl:when>
      <xsl:when test="$page = 'registers'"><xsl:call-template name="site:registers"/></xsl:when>
      <xsl:when test="$page = 'timeline'"><xsl:call-template name="site:timeline"/></xsl:when>
      <xsl:when test="$page = 'about'"><xsl:call-template name="site:about"/></xsl:when>
      <xsl:when test="$page = 'search'"><xsl:call-template name="site:search"/></xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="site:register">
          <xsl:with-param name="kind" select="map:keys($register-pages)[$register-pages(.) = $page]"
                          xmlns:map="http://www.w3.org/2005/xpath-functions/map"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================== -->
  <!-- The index of documents -->

  <xsl:template name="site:index">
    <xsl:variable name="docs" select="$corpus/site:document"/>
    <xsl:call-template name="site:page">
      <xsl:with-param name="name" select="'index'"/>
      <xsl:with-param name="title" select="$site-title"/>
      <xsl:with-param name="content" as="node()*">
        <xsl:for-each select="$corpus/site:about/site:description[normalize-space()]">
          <p class="lead"><xsl:value-of select="."/></p>
        </xsl:for-each>
        <h2 id="documents-h">Documents</h2>
        <form class="doc-filter" id="doc-filter" hidden="" role="search" aria-label="Filter the documents">
          <label>Words <input type="search" id="doc-query" name="q"/></label>
          <label>Kind
            <select id="doc-kind" name="kind">
              <option value="">all</option>
              <xsl:for-each select="distinct-values($docs/@kind)">
                <xsl:sort select="."/>
                <option value="{.}"><xsl:value-of select="."/></option>
              </xsl:for-each>
            </select>
          </label>
          <label>From year <input type="text" inputmode="numeric" id="doc-from" name="from" size="6"/></label>
          <label>To year <input type="text" inputmode="numeric" id="doc-to" name="to" size="6"/></label>
          <output class="doc-count" id="doc-count" for="doc-query doc-kind doc-from doc-to"/>
        </form>
        <table class="documents" id="documents" aria-labelledby="documents-h">
          <thead>
            <tr>
              <th scope="col" data-sort="title">Title</th>
              <th scope="col" data-sort="who">Author or correspondents</th>
              <th scope="col" data-sort="date">Date</th>
              <th scope="col" data-sort="place">Place</th>
              <th scope="col" data-sort="kind">Kind</th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="$docs">
              <xsl:sort select="(@date, '9999')[1]"/>
              <xsl:sort select="lower-case(@title)"/>
              <xsl:variable name="who" select="site:who(.)"/>
              <tr data-title="{lower-case(@title)}" data-who="{lower-case($who)}" data-date="{@date}"
                  data-place="{lower-case(site:place[1]/@name)}" data-kind="{@kind}">
                <td><xsl:sequence select="site:doc-link(.)"/></td>
                <td><xsl:value-of select="$who"/></td>
                <td class="date">
                  <xsl:if test="@date"><time datetime="{@date}"><xsl:value-of select="site:date-label(.)"/></time></xsl:if>
                </td>
                <td><xsl:value-of select="site:place[1]/@name"/></td>
                <td class="kind"><xsl:value-of select="@kind"/></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- Who a document is by: its authors, else sender to addressee. -->
  <xsl:function name="site:who" as="xs:string">
    <xsl:param name="doc" as="element(site:document)"/>
    <xsl:sequence select="if ($doc/site:sender or $doc/site:addressee)
                          then string-join((string-join($doc/site:sender/@name, '; '),
                                            string-join($doc/site:addressee/@name, '; '))[.], ' to ')
                          else string-join($doc/site:author/@name, '; ')"/>
  </xsl:function>

  <!-- ================================================================== -->
  <!-- Registers -->

  <xsl:template name="site:registers">
    <xsl:call-template name="site:page">
      <xsl:with-param name="name" select="'registers'"/>
      <xsl:with-param name="title" select="'Registers'"/>
      <xsl:with-param name="content" as="node()*">
        <p class="lead">Persons, places, organisations, events and works named in the documents, each with
          every document and passage that mentions it.</p>
        <ul class="register-summary">
          <xsl:for-each select="('person', 'place', 'org', 'event', 'work')">
            <xsl:variable name="kind" select="."/>
            <li>
              <a href="{$register-pages($kind)}.html"><xsl:value-of select="$register-titles($kind)"/></a>
              <xsl:text>: </xsl:text>
              <xsl:value-of select="count($corpus/site:entity[@kind = $kind])"/> entries
            </li>
          </xsl:for-each>
        </ul>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="site:register">
    <xsl:param name="kind" as="xs:string"/>
    <xsl:variable name="entities" select="$corpus/site:entity[@kind = $kind]"/>
    <xsl:call-template name="site:page">
      <xsl:with-param name="name" select="$register-pages($kind)"/>
      <xsl:with-param name="title" select="$register-titles($kind)"/>
      <xsl:with-param name="content" as="node()*">
        <p class="lead">
          <xsl:value-of select="count($entities)"/> entries in <xsl:value-of select="count($corpus/site:document)"/> documents.
        </p>
        <xsl:if test="empty($entities)"><p>No document names any.</p></xsl:if>
        <xsl:variable name="initials" select="distinct-values($entities/site:initial(.))"/>
        <xsl:if test="count($initials) gt 1">
          <nav aria-label="Initials"><ul class="az">
            <xsl:for-each select="$initials"><li><a href="#az-{.}"><xsl:value-of select="."/></a></li></xsl:for-each>
          </ul></nav>
        </xsl:if>
        <xsl:for-each-group select="$entities" group-by="site:initial(.)">
          <section aria-labelledby="az-{current-grouping-key()}">
            <h2 id="az-{current-grouping-key()}"><xsl:value-of select="current-grouping-key()"/></h2>
            <ul class="register-entries">
              <xsl:apply-templates select="current-group()" mode="site:entity"/>
            </ul>
          </section>
        </xsl:for-each-group>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:function name="site:initial" as="xs:string">
    <xsl:param name="entity" as="element(site:entity)"/>
    <xsl:variable name="c" select="upper-case(substring($entity/@sort, 1, 1))"/>
    <xsl:sequence select="if (matches($c, '^\p{L}$')) then $c else '#'"/>
  </xsl:function>

  <xsl:template match="site:entity" mode="site:entity">
    <li id="{@id}">
      <span class="entry-name"><xsl:value-of select="@name"/></span>
      <xsl:if test="@date"> (<time datetime="{@date}"><xsl:value-of select="@date"/></time>)</xsl:if>
      <xsl:text> </xsl:text>
      <span class="entry-count">
        <xsl:value-of select="count(site:in)"/> document<xsl:if test="count(site:in) ne 1">s</xsl:if>
      </span>
      <xsl:if test="site:authority">
        <span class="authorities">
          <xsl:text> · </xsl:text>
          <xsl:for-each select="site:authority">
            <a class="authority" href="{@href}"><xsl:value-of select="@label"/></a>
          </xsl:for-each>
        </span>
      </xsl:if>
      <ul>
        <xsl:for-each select="site:in">
          <li>
            <a href="{@href}"><xsl:value-of select="@title"/></a>
            <xsl:if test="@date-label">, <xsl:value-of select="@date-label"/></xsl:if>
            <xsl:if test="site:role">
              <xsl:text> (</xsl:text><xsl:value-of select="string-join(site:role, ', ')"/><xsl:text>)</xsl:text>
            </xsl:if>
            <xsl:for-each-group select="site:at" group-by="string(@section)">
              <xsl:text>; </xsl:text>
              <xsl:if test="current-grouping-key()">
                <span class="section"><xsl:value-of select="current-grouping-key()"/></span>
                <xsl:text>: </xsl:text>
              </xsl:if>
              <span class="passages">
                <xsl:for-each select="current-group()">
                  <xsl:if test="position() gt 1">, </xsl:if>
                  <a href="{../@href}#{@anchor}"><xsl:value-of select="(@words[normalize-space()], 'passage')[1]"/></a>
                </xsl:for-each>
              </span>
            </xsl:for-each-group>
          </li>
        </xsl:for-each>
      </ul>
    </li>
  </xsl:template>

  <!-- ================================================================== -->
  <!-- Timeline: documents and dated events in date order, by year. -->

  <xsl:template name="site:timeline">
    <xsl:variable name="items" as="element()*"
        select="$corpus/site:document[@date], $corpus/site:entity[@kind = 'event'][@date]"/>
    <xsl:call-template name="site:page">
      <xsl:with-param name="name" select="'timeline'"/>
      <xsl:with-param name="title" select="'Timeline'"/>
      <xsl:with-param name="content" as="node()*">
        <p class="lead">
          <xsl:value-of select="count($corpus/site:document[@date])"/> dated documents and
          <xsl:value-of select="count($corpus/site:entity[@kind = 'event'][@date])"/> dated events<xsl:if
            test="$corpus/site:document[not(@date)]">; <xsl:value-of select="count($corpus/site:document[not(@date)])"/>
            undated documents are listed in the <a href="index.html">index</a></xsl:if>.
        </p>
        <ol class="timeline-years">
          <xsl:for-each-group select="$items" group-by="substring(@date, 1, 4)">
            <xsl:sort select="current-grouping-key()"/>
            <li>
              <h2 id="y{current-grouping-key()}"><xsl:value-of select="current-grouping-key()"/></h2>
              <ol>
                <xsl:for-each select="current-group()">
                  <xsl:sort select="@date"/>
                  <li>
                    <time datetime="{@date}"><xsl:value-of select="(@date-label, @date)[1]"/></time>
                    <xsl:text> </xsl:text>
                    <xsl:choose>
                      <xsl:when test="self::site:document">
                        <xsl:sequence select="site:doc-link(.)"/>
                        <xsl:variable name="who" select="site:who(.)"/>
                        <xsl:if test="$who"> · <xsl:value-of select="$who"/></xsl:if>
                      </xsl:when>
                      <xsl:otherwise>
                        <a href="events.html#{@id}"><xsl:value-of select="@name"/></a> (event)
                      </xsl:otherwise>
                    </xsl:choose>
                  </li>
                </xsl:for-each>
              </ol>
            </li>
          </xsl:for-each-group>
        </ol>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- ================================================================== -->
  <!-- About -->

  <xsl:template name="site:about">
    <xsl:variable name="about" select="$corpus/site:about"/>
    <xsl:variable name="dates" select="sort($corpus/site:document/@date ! string(.))"/>
    <xsl:call-template name="site:page">
      <xsl:with-param name="name" select="'about'"/>
      <xsl:with-param name="title" select="'About'"/>
      <xsl:with-param name="content" as="node()*">
        <xsl:for-each select="$about/site:description[normalize-space()]"><p><xsl:value-of select="."/></p></xsl:for-each>
        <dl class="about">
          <xsl:for-each select="$about/site:publisher[normalize-space()]">
            <dt>Published by</dt><dd><xsl:value-of select="."/></dd>
          </xsl:for-each>
          <xsl:for-each select="$about/site:licence[normalize-space()]">
            <dt>Licence</dt><dd><xsl:value-of select="."/></dd>
          </xsl:for-each>
          <dt>Documents</dt>
          <dd>
            <xsl:value-of select="count($corpus/site:document)"/>
            <xsl:for-each-group select="$corpus/site:document" group-by="@kind">
              <xsl:sort select="current-grouping-key()"/>
              <xsl:value-of select="if (position() eq 1) then ': ' else ', '"/>
              <xsl:value-of select="count(current-group()) || ' ' || current-grouping-key()"/>
            </xsl:for-each-group>
          </dd>
          <xsl:if test="exists($dates)">
            <dt>Dates</dt><dd><xsl:value-of select="$dates[1] || ' to ' || $dates[last()]"/></dd>
          </xsl:if>
          <dt>Languages</dt><dd><xsl:value-of select="string-join(sort(distinct-values($corpus/site:document/@lang)), ', ')"/></dd>
          <dt>Registers</dt>
          <dd>
            <xsl:for-each select="('person', 'place', 'org', 'event', 'work')">
              <xsl:variable name="kind" select="."/>
              <xsl:if test="position() gt 1">, </xsl:if>
              <a href="{$register-pages($kind)}.html">
                <xsl:value-of select="count($corpus/site:entity[@kind = $kind]) || ' ' || lower-case($register-titles($kind))"/>
              </a>
            </xsl:for-each>
          </dd>
        </dl>
        <h2 id="about-site">This site</h2>
        <p>Every page is a static file with relative links: the folder can be copied to any web server or
          deposited in an archive as it is, and read from disk. Nothing is requested from another host.
          The texts, notes and registers need no JavaScript; sorting the index and the full-text search
          use it. The search index (made with Pagefind) is fetched in pieces, which browsers allow only
          when the site is served over HTTP.</p>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- ================================================================== -->
  <!-- Search: Pagefind's UI, served from this folder. -->

  <xsl:template name="site:search">
    <xsl:call-template name="site:page">
      <xsl:with-param name="name" select="'search'"/>
      <xsl:with-param name="title" select="'Search'"/>
      <xsl:with-param name="csp"
          select="&quot;default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; &quot;
                  || &quot;script-src 'self' 'wasm-unsafe-eval' &quot; || site:script-source() || &quot;; connect-src 'self'&quot;"/>
      <xsl:with-param name="extra-head" as="node()*">
        <link rel="stylesheet" href="pagefind/pagefind-ui.css"/>
        <script src="pagefind/pagefind-ui.js"></script>
      </xsl:with-param>
      <xsl:with-param name="content" as="node()*">
        <p class="search-note" id="search-file-note" hidden="">The full-text search needs the site served over
          HTTP (any static web server; for a preview, <code>teikit site --serve</code>). Opened from disk, use
          the <a href="index.html">index of documents</a> and the <a href="registers.html">registers</a>.</p>
        <noscript><p class="search-note">The full-text search needs JavaScript. The
          <a href="index.html">index of documents</a> and the <a href="registers.html">registers</a> do not.</p></noscript>
        <div id="search"></div>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
