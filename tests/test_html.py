"""The HTML reading edition: valid, accessible, self-contained, escaped, and linked both ways.

Reference checks use the tools scholars' publishers use:
- the Nu HTML Checker (vnu.jar from npm's vnu-jar, installed by `./dev test` into .tools/),
  run once per module on every page, `--errors-only`;
- axe-core in headless Chromium. The simplest robust way to run it without a driver
  library: copy the page, append axe.min.js and a small script that runs `axe.run()`
  and writes the violations as JSON into a <pre> element, then let
  `chromium --headless --dump-dom --virtual-time-budget=...` print the DOM once the
  page's tasks have run, and read the JSON back. The page's own Content-Security-Policy
  forbids every script (`script-src 'none'`), so the test's copy allows inline scripts for
  the two it injects; nothing is fetched.
Both skip when Java, Chromium or .tools/ are missing.
"""

from __future__ import annotations

import html as htmlmod
import itertools
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import DATA, EDITION, ROOT
from teikit.load import load
from teikit.write import BuildOptions, build_document
from teikit.write.html import render_html
from teikit.write.text import render_text

OUTPUTS = DATA / "outputs"
ARTICLE = OUTPUTS / "article.xml"
PLAY = OUTPUTS / "play.xml"
HOSTILE = OUTPUTS / "hostile.xml"
EDITION_FILE = EDITION / "karabakh-war.xml"
VNU = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
TEI = "{http://www.tei-c.org/ns/1.0}"

requires_vnu = pytest.mark.skipif(not (shutil.which("java") and VNU.is_file()),
                                  reason="java or .tools/…/vnu.jar missing (./dev test installs them)")
requires_axe = pytest.mark.skipif(not (CHROMIUM and AXE.is_file()),
                                  reason="chromium or .tools/…/axe.min.js missing (./dev test installs them)")


def pages() -> list[Path]:
    """The documents whose pages must pass the reference checkers."""
    found = [ARTICLE, PLAY, HOSTILE, OUTPUTS / "novel.xml", OUTPUTS / "corpus.xml"]
    return [*found, EDITION_FILE] if EDITION_FILE.is_file() else found


def page_id(path: Path) -> str:
    return path.stem


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Every test page, built once through the real writer."""
    out = tmp_path_factory.mktemp("html")
    return {p.stem: build_document(load(p), out, ["html"], BuildOptions())[0] for p in pages()}


def parse(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_bytes())


# ---------------------------------------------------------------------------
# Reference checkers

def vnu_errors(files: list[Path]) -> dict[str, list[str]]:
    """Nu HTML Checker errors per file name, one JVM for all files."""
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                            capture_output=True, text=True, timeout=300)
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    errors: dict[str, list[str]] = {f.name: [] for f in files}
    for message in report["messages"]:
        name = Path(message.get("url", "").removeprefix("file:")).name
        errors.setdefault(name, []).append(f"{message.get('lastLine')}: {message.get('message')}")
    return errors


AXE_RUNNER = """
axe.run(document, {resultTypes: ['violations']}).then(function (r) {
  var out = document.createElement('pre'); out.id = 'axe-results';
  out.textContent = JSON.stringify(r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(function (n) { return n.html; })};
  }));
  document.documentElement.appendChild(out);
}, function (e) {
  var out = document.createElement('pre'); out.id = 'axe-results';
  out.textContent = JSON.stringify([{id: 'axe-error', help: String(e)}]);
  document.documentElement.appendChild(out);
});
"""


def axe_violations(page: Path) -> list[dict]:
    """axe-core's violations for a page, run in headless Chromium."""
    source = page.read_text(encoding="utf-8")
    source = source.replace("script-src 'none'", "script-src 'unsafe-inline'")  # the checker's copy only
    injected = source.replace("</body>", f"<script>{AXE.read_text(encoding='utf-8')}</script>"
                                         f"<script>{AXE_RUNNER}</script></body>")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "page.html"
        copy.write_text(injected, encoding="utf-8")
        result = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--no-first-run", f"--user-data-dir={tmp}/profile", "--virtual-time-budget=60000",
             "--dump-dom", copy.as_uri()],
            capture_output=True, text=True, timeout=300)
    match = re.search(r'<pre id="axe-results">(.*?)</pre>', result.stdout, re.S)
    assert match, f"axe did not report: {result.stderr[-1500:]}"
    return json.loads(htmlmod.unescape(match.group(1)))


@requires_vnu
def test_every_page_is_valid_html5_for_the_nu_checker(built):
    errors = vnu_errors(list(built.values()))
    assert {name: msgs for name, msgs in errors.items() if msgs} == {}


@requires_axe
@pytest.mark.parametrize("name", ["article", "play", "karabakh-war"])
def test_pages_have_no_accessibility_violations(built, name):
    if name not in built:
        pytest.skip("the edition tei/karabakh-war.xml is absent")
    assert axe_violations(built[name]) == []


# ---------------------------------------------------------------------------
# Self-contained, escaped

def test_the_page_is_self_contained(built):
    page = built["article"].read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE HTML>")
    tree = parse(built["article"])
    assert tree.xpath("//link[@rel='stylesheet'] | //script[@src] | //iframe | //object") == []
    assert all(src.startswith("data:") for src in tree.xpath("//@src"))
    assert "url(" not in "".join(tree.xpath("//style/text()"))
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp and "default-src 'none'" in csp[0]
    assert "script-src 'none'" in csp[0] and "unsafe-inline" not in csp[0].split("script-src")[1]
    assert tree.xpath("//style/text()") and "@media print" in tree.xpath("//style/text()")[0]


def test_text_that_looks_like_markup_stays_text(built):
    tree = parse(built["hostile"])
    assert tree.xpath("//script") == []
    assert len(tree.xpath("//style")) == 1
    assert [a for a in tree.xpath("//@*") if a.attrname.startswith("on")] == []
    assert not [h for h in tree.xpath("//@href") if h.lower().startswith("javascript:")]
    assert tree.xpath("//@src") == []  # the remote image is not requested
    assert tree.findtext(".//title") == "<script>alert(1)</script> and </style> in a title"
    assert "<script>alert(3)</script>" in tree.xpath("string(//h2[@class='head'])")
    assert "</style><script>alert(8)</script>" in tree.xpath("string(//li[@class='note'])")
    assert all(not re.search(r'[<>"\s]', h) for h in tree.xpath("//@href"))  # URLs are escaped
    assert tree.xpath("//*[@lang]/@lang") == ["en"]  # the malformed language tag is dropped


def test_hostile_text_output_is_plain_text():
    text = render_text(load(HOSTILE))
    assert "<script>alert(1)</script> and </style> in a title" in text.splitlines()[0]
    assert "alert(10)" not in text  # a pull quote


# ---------------------------------------------------------------------------
# Structure of the reading edition

def test_title_block_authors_orcid_abstract_keywords(built):
    tree = parse(built["article"])
    assert tree.xpath("string(//h1)") == "Ceasefires in the South Caucasus"
    names = tree.xpath("//li[@class='author']/span[@class='author-name']/text()")
    assert names == ["Nazim Example", "Araz Sample"]
    assert "https://orcid.org/0000-0002-7480-4680" in tree.xpath("//li[@class='author']//a/@href")
    assert tree.xpath("count(//section[contains(@class, 'abstract')]/h2)") == 1
    assert tree.xpath("//p[@class='keywords']//*[contains(@class, 'keyword')]/text()") == [
        "Karabakh War", "Russia", "South Caucasus"]


def test_table_of_contents_links_every_headed_section(built):
    tree = parse(built["article"])
    ids = set(tree.xpath("//@id"))
    toc = tree.xpath("//nav[@class='toc']//a/@href")
    assert toc[:4] == ["#introduction", "#ceasefires", toc[2], "#conclusion"]
    assert all(h[1:] in ids for h in toc)
    assert tree.xpath("string(//nav//li[2]/ol/li/a)") == "The Bishkek Protocol"


def test_headings_descend_one_level_at_a_time(built):
    tree = parse(built["article"])
    levels = [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_ids_are_unique_and_every_fragment_link_lands(built):
    for name, page in built.items():
        tree = parse(page)
        ids = tree.xpath("//@id")
        assert len(ids) == len(set(ids)), name
        dangling = [h for h in tree.xpath("//a/@href") if h.startswith("#") and h[1:] not in set(ids)]
        assert dangling == [], name


def marker_id(marker) -> str | None:
    """A note call's id: on the call (its link and popover button together) or on the link itself."""
    parent = marker.getparent()
    return marker.get("id") or (parent.get("id") if parent.get("class") == "notecall" else None)


def test_notes_link_to_their_marker_and_back(built):
    tree = parse(built["article"])
    markers = tree.xpath("//a[@class='noteref']")
    notes = tree.xpath("//section[@id='tk-notes']//li[@class='note']")
    assert [m.text_content() for m in markers] == ["1", "2", "3", "4"]
    assert len(notes) == 4
    for marker, note in zip(markers, notes, strict=True):
        assert marker.get("href") == "#" + note.get("id")
        back = note.xpath("a[@role='doc-backlink']/@href")[0]
        assert back == "#" + marker_id(marker)


def test_entities_are_highlighted_by_kind_and_linked_to_their_entry(built):
    tree = parse(built["article"])
    text = tree.xpath("//div[@id='tk-text']")[0]
    kinds = {a.text_content().strip(): a.get("class") for a in text.xpath(".//a[contains(@class, 'ent ')]")}
    assert kinds["Boris Yeltsin"] == "ent ent-person"
    assert kinds["Moscow"] == "ent ent-place"
    assert kinds["OSCE"] == "ent ent-org"
    assert kinds["Bishkek Protocol"] == "ent ent-treaty"
    assert kinds["war"] == "ent ent-event"
    assert text.xpath(".//a[text()='Boris Yeltsin']/@href") == ["#yeltsin"]


def test_register_entries_link_back_to_every_occurrence(built):
    tree = parse(built["article"])
    entry = tree.xpath("//li[@id='yeltsin']")[0]
    backlinks = entry.xpath(".//a[@class='occ']/@href")
    assert len(backlinks) == 2
    for href in backlinks:
        occurrence = tree.xpath(f"//*[@id='{href[1:]}']")[0]
        assert occurrence.get("href") == "#yeltsin"
    assert "Not mentioned" in tree.xpath("string(//li[@id='nobody'])")
    sections = tree.xpath("//section[@id='tk-index']/section/h3/text()")
    assert sections == ["Persons", "Places", "Organisations", "Events", "Treaties and other instruments"]


def test_authority_identifiers_become_links(built):
    hrefs = set(parse(built["article"]).xpath("//section[@id='tk-index']//a[@class='authority']/@href"))
    assert {"https://www.wikidata.org/wiki/Q34453", "https://viaf.org/viaf/10639862",
            "https://www.geonames.org/524901"} <= hrefs


def test_timeline_lists_dated_events_and_treaties_in_date_order(built):
    tree = parse(built["article"])
    items = tree.xpath("//section[@id='tk-timeline']//li")
    starts = [li.xpath("string(time[1]/@datetime)") for li in items]
    assert starts == sorted(starts)
    assert [li.xpath("string(a)") for li in items] == [
        "First Karabakh War", "Bishkek Protocol", "Second Karabakh War", "Trilateral Statement"]


def test_how_to_cite_gives_the_doi(built):
    cite = parse(built["article"]).xpath("//section[@id='tk-cite']")[0]
    assert "https://doi.org/10.25253/99.2021234.12" in cite.xpath(".//a/@href")
    text = cite.text_content()
    assert "Insight Examples" in text and "23, no. 4 (2021): 213\u2013229" in text


def test_pull_quotes_are_set_apart_and_hidden_from_assistive_technology(built):
    tree = parse(built["article"])
    quotes = tree.xpath("//*[contains(@class, 'pullquote')]")
    assert len(quotes) == 2
    for quote in quotes:
        assert quote.get("aria-hidden") == "true"
        assert quote.xpath(".//@id | .//a") == []


def test_figures_have_captions_and_credits(built):
    figure = parse(built["article"]).xpath("//figure[@id='fig1']")[0]
    caption = figure.xpath("figcaption")[0].text_content()
    assert "Presidents met in Moscow" in caption and "Kremlin Press Service / AA" in caption


def test_editorial_corrections_show_the_corrected_reading(built):
    tree = parse(built["article"])
    choice = tree.xpath("//span[contains(@class, 'choice')]")[0]
    assert choice.text_content() == "conflict"
    assert choice.get("title") == "sic: conflikt"


def test_language_changes_are_marked(built):
    tree = parse(built["article"])
    assert tree.getroottree().getroot().get("lang") == "en"
    langs = {(e.get("lang"), e.text_content().strip()) for e in tree.xpath("//*[@lang][not(self::html)]")}
    assert ("ru", "Москва") in langs
    assert ("ru", "Заседание Дискуссионного Клуба «Валдай»") in langs
    assert ("az", "Azərbaycan Respublikası Prezidenti") in langs  # noqa: RUF001
    assert ("tr", "Anadolu Ajansı") in langs  # noqa: RUF001


def test_speakers_link_to_the_cast_register(built):
    tree = parse(built["play"])
    assert tree.xpath("//p[@class='speaker']/a/@href")[:2] == ["#ham", "#hor"]
    hamlet = tree.xpath("//li[@id='ham']")[0]
    assert len(hamlet.xpath(".//a[@class='occ']")) == 2  # his speech and the entrance
    assert "https://www.wikidata.org/wiki/Q2447542" in hamlet.xpath(".//a/@href")


# ---------------------------------------------------------------------------
# HTML and text agree

def numbered_notes(path: Path) -> int:
    """Notes the outputs number, counted from the TEI itself (see tk:is-numbered-note)."""
    root = load(path).root
    return sum(1 for note in root.iter(f"{TEI}note")
               if any(a.tag == f"{TEI}text" for a in note.iterancestors())
               and not any(a.tag == f"{TEI}note" for a in note.iterancestors())
               and note.get("place") not in ("margin", "inline")
               and note.getparent().tag != f"{TEI}figure")


@pytest.mark.parametrize("path", [ARTICLE, PLAY, EDITION_FILE], ids=page_id)
def test_html_and_text_number_the_same_notes(built, path):
    if not path.is_file():
        pytest.skip("the edition tei/karabakh-war.xml is absent")
    expected = numbered_notes(path)
    tree = parse(built[path.stem])
    text = render_text(load(path))
    heading = "Endnotes" if path == EDITION_FILE else "Notes"  # the edition's heading as printed
    body, _, endnotes = text.partition(f"\n{heading}\n{'-' * len(heading)}\n")
    html_markers = [a.text_content() for a in tree.xpath("//a[@class='noteref']")]
    html_notes = [a.text_content().rstrip(".")
                  for a in tree.xpath("//li[@class='note']/a[@class='note-num']")]
    text_markers = re.findall(r"\[([^\]\s]+)\]", body)
    text_notes = re.findall(r"^(\S+)\. ", endnotes, re.M)
    assert len(html_markers) == len(html_notes) == len(text_markers) == len(text_notes) == expected
    assert html_markers == html_notes == text_markers == text_notes


def test_the_edition_has_its_36_endnotes(built):
    if not EDITION_FILE.is_file():
        pytest.skip("the edition tei/karabakh-war.xml is absent")
    tree = parse(built["karabakh-war"])
    assert [a.text_content() for a in tree.xpath("//a[@class='noteref']")] == [str(n) for n in range(1, 37)]


def test_render_html_returns_the_same_page_as_the_writer(built):
    assert render_html(load(ARTICLE)) == built["article"].read_text(encoding="utf-8")


def test_page_parses_as_xml_free_of_markup_leaks(built):
    """No TEI element leaks into the page: every element is HTML."""
    tree = parse(built["karabakh-war" if "karabakh-war" in built else "article"])
    tags = {e.tag for e in tree.iter() if isinstance(e.tag, str)}
    assert not {t for t in tags if ":" in t or t in {"persName", "placeName", "note", "hi", "div1", "TEI"}}
    assert isinstance(etree.tostring(tree), bytes)


def test_notes_called_by_refs_link_both_ways(tmp_path):
    page = build_document(load(OUTPUTS / "novel.xml"), tmp_path, ["html"], BuildOptions())[0]
    tree = parse(page)
    markers = tree.xpath("//a[@class='noteref']")
    assert [(m.get("href"), marker_id(m), m.text_content()) for m in markers] == [
        ("#N1", "ref-N1", "1"), ("#N2", "ref-N2", "2")]
    assert tree.xpath("//li[@class='note']/a/@href") == ["#ref-N1", "#ref-N2"]
    assert "FOOTNOTES" not in tree.text_content()
    assert [p.text_content() for p in tree.xpath("//span[@class='pb']")] == ["p. 1", "p. 2"]


def test_a_page_stylesheet_that_would_close_its_style_element_is_refused(tmp_path, monkeypatch):
    from teikit import resources
    from teikit.errors import TeikitError
    from teikit.write.html import page_css

    shutil.copytree(resources.xslt_dir(), tmp_path / "xslt")
    css = tmp_path / "xslt" / "assets" / "edition.css"
    css.write_text("p { color: black; } </style><script>alert(1)</script>", encoding="utf-8")
    monkeypatch.setenv("TEIKIT_XSLT_DIR", str(tmp_path / "xslt"))
    with pytest.raises(TeikitError, match="</style"):
        page_css()


def test_each_document_of_a_corpus_gets_its_own_section(built):
    tree = parse(built["corpus"])
    assert tree.xpath("//section[@class='corpus-member']/h2/text()") == ["One", "Two"]
    assert tree.xpath("string(//h1)") == "A corpus"


def synthetic_novel(notes: int) -> str:
    """A novel with one note and one register reference per paragraph."""
    paragraphs = "".join(
        f"<p>{'Words of the novel, ' * 8}<note>Note {i}.</note> <persName ref='#p{i % 20}'>P</persName>.</p>"
        + (f"<pb n='{i}'/>" if i % 10 == 0 else "")
        for i in range(notes))
    people = "".join(f"<person xml:id='p{i}'><persName>P{i}</persName></person>" for i in range(20))
    return (f"<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader><fileDesc><titleStmt><title>T</title>"
            f"</titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>"
            f"</teiHeader><text><body><div><head>I</head>{paragraphs}</div></body>"
            f"<back><listPerson>{people}</listPerson></back></text></TEI>")


def test_thousands_of_notes_cost_linear_time(tmp_path):
    """Note numbers and back-links come from one pass, not from counting preceding notes."""
    import time

    costs = []
    for count in (1000, 8000):
        path = tmp_path / f"novel{count}.xml"
        path.write_text(synthetic_novel(count), encoding="utf-8")
        doc = load(path)
        render_html(doc), render_text(doc)  # warm up the compiled stylesheets
        start = time.process_time()
        page, text = render_html(doc), render_text(doc)
        costs.append(time.process_time() - start)
        assert page.count('class="noteref"') == count and text.count("\n1. Note 0.") == 1
    assert costs[1] / costs[0] < 20  # 8 times the notes; quadratic would be 64 times the cost


# ---------------------------------------------------------------------------
# Locators, registers, timeline, cast list

def test_paragraphs_have_stable_ids_and_permalinks(built):
    tree = parse(built["karabakh-war"])
    paragraphs = tree.xpath("//div[@id='tk-text']//p[a[@class='permalink']]")
    assert len(paragraphs) > 30
    first = paragraphs[0]
    assert first.get("id") == "s1-p1"
    assert first.xpath("string(a[@class='permalink']/@href)") == "#s1-p1"
    assert first.xpath("string(a[@class='permalink'])") == "§ 1 ¶ 1"


def test_register_occurrences_say_where_with_their_context(built):
    tree = parse(built["karabakh-war"])
    entry = tree.xpath("//li[@id='p-yeltsin']")[0]
    lines = entry.xpath(".//ul[@class='occurrence-list']/li")
    assert lines
    for line in lines:
        locator = line.xpath("string(a[@class='occ'])")
        assert re.fullmatch(r"§ [\d.]+ ¶ \d+|n\. \d+|Abstract|§ [\d.]+", locator)
        assert "Yeltsin" in line.xpath("string(.//mark)")
        assert len(line.xpath("string(span[@class='kwic'])")) > len("Yeltsin") + 10


def test_drama_occurrences_are_act_scene_line(built):
    tree = parse(built["play"])
    locators = tree.xpath("//section[@id='tk-index']//a[@class='occ']/text()")
    assert locators and all(re.fullmatch(r"\d+\.\d+(\.\d+)?", loc) for loc in locators), locators


def test_persons_sort_by_surname_and_places_by_name(built):
    tree = parse(built["karabakh-war"])
    names = tree.xpath("//section[@id='tk-register-person']//span[@class='entry-name']/text()")
    persons = [" ".join(n.split()) for n in names]
    surnames = [name.split()[-1] for name in persons]
    assert persons.index("Ilham Aliyev") < persons.index("Boris Yeltsin")
    assert surnames[:3] == sorted(surnames[:3], key=str.lower)
    places = tree.xpath("//section[@id='tk-register-place']//span[@class='entry-name']/text()")
    assert places == sorted(places, key=str.lower) or places[0] < places[-1]


def test_coordinates_link_to_an_open_map(built):
    links = parse(built["karabakh-war"]).xpath("//section[@id='tk-index']//a[@class='geo']")
    assert links
    assert links[0].get("href").startswith("https://www.openstreetmap.org/?mlat=")
    assert re.fullmatch(r"[\d.]+° [NS], [\d.]+° [EW] \(map\)", links[0].text_content())


def test_the_timeline_links_to_the_passages(built):
    tree = parse(built["karabakh-war"])
    items = tree.xpath("//section[@id='tk-timeline']//li")
    targets = [li.xpath("string(a[1]/@href)")[1:] for li in items]
    into_text = [t for t in targets if tree.xpath(f"//div[@id='tk-text']//*[@id='{t}']")]
    assert len(into_text) >= len(items) - 2
    assert all(li.xpath(".//a[text()='index']") for li in items)


def test_contents_list_every_part_and_headings_hold_no_links(built):
    tree = parse(built["karabakh-war"])
    parts = tree.xpath("//nav[@id='tk-toc']//a/@href")[-4:]
    assert parts == ["#tk-notes", "#tk-index", "#tk-timeline", "#tk-cite"]
    assert tree.xpath("//h1//a | //h2//a | //h3//a[not(@class='noteref')] | //nav[@id='tk-toc']//a//a") == []


def test_the_cast_list_is_a_list_under_a_heading(built):
    tree = parse(built["play"])
    cast = tree.xpath("//section[@class='castList']")[0]
    assert cast.xpath("string(h2)") == "Persons of the play"
    items = cast.xpath("ul[@class='cast']/li")
    # The comma before a role description is the stylesheet's (.roleDesc::before).
    assert [(li.xpath("string(*[contains(@class, 'role')][1])"), li.xpath("string(span[@class='roleDesc'])"))
            for li in items] == [("Hamlet", "Prince of Denmark"), ("Horatio", "his friend")]


def test_layout_breaks_are_explained(built):
    tree = parse(built["karabakh-war"])
    assert tree.xpath("//span[contains(@class, 'milestone-layoutBreak')][@title='line break in the source']")
    assert "line break in the source" in tree.xpath("string(//nav[@class='readbar'])")
