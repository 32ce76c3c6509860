"""The PDF output: archival (PDF/A-3b, embedded source and fonts), faithful, navigable, reproducible, and
immune to text that looks like typesetter markup."""
# ruff: noqa: RUF001  (Turkish, Azerbaijani and Cyrillic letters and en dashes are the point of these tests)

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from conftest import DATA, EDITION, corpus_files, requires_corpora, run_cli
from teikit.errors import DocumentError, TeikitError
from teikit.load import TEI_NS, load
from teikit.write import BuildOptions
from teikit.write.pdf import pdf_data, render_pdf, timestamp
from teikit.write.text import render_text

ARTICLE = DATA / "pdf" / "article.xml"
EDITION_FILE = EDITION / "karabakh-war.xml"
requires_edition = pytest.mark.skipif(not EDITION_FILE.is_file(), reason="the edition is not in tei/")
INJECTION = DATA / "pdf" / "injection.xml"
NS = {"t": TEI_NS}


@pytest.fixture(scope="module")
def article_pdf() -> bytes:
    return render_pdf(load(ARTICLE))


@pytest.fixture(scope="module")
def article(article_pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(article_pdf))


@pytest.fixture(scope="module")
def article_text(article: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in article.pages)


@pytest.fixture(scope="module")
def injection() -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(load(INJECTION))))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def outline_titles(outline, depth: int = 0) -> list[tuple[int, str]]:
    titles: list[tuple[int, str]] = []
    for item in outline:
        if isinstance(item, list):
            titles += outline_titles(item, depth + 1)
        else:
            titles.append((depth, item.title))
    return titles


def pdf_note_numbers(text: str) -> list[str]:
    """Note numbers as the PDF prints them in its Notes section."""
    notes = re.split(r"\n(?:End)?[Nn]otes\n", text, maxsplit=1)[1].split("\nIndex\n", 1)[0]
    return re.findall(r"^(\d+)\. ", notes, flags=re.M)


def html_note_numbers(doc_path: Path) -> list[str]:
    from teikit.write.html import render_html

    return re.findall(r'class="note-num"[^>]*>\s*(\d+)\.?\s*<', render_html(load(doc_path)))


def heads(doc_path: Path) -> list[str]:
    """The headings of the front matter's and the body's divisions as a reader sees them (note
    markers left out)."""
    tree = etree.parse(str(doc_path))
    return [" ".join("".join(h.xpath(".//text()[not(ancestor::t:note)]", namespaces=NS)).split())
            for h in tree.xpath(".//t:front//t:div/t:head | .//t:body//t:head", namespaces=NS)]


def text_note_numbers(doc_path: Path) -> list[str]:
    """Note numbers as the plain-text output prints them in its Notes section."""
    text = render_text(load(doc_path))
    notes = re.split(r"\n(?:End)?[Nn]otes\n-+\n", text, maxsplit=1)[1]
    return re.findall(r"^(\d+)\. ", notes, flags=re.M)


# --- content -------------------------------------------------------------------------------------


def test_the_article_text_is_in_the_pdf(article_text: str) -> None:
    text = flat(article_text)
    assert "Mediation and Ceasefires in the South Caucasus" in text
    assert "The first Karabakh War ended with the Bishkek Protocol, signed in Bishkek on May 5, 1994." in text
    assert "Boris Yeltsin met the parties in Moscow, where the OSCE had its say." in text
    assert "as Kazimirov admitted about the conflict." in text  # choice: the correction is printed
    # the source's spelling only in the foot apparatus, as the choice's other side
    assert text.count("conflikt") == 1 and "conflict] conflikt (sic)" in " ".join(text.split())


def test_latin_extended_and_cyrillic_are_typeset(article_text: str) -> None:
    text = flat(article_text)
    for word in ("Məmmədova", "İsmail", "Yılmaz", "İstanbul", "ılık", "şeker", "dağ", "Şuşa", "Россия",
                 "Мир Карабаху", "Azərbaycan tarixi"):
        assert word in text, word


def test_title_block_has_authors_orcid_abstract_keywords_doi_and_citation(article_text: str) -> None:
    text = flat(article_text)
    assert "Azerbaijan State University of Economics, Azerbaijan" in text
    assert "https://orcid.org/0000-0002-1825-0097" in text
    assert "https://orcid.org/0000-0001-5109-3700" in text
    assert "This abstract summarises a test article about mediation" in text
    assert "Keywords: Karabakh, Mediation, Ceasefire" in text
    assert "https://doi.org/10.1234/test.2021.42" in text
    # The citation style of the HTML and the text (common/citation.xsl), journal in italics.
    assert "How to cite:" in text and "Journal of Test Studies 23, no. 4 (2021): 213–229," in text


def test_figures_and_pull_quotes_are_set(article_text: str) -> None:
    text = flat(article_text)
    assert "President Aliyev addresses the nation in Baku." in text
    assert "AA Photo / Resul Rehimov" in text
    assert "Mediation by Moscow was never neutral" in text
    assert "A ceasefire is only as strong as its guarantors" in text


def test_every_note_number_appears_with_its_note(article_text: str) -> None:
    notes = flat(article_text.split("\nNotes\n", 1)[1])
    for number, start in (("1", "Musa Qasimov"), ("2", "Мир Карабаху"), ("3", "“Karabağ Sorunu"),
                          ("4", "On Shusha see"), ("5", "See the first note"), ("6", "Last note.")):
        assert f"{number}. {start}" in notes


def test_note_numbers_equal_the_text_and_html_outputs(article_text: str) -> None:
    assert pdf_note_numbers(article_text) == ["1", "2", "3", "4", "5", "6"]
    assert pdf_note_numbers(article_text) == text_note_numbers(ARTICLE) == html_note_numbers(ARTICLE)


def test_notes_and_references_link_to_each_other(article: PdfReader) -> None:
    """Each endnote marker is a link, and so is each note's number back to its marker."""
    links = [resolve(a) for page in article.pages for a in resolve(page.get("/Annots", []))]
    internal = [a for a in links if (a.get("/Subtype") == "/Link" and "/Dest" in a) or
                (a.get("/A") and resolve(a["/A"]).get("/S") == "/GoTo")]
    # 6 markers + 6 backlinks + 1 ref to a note + index page links (11) + entity links
    assert len(internal) >= 6 + 6 + 1 + 11


def test_index_lists_register_entries_with_their_pages(article_text: str) -> None:
    index = flat(article_text.split("\nIndex\n", 1)[1])
    assert "Yeltsin, Boris, 1" in index
    assert "Kazimirov, Vladimir, 1" in index
    assert "Shusha, 2" in index  # named only in a note, which is on page 2
    assert "First Karabakh War (1992–1994), 1" in index
    assert "Bishkek Protocol (1994), 1" in index
    for register in ("Persons", "Places", "Organisations", "Events", "Treaties"):
        assert register in index


REGISTERS = [(1, name) for name in ("Persons", "Places", "Organisations", "Events", "Treaties")]


def test_outline_is_the_headings(article: PdfReader) -> None:
    body = [(0, head) for head in heads(ARTICLE)]
    assert outline_titles(article.outline) == [*body, (0, "Notes"), (0, "Index"), *REGISTERS]


def test_document_metadata(article: PdfReader) -> None:
    info = article.metadata
    assert info.title == "Mediation and Ceasefires in the South Caucasus"
    # PDF/A compares the information dictionary's Author with the first dc:creator.
    assert info.author == "Leyla Məmmədova"
    assert info["/Keywords"] == "Karabakh, Mediation, Ceasefire"
    xmp = article.xmp_metadata.stream.get_data().decode("utf-8")
    assert "<dc:language><rdf:Bag><rdf:li>en</rdf:li>" in xmp
    # Each author, the rights and the DOI (teikit.write.xmp).
    assert "<dc:creator><rdf:Seq><rdf:li>Leyla Məmmədova</rdf:li><rdf:li>İsmail Yılmaz</rdf:li>" in xmp
    assert "<dc:identifier>https://doi.org/10.1234/test.2021.42</dc:identifier>" in xmp
    assert "<dc:rights><rdf:Alt><rdf:li xml:lang=\"x-default\">" in xmp
    etree.fromstring(article.xmp_metadata.stream.get_data())  # well-formed


def test_the_metadata_update_keeps_the_file_reproducible_and_readable(article_pdf: bytes) -> None:
    assert render_pdf(load(ARTICLE)) == article_pdf
    assert article_pdf.count(b"%%EOF") == 2  # Typst's file, then the metadata update
    assert len(PdfReader(io.BytesIO(article_pdf)).pages) >= 1


# --- archival ------------------------------------------------------------------------------------


def test_pdfa_3b_identification(article: PdfReader) -> None:
    xmp = etree.fromstring(article.xmp_metadata.stream.get_data())
    pdfaid = "http://www.aiim.org/pdfa/ns/id/"
    part = xmp.xpath("//*[local-name()='part' and namespace-uri()=$ns]"
                     " | //@*[local-name()='part' and namespace-uri()=$ns]", ns=pdfaid)
    conformance = xmp.xpath("//*[local-name()='conformance' and namespace-uri()=$ns]"
                            " | //@*[local-name()='conformance' and namespace-uri()=$ns]", ns=pdfaid)
    value = [p.text if hasattr(p, "text") else str(p) for p in part]
    assert value == ["3"]
    assert [c.text if hasattr(c, "text") else str(c) for c in conformance] == ["B"]


def test_the_tei_source_is_embedded_byte_for_byte(article: PdfReader) -> None:
    attachments = article.attachments
    assert list(attachments) == ["article.xml"]
    assert attachments["article.xml"] == [ARTICLE.read_bytes()]


def test_no_source_attached_when_not_asked() -> None:
    reader = PdfReader(io.BytesIO(render_pdf(load(ARTICLE), BuildOptions(embed_source=False))))
    assert reader.attachments == {}


def test_all_fonts_are_embedded(article: PdfReader) -> None:
    checked = 0
    for page in article.pages:
        fonts = resolve(resolve(page["/Resources"]).get("/Font", {}))
        for font in fonts.values():
            font = resolve(font)
            if font["/Subtype"] == "/Type3":
                continue  # glyphs drawn by content streams inside the PDF
            descendants = [resolve(d) for d in resolve(font.get("/DescendantFonts", []))] or [font]
            for desc in descendants:
                descriptor = resolve(desc["/FontDescriptor"])
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
                checked += 1
    assert checked > 0


def test_same_input_gives_identical_bytes(article_pdf: bytes) -> None:
    assert render_pdf(load(ARTICLE)) == article_pdf


def test_the_bytes_do_not_depend_on_where_the_source_lies(article_pdf: bytes, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / ARTICLE.name
    copy.parent.mkdir()
    shutil.copyfile(ARTICLE, copy)
    assert render_pdf(load(copy)) == article_pdf


def test_the_creation_date_is_the_documents_or_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = load(ARTICLE)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert timestamp(doc) == 1635811200  # revisionDesc change 2021-11-02
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert timestamp(doc) == 1700000000


# --- injection -----------------------------------------------------------------------------------


INJECTED_LINES = [
    '#set page(width: 5cm) and #eval("1 + 1")',
    "Mallory #emph[Markup] $x^2$",
    'Keywords: #import "@preview/evil:0.1.0": *',
    "= Not a heading #heading[either]",
    "L1 #set text(size: 40pt) #set page(width: 5cm)",
    'L2 #import "/etc/passwd" and #include "data.json"',
    'L3 #eval("1 + 1") #eval("str(6*7)", mode: "code")',
    "L4 [brackets] {braces} $a + b$ `raw` ```typ #code```",
    "L5 back\\slash \\u{41} \\n \\#hash \\\\ double",
    'L6 @label-ref and <label> and #label("x")',
    "L7 // line comment /* block comment */",
    "L8 *strong* _emph_ - list + enum / term: x ~ nbsp -- dash",
    'L9 #read("source.xml") #pdf.attach("data.json") #sys.inputs',
    "#footnote[inner] and $math$",
    "#pagebreak()",
    "L15 bad language tag",
]


def test_typst_syntax_in_the_text_is_printed_literally(injection: PdfReader) -> None:
    text = "\n".join(page.extract_text() for page in injection.pages)
    flowing = re.sub(r"\s+", " ", text)  # a line may wrap in the 66-character measure
    for line in INJECTED_LINES:
        assert line in text or line in flowing, line
    assert injection.metadata.title == '#set page(width: 5cm) and #eval("1 + 1")'


def test_nothing_in_the_text_executes(injection: PdfReader) -> None:
    assert len(injection.pages) == 1  # no #pagebreak() ran
    assert [float(x) for x in injection.pages[0].mediabox[2:]] == pytest.approx([595.276, 841.89], abs=0.01)
    assert list(injection.attachments) == ["injection.xml"]  # no #pdf.attach ran
    text = "\n".join(page.extract_text() for page in injection.pages)
    assert "root:" not in text and '"meta"' not in text  # no file was read into the page


def test_controls_and_bidi_overrides_are_shown_not_obeyed(injection: PdfReader) -> None:
    text = "\n".join(page.extract_text() for page in injection.pages)
    assert "L10 bidi before[U+202E]desrever[U+202C] after" in text
    # C1 controls never reach an output at all (teikit.write.characters; the build warns).
    assert "L11 controls del csi nel end" in text


def test_characters_without_a_glyph_become_visible_codes(injection: PdfReader) -> None:
    text = "\n".join(page.extract_text() for page in injection.pages)
    assert "L12 no glyph [U+6F22][U+5B57] [U+1F600] end" in text


def test_only_web_links_become_links(injection: PdfReader) -> None:
    uris = [resolve(resolve(a).get("/A", {})).get("/URI") for page in injection.pages
            for a in resolve(page.get("/Annots", []))]
    uris = [u for u in uris if u]
    assert uris == ["https://example.org/a)b[c]"]


# --- failures ------------------------------------------------------------------------------------


def test_a_typesetting_error_is_a_document_error_and_writes_nothing(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    xslt = tmp_path / "xslt"
    shutil.copytree(Path(__file__).resolve().parent.parent / "xslt", xslt)
    template = xslt / "typst" / "edition.typ"
    template.write_text(template.read_text(encoding="utf-8") + "\n#let broken = (\n", encoding="utf-8")
    monkeypatch.setenv("TEIKIT_XSLT_DIR", str(xslt))
    from teikit.write.pdf import write_pdf

    out = tmp_path / "out"
    with pytest.raises(DocumentError) as caught:
        write_pdf(load(DATA / "minimal.xml"), out, BuildOptions())
    diag = caught.value.diagnostic
    assert diag is not None and diag.rule == "pdf.typeset"
    assert "could not be typeset" in diag.message and "edition.typ" in diag.message
    assert not out.exists() or list(out.iterdir()) == []


def test_a_missing_template_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xslt = tmp_path / "xslt"
    shutil.copytree(Path(__file__).resolve().parent.parent / "xslt", xslt)
    shutil.rmtree(xslt / "typst")
    monkeypatch.setenv("TEIKIT_XSLT_DIR", str(xslt))
    with pytest.raises(TeikitError, match="cannot read the PDF template"):
        render_pdf(load(DATA / "minimal.xml"))


def test_cli_builds_a_pdf(tmp_path: Path) -> None:
    result = run_cli("build", "-f", "pdf", "-o", str(tmp_path), str(ARTICLE))
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "article.pdf"
    assert PdfReader(pdf).metadata.title == "Mediation and Ceasefires in the South Caucasus"


# --- the edition --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edition() -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(load(EDITION_FILE))))


@requires_edition
def test_edition_notes_are_numbered_as_in_text_and_html(edition: PdfReader) -> None:
    text = "\n".join(page.extract_text() for page in edition.pages)
    numbers = pdf_note_numbers(text)
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and len(numbers) >= 30
    assert numbers == text_note_numbers(EDITION_FILE) == html_note_numbers(EDITION_FILE)


def condensed(text: str) -> str:
    """Text without whitespace, hyphens and quotation marks: what survives line breaking and
    hyphenation in extracted PDF text, and the marks the typesetter adds for q and soCalled."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011“”‘’\"']+", "", text)


@requires_edition
def test_edition_text_is_complete(edition: PdfReader) -> None:
    """Every paragraph of the edition, start and end, is in the PDF (notes and sic readings aside)."""
    pdf_text = condensed(" ".join(page.extract_text() for page in edition.pages))
    tree = etree.parse(str(EDITION_FILE))
    read = (".//text()[not(ancestor::t:note[ancestor::t:p]) and not(ancestor::t:sic)"
            " and not(ancestor::t:orig) and not(ancestor::t:abbr)]")
    for p in tree.iterfind(".//t:text//t:p", NS):
        text = condensed("".join(p.xpath(read, namespaces=NS)))
        assert text[:40] in pdf_text and text[-40:] in pdf_text, text[:80]


@requires_edition
def test_edition_outline_is_its_headings(edition: PdfReader) -> None:
    body = [(0, head) for head in heads(EDITION_FILE)]
    assert outline_titles(edition.outline) == [*body, (0, "Endnotes"), (0, "Index"), *REGISTERS]


@requires_edition
def test_edition_is_archival(edition: PdfReader) -> None:
    assert edition.attachments == {"karabakh-war.xml": [EDITION_FILE.read_bytes()]}
    assert b"<pdfaid:part>3</pdfaid:part>" in edition.xmp_metadata.stream.get_data()
    assert edition.metadata.title == "Russia’s Policy During the 44-Day Karabakh War"


# --- any TEI -------------------------------------------------------------------------------------


def data_note_numbers(doc_path: Path) -> list[str]:
    """Numbers of the footnotes and the endnotes in the data the template typesets, in order."""
    data = json.loads(pdf_data(load(doc_path)))
    found: list[str] = [note["n"] for note in data["notes"]]

    def walk(value) -> None:
        if isinstance(value, dict):
            if value.get("t") == "fn":
                found.append(value["n"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return sorted(found, key=int)


def test_block_material_inside_paragraphs_and_unknown_elements_keep_their_text() -> None:
    path = DATA / "pdf" / "mixed.xml"
    text = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(load(path)))).pages))
    for phrase in ("Loose text in a div with hi", "Para with list", "1. one", "2. two", "quoted para",
                   "after.", "desc", "Fig head", "Poem", "line one", "line two", "speech", "exit",
                   "Ref to missing", "https://example.org", "unknown keeps text", "bonjour", "bad lang",
                   "Hero", "brave", "Appendix", "A book.", "1. loose note", "3. fig note", "5. back note",
                   "foot note with para"):
        assert phrase in text, phrase
    assert data_note_numbers(path) == text_note_numbers(path) == ["1", "2", "3", "4", "5"]


def test_references_to_notes_in_the_back_matter_become_note_markers() -> None:
    path = DATA / "pdf" / "backnotes.xml"
    reader = PdfReader(io.BytesIO(render_pdf(load(path))))
    text = flat(" ".join(p.extract_text() for p in reader.pages))
    assert "She was game to anything.1 Then she slept.2" in text  # the number once, as a superscript
    assert "See the first note1 again." in text
    assert "1. The portrait of a lady. 2. A second note." in text
    assert "NOTES" not in text  # the division that only gathered the notes is the Notes section
    assert outline_titles(reader.outline) == [(0, "Chapter One"), (0, "Notes")]
    assert data_note_numbers(path) == text_note_numbers(path) == ["1", "2"]


def test_deeply_nested_markup_keeps_its_text() -> None:
    reader = PdfReader(io.BytesIO(render_pdf(load(DATA / "pdf" / "deep.xml"))))
    text = flat(" ".join(p.extract_text() for p in reader.pages))
    assert "deep" in text and "nested" in text


def test_a_tei_corpus_typesets_all_its_texts() -> None:
    path = DATA / "pdf" / "corpus.xml"
    text = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(load(path)))).pages))
    assert "First text." in text and "Second text." in text
    assert data_note_numbers(path) == text_note_numbers(path) == ["1", "2"]



@requires_corpora
@pytest.mark.parametrize("name", ["eltec-eng", "shakedracor"])
def test_corpus_documents_typeset(name: str) -> None:
    """The smallest novel and the smallest play: every paragraph's or speech's text is there."""
    path = min(corpus_files(name), key=lambda p: p.stat().st_size)
    doc = load(path)
    reader = PdfReader(io.BytesIO(render_pdf(doc)))
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    assert len(reader.pages) > 5
    last = doc.root.xpath("(//t:body//t:p | //t:body//t:l)[last()]", namespaces=NS)[0]
    words = " ".join(last.xpath("string()").split()).split(" ")[-6:]
    assert flat(" ".join(words)) in text
    speakers = doc.root.xpath("//t:body//t:speaker", namespaces=NS)
    if speakers:
        assert " ".join(speakers[0].xpath("string()").split()) in text


# ---------------------------------------------------------------------------
# The reading layout: rights, measure, index, source pages, front matter, metadata

@requires_edition
def test_every_rights_statement_is_printed_as_the_tei_states_it(edition: PdfReader) -> None:
    first = flat(edition.pages[0].extract_text())
    assert "licensed under Creative Commons Attribution 4.0 International (CC BY 4.0)" in first
    assert "The text of the article is not covered by that licence" in first


@requires_edition
def test_the_measure_is_about_66_characters(edition: PdfReader) -> None:
    # Body pages (not the title page, notes or index); running heads and short last lines aside.
    lines = [line for page in edition.pages[2:6] for line in page.extract_text().splitlines()
             if len(line) > 40]
    lengths = sorted(len(line) for line in lines)
    median = lengths[len(lengths) // 2]
    assert 60 <= median <= 72, median


@requires_edition
def test_every_index_entry_has_a_page_or_a_reference(edition: PdfReader) -> None:
    text = "\n".join(page.extract_text() for page in edition.pages)
    body = " ".join(text[text.rindex("Index"):].split())
    # Named only by other entries (a place of signature, a summit's venue): a reference to them.
    for name in ("Budapest", "Kyrgyzstan", "New York", "Transnistria"):
        assert re.search(rf"{name}, (\d|see )", body), name
    # Affiliations in the title block are on page 1.
    assert re.search(r"Azerbaijan State University of Econom\S* ics, 1", body.replace("­ ", "")) or \
        "Azerbaijan State University of Economics, 1" in body


def test_source_page_numbers_stand_in_the_outer_margin() -> None:
    reader = PdfReader(io.BytesIO(render_pdf(load(DATA / "outputs" / "novel.xml"))))
    found: list[tuple[int, float]] = []
    for number, page in enumerate(reader.pages, 1):
        def visit(text, cm, tm, font, size, number=number):
            if re.fullmatch(r"p\. \d+", text.strip()):
                found.append((number, tm[4] * cm[0] + cm[4]))
        page.extract_text(visitor_text=visit)
    assert found, "no source page numbers"
    width = float(reader.pages[0].mediabox.width)
    for number, x in found:
        # 11 cm column: inside margin 3.2 cm, outer 6.8 cm (right on odd pages, left on even).
        column = (3.2 / 21 * width, (3.2 + 11) / 21 * width) if number % 2 else \
                 (6.8 / 21 * width, (6.8 + 11) / 21 * width)
        assert x > column[1] or x < column[0], (number, x, column)


def test_a_prose_preface_is_set_as_text_not_as_a_title_page(tmp_path: Path) -> None:
    preface = b"""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T</title>
      </titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>
      <text><front><titlePage><docTitle><titlePart>T</titlePart></docTitle></titlePage>
      <div type="liminal"><head>Preface</head><p>A preface in prose.</p></div></front>
      <body><p>Text.</p></body></text></TEI>"""
    (tmp_path / "preface.xml").write_bytes(preface)
    data = json.loads(pdf_data(load(tmp_path / "preface.xml")))
    assert "Preface" in json.dumps(data["body"]) and "A preface in prose." in json.dumps(data["body"])
    assert "Preface" not in json.dumps(data["front"])


@requires_edition
def test_xmp_has_the_abstract_and_the_promised_creation_date(edition: PdfReader) -> None:
    xmp = edition.xmp_metadata.stream.get_data().decode("utf-8")
    assert "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">The 44-day Karabakh War" in xmp
    # The latest revisionDesc/change/@when of the edition (README: Reproducible).
    when = dt.datetime.fromtimestamp(timestamp(load(EDITION_FILE)), dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert re.search(rf"<xmp:CreateDate>{when}(Z|\+00:00)</xmp:CreateDate>", xmp)
    latest = max(c.get("when") for c in etree.parse(str(EDITION_FILE)).iterfind(".//t:change", NS))
    assert when.startswith(latest)
