"""`teikit site`: a static website of a corpus that works from disk, with a search over HTTP.

The site is built once per module from the test letters in tests/data/site (three documents
that name the same persons by different identifiers, and a register file they point into)
plus the edition, and checked as a reader and an archive would: every link and anchor
resolves, nothing is requested from another host, registers merge the documents, pages pass
the Nu checker and axe-core, a second build rebuilds only what changed, and in Chromium a
query, a facet and a result lead to the passage.
"""

from __future__ import annotations

import re
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html

from conftest import CORPORA, DATA, EDITION, requires_corpora, run_cli
from teikit.site import SiteOptions, build_site

SITE_DATA = DATA / "site"
LETTERS = [SITE_DATA / "letter-1.xml", SITE_DATA / "letter-2.xml", SITE_DATA / "note-1901.xml"]
REGISTER = SITE_DATA / "persons.xml"
EDITION_FILE = EDITION / "karabakh-war.xml"

try:
    import pagefind_bin  # noqa: F401

    HAVE_PAGEFIND = True
except ImportError:
    HAVE_PAGEFIND = False
requires_pagefind = pytest.mark.skipif(not HAVE_PAGEFIND,
                                       reason="pagefind not installed (pip install 'teikit[site]')")


def documents() -> list[Path]:
    return [*LETTERS, EDITION_FILE] if EDITION_FILE.is_file() else list(LETTERS)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    report = build_site(documents(), out, SiteOptions(title="Test letters", registers=(REGISTER,), jobs=1,
                                                     search=HAVE_PAGEFIND, licence="CC BY 4.0"))
    assert report.diagnostics == []
    return out


def parse(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_bytes())


def entry(site: Path, page: str, name: str) -> lxml_html.HtmlElement:
    root = parse(site / page)
    found = [li for li in root.iter("li")
             if li.get("id") and li.findtext(".//span[@class='entry-name']") == name]
    assert len(found) == 1, f"{name!r} in {page}: {[li.findtext('.//span') for li in root.iter('li')]}"
    return found[0]


# ---------------------------------------------------------------------------
# What the site holds

def test_the_site_has_a_page_per_document_and_the_corpus_pages(site):
    for name in ("index", "registers", "persons", "places", "organisations", "events", "works", "timeline",
                 "about", "search"):
        assert (site / f"{name}.html").is_file(), name
    assert sorted(p.name for p in (site / "docs").glob("*.html")) == sorted(
        p.with_suffix(".html").name for p in documents())
    assert not (site / "docs" / "persons.html").exists()  # a register file is not a document


def test_the_index_lists_every_document_with_its_metadata_without_javascript(site):
    rows = parse(site / "index.html").xpath("//table[@id='documents']/tbody/tr")
    assert len(rows) == len(documents())
    by_title = {" ".join(r.xpath("string(td[1])").split()): r for r in rows}
    letter = by_title["Ada Byron to Charles Babbage, 5 July 1843"]
    assert letter.get("data-kind") == "letter" and letter.get("data-date") == "1843-07-05"
    assert " ".join(letter.xpath("string(td[2])").split()) == "Lovelace, Ada (1815-1852) to Babbage, Charles"
    assert letter.xpath("string(td[4])").strip() == "London"
    assert letter.xpath("td[1]/a/@href") == ["docs/letter-1.html"]
    note = by_title["A note on the difference engine"]
    assert note.get("data-date") == "1889" and note.xpath("string(td[2])").strip() == "Henry Prevost Babbage"
    dates = [r.get("data-date") or "9999" for r in rows]
    assert dates == sorted(dates)  # in date order when no script sorts it


def test_a_person_named_by_different_identifiers_is_one_register_entry(site):
    # letter-1 names Ada Lovelace by two spellings of her GND URI; letter-2 by a local
    # register entry carrying the GND number as an idno.
    ada = entry(site, "persons.html", "Ada Lovelace")
    docs = ada.xpath("ul/li/a[1]/@href")
    assert docs == ["docs/letter-1.html", "docs/letter-2.html"]
    assert ada.xpath(".//a[@class='authority']/@href") == ["http://d-nb.info/gnd/118646494"]
    roles = [" ".join(li.text_content().split()) for li in ada.xpath("ul/li")]
    assert "(sender)" in roles[0] and "(addressee)" in roles[1]


def test_pointers_into_a_register_file_take_its_names(site):
    babbage = entry(site, "persons.html", "Charles Babbage")
    assert babbage.xpath("ul/li/a[1]/@href") == ["docs/letter-1.html", "docs/letter-2.html",
                                                 "docs/note-1901.html"]
    assert entry(site, "persons.html", "Luigi Federico Menabrea") is not None


def test_register_entries_link_to_the_passage(site):
    babbage = entry(site, "persons.html", "Charles Babbage")
    link = babbage.xpath("ul/li[3]//span[@class='passages']/a")[0]
    page, _, anchor = link.get("href").partition("#")
    target = parse(site / page).get_element_by_id(anchor)
    assert "Charles Babbage" in target.text_content()
    assert babbage.xpath("string(ul/li[3]//span[@class='section'])") == "Memoir"


def test_places_and_organisations_have_registers_too(site):
    london = entry(site, "places.html", "London")
    letters = {"docs/letter-1.html", "docs/letter-2.html", "docs/note-1901.html"}
    assert letters <= set(london.xpath("ul/li/a[1]/@href"))
    assert entry(site, "organisations.html", "Royal Society of London").xpath("ul/li/a[1]/@href") == [
        "docs/letter-2.html"]


def test_the_timeline_orders_dated_documents_by_year(site):
    root = parse(site / "timeline.html")
    years = root.xpath("//ol[@class='timeline-years']/li/h2/text()")
    assert years == sorted(years) and {"1843", "1889"} <= set(years)
    in_1843 = root.xpath("//li[h2='1843']/ol/li/time/@datetime")
    assert in_1843 == ["1843-07-05", "1843-08-12"]


def test_the_about_page_comes_from_the_project_metadata(site):
    root = parse(site / "about.html")
    about = {dt.text_content(): " ".join(dt.getnext().text_content().split()) for dt in root.iter("dt")}
    assert about["Licence"] == "CC BY 4.0"
    assert about["Documents"].startswith(f"{len(documents())}: ") and "2 letter" in about["Documents"]
    assert about["Dates"].startswith("1843-07-05 to ")


def test_document_pages_keep_their_text_and_carry_search_facets(site):
    root = parse(site / "docs" / "letter-1.html")
    assert "the notes on the analytical engine" in " ".join(root.text_content().split())
    main = root.get_element_by_id("tk-main")
    assert main.get("data-pagefind-body") is not None
    facets = {(d.get("data-pagefind-filter"), d.get("value")) for d in root.iter("data")}
    assert ("kind[value]", "letter") in facets and ("year[value]", "1843") in facets
    assert ("correspondent[value]", "Lovelace, Ada (1815-1852)") in facets
    assert ("person[value]", "Charles Babbage") in facets and ("place[value]", "London") in facets
    assert root.xpath("//nav[@class='site-nav']//a[text()='Documents']/@href") == ["../index.html"]


# ---------------------------------------------------------------------------
# Endings: relative, self-contained, complete

def _links(site: Path):
    for page in sorted(site.rglob("*.html")):
        if "pagefind" in page.relative_to(site).parts:
            continue
        root = parse(page)
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None:
                    yield page, element.tag, attribute, value


def test_every_internal_link_and_anchor_resolves(site):
    ids: dict[Path, set[str]] = {}
    broken = []
    checked = 0
    for page, _tag, _attribute, value in _links(site):
        parts = urlsplit(value)
        if parts.scheme or parts.netloc:
            continue
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        if not target.is_relative_to(site.resolve()):
            broken.append(f"{page.name}: {value} leaves the site")
            continue
        if parts.path.endswith(("pagefind-ui.js", "pagefind-ui.css")) and not HAVE_PAGEFIND:
            continue
        if not target.is_file():
            broken.append(f"{page.relative_to(site)}: {value} (no such file)")
            continue
        if parts.fragment and target.suffix == ".html":
            if target not in ids:
                ids[target] = set(parse(target).xpath("//@id"))
            if unquote(parts.fragment) not in ids[target]:
                broken.append(f"{page.relative_to(site)}: {value} (no such anchor)")
        checked += 1
    assert broken == []
    assert checked > 100


def test_nothing_is_requested_from_another_host(site):
    external = [(page.name, tag, value) for page, tag, attribute, value in _links(site)
                if (attribute == "src" or tag == "link")
                and (urlsplit(value).scheme or value.startswith("//"))]
    assert external == []
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in text, page
        assert "'unsafe-inline'" not in re.search(r"script-src [^;\"]*", text).group(0), page
        assert not re.search(r"@import|url\(\s*['\"]?https?:", text), page


def test_the_search_page_says_what_it_needs_without_javascript(site):
    root = parse(site / "search.html")
    assert "teikit site --serve" in root.get_element_by_id("search-file-note").text_content()
    assert root.xpath("//noscript")


@requires_pagefind
def test_the_search_index_and_its_ui_are_inside_the_site(site):
    bundle = site / "pagefind"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-ui.js").is_file()
    assert list((bundle / "filter").glob("*.pf_filter"))
    assert not (site / ".pagefind-new").exists()


def test_text_from_documents_stays_text_on_every_page(tmp_path):
    hostile = DATA / "outputs" / "hostile.xml"
    out = tmp_path / "site"
    report = build_site([hostile], out, SiteOptions(title="<b>T</b>", jobs=1, search=False))
    assert report.diagnostics == []
    for page in ("index.html", "timeline.html", "about.html", "persons.html"):
        root = parse(out / page)
        assert len(root.xpath("//script[not(@src)]")) <= 1, page  # only the site's own script
        assert not root.xpath("//b"), page
    title = parse(out / "index.html").xpath("string(//tbody/tr/td[1]/a)")
    assert title == "<script>alert(1)</script> and </style> in a title"


def test_the_readme_screenshots_exist():
    readme = (DATA.parent.parent / "README.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\((docs/site-[^)]+\.png)\)", readme)
    assert len(images) == 3
    for image in images:
        data = (DATA.parent.parent / image).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) < 200_000, image


# ---------------------------------------------------------------------------
# Incremental

def test_a_second_build_rebuilds_only_the_changed_document(tmp_path):
    folder = tmp_path / "letters"
    shutil.copytree(SITE_DATA, folder)
    out = tmp_path / "site"
    options = SiteOptions(title="T", registers=(folder / "persons.xml",), jobs=1, search=False)
    paths = sorted(p for p in folder.glob("*.xml") if p.name != "persons.xml")
    first = build_site(paths, out, options)
    assert (first.built_documents, first.skipped_documents) == (3, 0)
    untouched = (out / "docs" / "letter-1.html").stat().st_mtime_ns
    again = build_site(paths, out, options)
    assert (again.built_documents, again.skipped_documents) == (0, 3)
    changed = folder / "letter-2.xml"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Royal Society</orgName> met",
                                                                   "Royal Society</orgName> gathered"),
                       encoding="utf-8")
    third = build_site(paths, out, options)
    assert (third.built_documents, third.skipped_documents) == (1, 2)
    assert "gathered" in (out / "docs" / "letter-2.html").read_text(encoding="utf-8")
    assert (out / "docs" / "letter-1.html").stat().st_mtime_ns == untouched
    (out / "docs" / "letter-1.html").unlink()  # a deleted page is rebuilt, never trusted
    assert build_site(paths, out, options).built_documents == 1
    fewer = build_site(paths[1:], out, options)  # a document left out takes its page with it
    assert not (out / "docs" / "letter-1.html").exists() and fewer.documents == 2


@requires_pagefind
def test_the_search_index_is_remade_only_when_a_page_changed(tmp_path):
    folder = tmp_path / "letters"
    shutil.copytree(SITE_DATA, folder)
    out = tmp_path / "site"
    options = SiteOptions(title="T", registers=(folder / "persons.xml",), jobs=1)
    paths = sorted(p for p in folder.glob("*.xml") if p.name != "persons.xml")
    build_site(paths, out, options)
    entry = out / "pagefind" / "pagefind-entry.json"
    first = entry.stat().st_mtime_ns
    build_site(paths, out, options)
    assert entry.stat().st_mtime_ns == first
    changed = folder / "letter-1.xml"
    changed.write_text(changed.read_text(encoding="utf-8").replace("memoir", "paper"), encoding="utf-8")
    build_site(paths, out, options)
    assert entry.stat().st_mtime_ns != first
    fragments = sorted((out / "pagefind" / "fragment").iterdir())
    fragments[0].unlink()  # a damaged index is made again
    build_site(paths, out, options)
    assert fragments[0].exists() or len(list((out / "pagefind" / "fragment").iterdir())) == len(fragments)


# ---------------------------------------------------------------------------
# The command

def test_the_command_builds_a_site_and_reports_a_broken_document(tmp_path):
    bad = tmp_path / "broken.xml"
    bad.write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader>", encoding="utf-8")
    good = tmp_path / "good.xml"
    shutil.copy(LETTERS[0], good)
    result = run_cli("site", str(good), str(bad), "-o", str(tmp_path / "out"), "--no-search", "--title", "X")
    assert result.returncode == 1, result.stderr
    assert re.search(r"broken\.xml:\d+:\d+: error: \[xml", result.stderr)
    assert "Traceback" not in result.stderr
    assert (tmp_path / "out" / "docs" / "good.html").is_file()
    assert not (tmp_path / "out" / "docs" / "broken.html").exists()
    missing = run_cli("site", str(good), "--register", str(tmp_path / "nope.xml"), "-o", str(tmp_path / "o2"))
    assert missing.returncode == 2 and "register file not found" in missing.stderr


def test_the_project_configuration_sets_the_site_options_and_a_flag_wins(tmp_path):
    for letter in (*LETTERS, REGISTER):
        shutil.copy(letter, tmp_path / letter.name)
    (tmp_path / "teikit.toml").write_text('[site]\ntitle = "From the file"\nregisters = ["persons.xml"]\n'
                                          'search = false\nout = "web"\n', encoding="utf-8")
    names = [p.name for p in LETTERS]
    done = run_cli("site", *names, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    index = parse(tmp_path / "web" / "index.html")
    assert index.findtext(".//title") == "From the file"
    assert not (tmp_path / "web" / "pagefind").exists()  # search = false
    assert not (tmp_path / "web" / "docs" / "persons.html").exists()  # a register, not a document
    assert entry(tmp_path / "web", "persons.html", "Luigi Federico Menabrea") is not None
    done = run_cli("site", *names, "--title", "From the flag", cwd=tmp_path)
    assert parse(tmp_path / "web" / "index.html").findtext(".//title") == "From the flag"


def test_the_preview_server_listens_on_localhost_only(site):
    from teikit.site.serve import make_server

    server = make_server(site, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


# ---------------------------------------------------------------------------
# Reference checkers and a browser

from test_html import AXE, CHROMIUM, VNU, axe_violations, vnu_errors  # noqa: E402

CHECKED = ("index.html", "persons.html", "docs/letter-2.html", "timeline.html")


@pytest.mark.tools
@pytest.mark.skipif(not (shutil.which("java") and VNU.is_file()), reason="java or vnu.jar missing")
def test_pages_pass_the_nu_html_checker(site):
    errors = vnu_errors([site / name for name in CHECKED])
    assert {name: messages for name, messages in errors.items() if messages} == {}


@pytest.mark.tools
@pytest.mark.skipif(not (CHROMIUM and AXE.is_file()), reason="chromium or axe-core missing")
@pytest.mark.parametrize("name", CHECKED)
def test_pages_pass_axe(site, name, tmp_path):
    # The checker's copy lets the injected axe scripts run; the page itself allows only its own.
    copy = tmp_path / Path(name).name
    copy.write_text(re.sub(r"script-src [^;\"]*", "script-src 'unsafe-inline'",
                           (site / name).read_text(encoding="utf-8")), encoding="utf-8")
    assert axe_violations(copy) == []


def _browser():
    """The test suite's DevTools driver (tests/tools/cdp.py), patient: the machine may be busy."""
    if not CHROMIUM:
        pytest.skip("chromium missing")
    sys.path.insert(0, str(DATA.parent / "tools"))
    from cdp import Browser

    return _Compat(Browser(timeout=60))


class _Compat:
    """Names the site tests read best with: open(url), evaluate(js)."""

    def __init__(self, browser) -> None:
        self.browser = browser

    def __enter__(self):
        self.browser.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.browser.__exit__(*exc)

    def open(self, url: str) -> None:
        self.browser.navigate(url)

    def evaluate(self, expression: str):
        return self.browser.eval(expression)

    def wait_for(self, expression: str):
        return self.browser.wait_for(expression)

    def type(self, text: str) -> None:
        self.browser.type(text)


@pytest.fixture(scope="module")
def served(site):
    from teikit.site.serve import make_server

    server = make_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.tools
def test_the_index_sorts_and_filters_from_disk(site):
    rows = "Array.from(document.querySelectorAll('#documents tbody tr')).filter(r => !r.hidden)"
    with _browser() as browser:
        browser.open((site / "index.html").as_uri())
        assert browser.evaluate("document.getElementById('doc-filter').hidden") is False
        fire = "dispatchEvent(new Event('input', {bubbles: true}))"
        browser.evaluate(f"document.getElementById('doc-kind').value = 'letter';"
                         f"document.getElementById('doc-kind').{fire}")
        kinds = browser.evaluate(f"{rows}.map(r => r.dataset.kind)")
        assert kinds == ["letter", "letter"]
        assert browser.evaluate("document.getElementById('doc-count').textContent") == (
            f"2 of {len(documents())} documents")
        browser.evaluate("document.getElementById('doc-kind').value = '';"
                         "document.getElementById('doc-to').value = '1850';"
                         f"document.getElementById('doc-to').{fire}")
        assert browser.evaluate(f"{rows}.map(r => r.dataset.date)") == ["1843-07-05", "1843-08-12"]
        browser.evaluate("document.getElementById('doc-to').value = '';"
                         f"document.getElementById('doc-to').{fire};"
                         "document.querySelector('th[data-sort=title] button').click()")
        titles = browser.evaluate(f"{rows}.map(r => r.dataset.title)")
        assert titles == sorted(titles) and len(titles) == len(documents())
        sorted_by = "document.querySelector('th[data-sort=title]').getAttribute('aria-sort')"
        assert browser.evaluate(sorted_by) == "ascending"
        # From disk the search says it needs a server instead of failing silently.
        browser.open((site / "search.html").as_uri())
        assert browser.evaluate("document.getElementById('search-file-note').hidden") is False


@pytest.mark.tools
@requires_pagefind
def test_search_a_facet_and_a_result_lead_to_the_passage(site, served):
    with _browser() as browser:
        browser.open(served + "search.html")
        browser.wait_for("!!document.querySelector('.pagefind-ui__search-input')")
        browser.evaluate("document.querySelector('.pagefind-ui__search-input').focus()")
        browser.type("engine")
        titles = ("Array.from(document.querySelectorAll('li.pagefind-ui__result'))"
                  ".map(li => (li.querySelector('.pagefind-ui__result-title a') || {}).textContent)")
        # Results load one by one: wait until all three have their titles.
        found = browser.wait_for(f"(t => t.length === 3 && t.every(Boolean) && t)({titles})")
        assert "A note on the difference engine" in found
        # The facet: only letters.
        browser.wait_for("!!document.querySelector('input.pagefind-ui__filter-checkbox[id=\"kind-letter\"]')")
        browser.evaluate("document.querySelector('input.pagefind-ui__filter-checkbox[id=\"kind-letter\"]').click()")
        letters = browser.wait_for(f"(t => t.length === 2 && t.every(Boolean) && t)({titles})")
        assert "A note on the difference engine" not in letters
        # A sub-result: the section of the letter where the word is.
        link = browser.wait_for("(Array.from(document.querySelectorAll('.pagefind-ui__result-nested a'))"
                                ".find(a => a.textContent.trim() === 'The engine') || {}).href")
        browser.evaluate("Array.from(document.querySelectorAll('.pagefind-ui__result-nested a'))"
                         ".find(a => a.textContent.trim() === 'The engine').click()")
        assert urlsplit(link).path.endswith("/docs/letter-2.html") and urlsplit(link).fragment
        passage = browser.wait_for(f"location.href === {link!r} && document.readyState === 'complete'"
                                   " && (document.getElementById(decodeURIComponent(location.hash.slice(1)))"
                                   " || {closest: () => null}).closest('section')?.textContent")
        assert "Bernoulli numbers" in passage and "engine" in passage


@requires_corpora
@requires_pagefind
@pytest.mark.corpus
@pytest.mark.tools
def test_the_shared_letters_and_the_edition(tmp_path):
    letters = sorted((CORPORA / "letters").glob("*.xml"))
    if not letters:
        pytest.skip("shared letters absent")
    report = build_site([*letters, *([EDITION_FILE] if EDITION_FILE.is_file() else [])], tmp_path / "site",
                        SiteOptions(title="Letters", jobs=1))
    assert report.diagnostics == []
    site = tmp_path / "site"
    humboldt = entry(site, "persons.html", "Humboldt, Alexander von (1769-1859)")
    assert len(humboldt.xpath(".//span[@class='passages']/a")) == 1  # named once in the text, once as sender
    # Tillich's letter points at ids of a register it does not hold: each is still one entry.
    assert parse(site / "persons.html").xpath("count(//li[starts-with(@id, 'p-')])") > 30
    assert {r.get("data-kind") for r in parse(site / "index.html").xpath("//tbody/tr")} >= {"letter"}
    # In Chromium, served: a search with the letter facet finds Humboldt's letter; its result
    # opens the letter; the timeline and the register work as pages.
    from teikit.site.serve import make_server

    server = make_server(site, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    titles = ("Array.from(document.querySelectorAll('li.pagefind-ui__result'))"
              ".map(li => (li.querySelector('.pagefind-ui__result-title a') || {}).textContent)")
    try:
        with _browser() as browser:
            browser.open(base + "search.html")
            browser.wait_for("!!document.querySelector('.pagefind-ui__search-input')")
            browser.evaluate("document.querySelector('.pagefind-ui__search-input').focus()")
            browser.type("Landschaften")
            browser.wait_for("!!document.querySelector('input[id=\"kind-letter\"]')")
            browser.evaluate("document.querySelector('input[id=\"kind-letter\"]').click()")
            found = browser.wait_for(f"(t => t.length === 1 && t.every(Boolean) && t)({titles})")
            assert found[0].startswith("Alexander von Humboldt an Johann Moritz Rugendas")
            browser.evaluate("document.querySelector('li.pagefind-ui__result .pagefind-ui__result-title a')"
                             ".click()")
            text = browser.wait_for("location.pathname.endsWith('/docs/humboldt-H0019587.html')"
                                    " && document.readyState === 'complete'"
                                    " && (document.getElementById('tk-text') || {}).textContent")
            assert "Landschaften" in text
            browser.open(base + "timeline.html")
            years = browser.evaluate("Array.from(document.querySelectorAll('.timeline-years h2'))"
                                     ".map(h => h.textContent)")
            assert years[:3] == ["1831", "1893", "1929"]
            browser.open(base + "persons.html")
            href = browser.evaluate(f"document.getElementById({humboldt.get('id')!r})"
                                    ".querySelector('.passages a').href")
            browser.open(href)
            passage = browser.evaluate("document.getElementById(location.hash.slice(1)).textContent")
            assert passage == "Humboldt"
    finally:
        server.shutdown()
        server.server_close()
