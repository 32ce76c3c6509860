"""The diplomatic page view: sourceDoc's surfaces, zones and lines in HTML, PDF and text.

Decided once in xslt/common/sourcedoc.xsl. The real files are two pages of the Faust edition's
documentary transcription (tests/data/sourcedoc/README.md names them and their licence): H.14
of Faust II act V (a page turned upside down: both zones rotate="180", a cancelled mod,
retrace, app, orig, abbr, fw with a superscript) and H.9k of Faust II act I (a letter of Helene
Vulpius with Goethe's verses written across its margin: zones rotated 90°, unclear, app, orig).
lefevre-C2.xml is a print's layout analysis and corrected OCR (Lefèvre d'Étaples on 1 Timothy
2, three pages: SegmOnto zones, every line in a zone of its own with its baseline, IIIF images)
beside its reading text. notebook.xml, written for the tests, has what those pages lack: a
reading text beside the sourceDoc, surfaces with @n, label, desc and images (one beside it, one
elsewhere in the project, one on an image server), typed zones, @n on a line, choice, subst,
add with @place, gap, supplied, hi, metamark.
"""
# ruff: noqa: RUF001 (the transcriptions' long s and Leiden brackets are the point)

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import DATA, ROOT, run_cli
from teikit.load import load
from teikit.write import BuildOptions, build_document
from teikit.write.pdf import pdf_data

SD = DATA / "sourcedoc"
H14 = SD / "faust-2V-H14-0002.xml"
H9K = SD / "faust-2I-H9k-0003.xml"
NOTEBOOK = SD / "notebook.xml"
LEFEVRE = SD / "lefevre-C2.xml"
VNU = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, dict[str, Path]]:
    out = tmp_path_factory.mktemp("sourcedoc")
    result = {}
    for path in (H14, H9K, NOTEBOOK, LEFEVRE):
        html, txt = build_document(load(path, project_root=ROOT), out, ["html", "txt"], BuildOptions())
        result[path.stem] = {"html": html, "txt": txt}
    return result


def pages(built, stem):
    return lxml_html.parse(str(built[stem]["html"])).getroot().get_element_by_id("tk-pages")


def lines(section) -> list[tuple[str, str]]:
    """(number, text) of each line of a page, in order."""
    return [(div.find("span").get("data-n"), " ".join(div.text_content().split()))
            for div in section.xpath(".//div[contains(concat(' ', @class, ' '), ' line ')]"
                                     "[not(contains(@class, 'line-unnumbered'))]")]


def pages_txt(built, stem) -> str:
    text = built[stem]["txt"].read_text(encoding="utf-8")
    return re.split(r"\n\n(?:Notes|Apparatus|How to cite)\n", text.split("\nPages\n-----\n\n")[1])[0]


# ---------------------------------------------------------------------------------------------
# HTML

def test_each_surface_is_a_page_with_its_zones_and_numbered_lines(built):
    section = pages(built, "faust-2V-H14-0002")
    assert section.xpath("h2/text()") == ["Pages"]
    assert section.xpath("section[@class='page']/h3/text()") == ["Page 1"]
    # Two zones, both written upside down: the label says so; the first holds the signature.
    zones = section.xpath(".//div[contains(@class, 'zone')]")
    assert [z.xpath("string(p[@class='zone-label'])") for z in zones] == ["Rotated 180°", "Rotated 180°"]
    got = lines(section)
    assert [n for n, _ in got] == [str(i) for i in range(1, 27)]
    assert got[0] == ("1", "V H14") and got[1] == ("2", "Vor dem Pallaſt")
    assert got[25] == ("26", "So dumm läuft es am Ende doch hinaus.")


def test_transcription_signs_are_kept_in_the_lines(built):
    section = pages(built, "faust-2V-H14-0002")
    got = dict(lines(section))
    assert got["15"] == "Die Kette lang ⟦zum⟧ Meſſen"  # mod rend="strikethrough": a deletion
    assert section.xpath(".//del[contains(@class, 'mod')]/text()") == ["⟦zum⟧", "⟦Aus d⟧"]
    assert got["13"] == "Geſpitzte Pfäle die ſind da"  # the app's lemma, not the reading Pfähle
    assert section.xpath(".//span[@class='retrace']/text()") == ["ein", "n"]
    assert section.xpath(".//span[@class='fw']//sup/text()") == ["14"]  # hi rend="sup"
    assert got["6"] == "Aus Bandern, Sehnen und Gebein"  # orig, as written


def test_rotated_margin_and_unclear_letters(built):
    section = pages(built, "faust-2I-H9k-0003")
    got = lines(section)
    assert len(got) == 19
    assert got[12] == ("13", "Helene Vulpius.")
    assert section.xpath(".//div[@class='line rend-right']/text()") == ["Helene Vulpius."]
    assert got[13] == ("14", "Da ſtand es gut um unſer Haus")  # the margin, after the letter
    # unclear, inside the lemma of an app
    assert got[15] == ("16", "Ich hi\u0323e\u0323lte feſt auf Kiſt und Schrein")
    assert [z.xpath("string(p)") for z in section.xpath(".//div[contains(@class, 'rotated')]")] == \
        ["Rotated 90°", "Rotated 90°"]


def test_layout_analysis_zones_of_a_print(built):
    section = pages(built, "lefevre-C2")
    pages_ = section.xpath("section[@class='page']")
    assert [p.xpath("string(h3)") for p in pages_] == ["Page 1", "Page 2", "Page 3"]
    # Every line is numbered on its page (73 + 64 + 74 = the file's 211 lines), once: the zone
    # that holds each line (type "DefaultLine", with its baseline) is the line, not a block.
    numbers = [[n for n, _ in lines(p)] for p in pages_]
    assert numbers == [[str(i) for i in range(1, k + 1)] for k in (73, 64, 74)]
    zones = pages_[0].xpath(".//div[contains(@class, 'zone')]")
    labels = [z.xpath("string(p[@class='zone-label'])") for z in zones]
    assert len(zones) == 16 and labels[:9] == ["Running title 1", "Running title 2", "Numbering 3", "", "",
                                               "Drop capital 6", "", "Quire marks 8", "Margin text 9"]
    assert dict(lines(pages_[0]))["3"] == "203"  # the folio number, in its numbering zone
    # The page images are on an IIIF server: linked, not fetched.
    assert pages_[1].xpath(".//figcaption/a/@href") == [
        "https://api.digitale-sammlungen.de/iiif/image/v2/bsb11059254_00494/full/full/0/default.jpg"]


def test_a_diplomatic_choice_shows_what_is_written_the_reading_text_what_is_meant(built):
    root = lxml_html.parse(str(built["notebook"]["html"])).getroot()
    reading = " ".join(root.get_element_by_id("tk-text").text_content().split())
    assert "over the hills at Saint Ives" in reading and "in a moment." in reading
    got = dict(lines(pages(built, "notebook").xpath("section[@class='page']")[0]))
    assert got["2"] == "over the hilles at St. Ives,"
    assert got["4"] == "shattered in a momment."
    titles = pages(built, "notebook").xpath(".//span[contains(@class, 'choice')]/@title")
    assert titles == ["regularised: hills", "expanded: Saint", "corrected: moment"]


def test_signs_of_a_genetic_transcription(built):
    section = pages(built, "notebook").xpath("section[@class='page']")[0]
    got = dict(lines(section))
    assert got["1"] == "The ⟦storm⟧ \\tempest/ came"
    assert section.xpath(".//ins[contains(@class, 'add')]/@title")[:1] == ["added above the line"]
    assert got["3"] == "and the o\u0323l\u0323d\u0323 tree . . . was"  # unclear; three illegible letters
    assert got["5a"] == "^⟦then⟧\\so soon as/ we [saw] it"  # @n, metamark, subst (both parts), supplied
    assert got["6"] == "\\its progress/"  # counted on from the page's first line
    assert got["7"] == "with ⟦curiosity⟧ delight"
    assert section.xpath(".//span[contains(@class, 'rend-underline')]/text()") == ["shattered"]
    assert section.xpath(".//ins[contains(@class, 'place-margin')]/@title") == \
        ["added in the margin (margin)"]


def test_pages_labels_descriptions_zone_labels(built):
    section = pages(built, "notebook")
    assert section.xpath("section/h3/text()") == ["Page 1r", "Page 1v", "Page 3"]
    assert section.xpath("string(section[1]/p[@class='page-desc'])") == \
        "Fol. 1 recto — Ink, with pencil additions in the margin."
    # The main zone is not labelled; the others by type, @n and rotation.
    assert section.xpath(".//p[@class='zone-label']/text()") == ["Left margin, rotated 90°", "Column 1"]
    assert section.xpath("string(section[2]//p[@class='page-note'])") == "[Pencil, faded.]"


def test_page_images_beside_the_lines_remote_ones_linked(built):
    section = pages(built, "notebook")
    first, second, third = section.xpath("section[@class='page']")
    png = base64.b64encode((SD / "img" / "f1r.png").read_bytes()).decode()
    assert first.xpath(".//div[@class='page-body with-image']//img/@src") == ["data:image/png;base64," + png]
    assert first.xpath(".//img/@alt") == ["Facsimile of page 1r"]
    # Inside the project root though outside the document's folder: embedded too.
    assert second.xpath(".//img/@src")[0].startswith("data:image/png;base64,")
    assert third.xpath(".//figcaption/a/@href") == \
        ["https://iiif.example.org/iiif/notebook-2r/full/max/0/default.jpg"]
    assert not third.xpath(".//img")


def test_zones_with_coordinates_are_outlined_on_the_image(built):
    first, second, _ = pages(built, "notebook").xpath("section[@class='page']")
    svg = first.xpath(".//div[@class='page-image-frame']/*[local-name()='svg']")[0]
    assert svg.get("viewbox") == "0 0 400 560"  # the surface's ulx uly lrx lry (lxml lower-cases the name)
    assert [(c.tag, {k: v for k, v in c.attrib.items() if k != "vector-effect"}) for c in svg] == [
        ("rect", {"x": "36", "y": "36", "width": "266", "height": "179"}),
        ("polygon", {"points": "314,50 372,50 372,232 314,232"})]
    assert svg.get("aria-hidden") == "true"
    assert not second.xpath(".//*[local-name()='svg']")  # zones without coordinates: nothing drawn


def test_the_page_view_has_its_section_after_the_text_and_in_the_contents(built):
    root = lxml_html.parse(str(built["notebook"]["html"])).getroot()
    article = root.xpath("//article")[0]
    order = [c.get("id") for c in article if c.get("id")]
    assert order.index("tk-text") + 1 == order.index("tk-pages")
    assert root.xpath("//nav[@id='tk-toc']//a[@href='#tk-pages']/text()") == ["Pages"]


SLIP = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Slip</title></titleStmt>
  <publicationStmt><p>Test.</p></publicationStmt><sourceDesc><p>Test.</p></sourceDesc></fileDesc></teiHeader>
  <sourceDoc><surface><label>Inside front cover</label>
    <zone type="library">MS 12</zone>
    <surface type="slip"><label>Pasted slip</label><line>a slip pasted in</line></surface>
    <zone n="b"><line>the last line</line></zone>
  </surface></sourceDoc></TEI>"""


def test_a_surface_label_a_slip_and_text_outside_lines(tmp_path):
    (tmp_path / "slip.xml").write_text(SLIP, encoding="utf-8")
    html, txt = build_document(load(tmp_path / "slip.xml"), tmp_path, ["html", "txt"], BuildOptions())
    section = lxml_html.parse(str(html)).getroot().get_element_by_id("tk-pages")
    assert section.xpath("section/h3/text()") == ["Inside front cover"]
    assert section.xpath(".//p[@class='zone-label']/text()") == ["Library", "Pasted slip", "Zone b"]
    assert lines(section) == [("1", "a slip pasted in"), ("2", "the last line")]
    assert section.xpath("string(.//div[@class='line line-unnumbered'])") == "MS 12"
    assert "Inside front cover\n\n[Library]\n        MS 12\n\n[Pasted slip]\n     1  a slip pasted in\n\n" \
           "[Zone b]\n     2  the last line" in txt.read_text(encoding="utf-8")


def test_the_skip_link_leads_to_the_pages_when_they_are_the_only_text(built):
    for stem, target in (("faust-2V-H14-0002", "#tk-pages"), ("notebook", "#tk-text")):
        root = lxml_html.parse(str(built[stem]["html"])).getroot()
        assert root.xpath("//a[@class='skip-link']/@href") == [target]


def test_a_document_without_sourcedoc_has_no_page_view(tmp_path):
    doc = load(DATA / "facsimile" / "letter.xml")
    html, txt = build_document(doc, tmp_path, ["html", "txt"], BuildOptions())
    assert 'id="tk-pages"' not in html.read_text(encoding="utf-8")
    assert "\nPages\n" not in txt.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Text

def test_text_pages_with_a_number_gutter(built):
    text = pages_txt(built, "faust-2V-H14-0002")
    assert text.startswith("Page 1\n\n[Rotated 180°]\n     1  V H14\n\n"
                           "[Rotated 180°]\n     2  Vor dem Pallaſt\n")
    assert "\n    15  Die Kette lang ⟦zum⟧ Meſſen\n" in text
    assert text.endswith("    26  So dumm läuft es am Ende doch hinaus.")


def test_text_names_images_and_keeps_the_reading_text_first(built):
    whole = built["notebook"]["txt"].read_text(encoding="utf-8")
    assert whole.index("The tempest came over the hills") < whole.index("\nPages\n")
    text = pages_txt(built, "notebook")
    assert text.startswith("Page 1r\nFol. 1 recto — Ink, with pencil additions in the margin.\n"
                           "facs. img/f1r.png\n\n"
                           "     1  The ⟦storm⟧ \\tempest/ came\n     2  over the hilles at St. Ives,\n")
    assert "[Left margin, rotated 90°]\n     6  \\its progress/\n     7  with ⟦curiosity⟧ delight" in text
    assert "\n[Column 1]\n     1  A second page, its image elsewhere in the project.\n\n" \
           "        [Pencil, faded.]\n" in text  # an editor's note in line with the text, unnumbered
    assert "Page 3\nfacs. https://iiif.example.org/iiif/notebook-2r/full/max/0/default.jpg\n\n" \
           "     1  A third page, on an image server." in text


def test_text_of_a_print_keeps_its_zones_and_gutter(built):
    text = pages_txt(built, "lefevre-C2")
    assert text.startswith("Page 1\nfacs.\nhttps://api.digitale-sammlungen.de/iiif/image/v2/bsb11059254_00493/"
                           "full/full/0/default.jpg\n\n[Running title 1]\n     1  1 Timo.\n\n")
    assert "\n\n[Quire marks 8]\n    65  C.iij.\n\n[Margin text 9]\n    66  C\n" in text
    # A line longer than the width (78) goes on under its text, not under its number.
    rows = text.splitlines()
    fourth = next(i for i, row in enumerate(rows) if row.startswith("     4  eſſe"))
    assert rows[fourth + 1].startswith("        ") and rows[fourth + 1].strip().endswith("vires for")


# ---------------------------------------------------------------------------------------------
# PDF

def test_pdf_data_has_one_block_per_surface():
    data = json.loads(pdf_data(load(NOTEBOOK)))
    surfaces = [b for b in data["pages"] if b["t"] == "surface"]
    assert len(surfaces) == 3
    first = surfaces[0]["c"]
    assert first[0]["t"] == "h" and first[0]["c"] == ["Page 1r"]
    assert [b["n"] for b in first if b["t"] == "l"] == ["1", "2", "3", "4", "5a", "6", "7"]
    assert {"t": "p", "style": "caption", "c": ["Left margin, rotated 90°"]} in first


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) missing")
@pytest.mark.parametrize("path, expected", [
    (H14, ["Rotated 180°", "Die Kette lang ⟦zum⟧ Meſſen", "So dumm läuft es am Ende doch hinaus."]),
    (H9K, ["Rotated 90°", "Da ſtand es gut um unſer Haus", "Helene Vulpius."]),
    (LEFEVRE, ["Quire marks 8", "Page 3"]),
    (NOTEBOOK, ["Page 1r", "over the hilles at St. Ives,", "Left margin, rotated 90°", "facs. img/f1r.png"]),
])
def test_the_pdf_builds_and_prints_the_lines(tmp_path, path, expected):
    result = run_cli("build", str(path), "-f", "pdf", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    text = subprocess.run(["pdftotext", str(tmp_path / f"{path.stem}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    for words in expected:
        assert words in text


@pytest.mark.skipif(not shutil.which("pdfimages"), reason="pdfimages (poppler-utils) missing")
def test_the_pdf_places_a_local_page_image_above_its_lines(tmp_path):
    result = run_cli("build", str(NOTEBOOK), "-f", "pdf", "-o", str(tmp_path), "--no-cache")
    assert result.returncode == 0, result.stderr
    listing = subprocess.run(["pdfimages", "-list", str(tmp_path / "notebook.pdf")],
                             capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    sizes = {tuple(line.split()[3:5]) for line in listing}
    assert ("400", "560") in sizes  # img/f1r.png, the first page's image


@pytest.mark.skipif(not shutil.which("pdfimages"), reason="pdfimages (poppler-utils) missing")
def test_the_pdf_places_no_image_from_outside_the_project(tmp_path):
    project = tmp_path / "project"
    (project / "tei").mkdir(parents=True)
    (project / "teikit.toml").write_text("", encoding="utf-8")
    outside = tmp_path / "outside.png"
    outside.write_bytes((NOTEBOOK.parent / "img" / "f1r.png").read_bytes())
    # under the sourceDoc's xml:base "img/": tei/img/../../../outside.png, beside the project
    text = NOTEBOOK.read_text(encoding="utf-8").replace('url="f1r.png"', 'url="../../../outside.png"')
    assert "../../../outside.png" in text
    (project / "tei" / "notebook.xml").write_text(text, encoding="utf-8")
    result = run_cli("build", "tei/notebook.xml", "-f", "pdf", "-o", "out", "--no-cache", cwd=project)
    assert result.returncode == 0, result.stderr
    listing = subprocess.run(["pdfimages", "-list", str(project / "out" / "notebook.pdf")],
                             capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert ("400", "560") not in {tuple(line.split()[3:5]) for line in listing}


# ---------------------------------------------------------------------------------------------
# The pages pass the Nu checker and axe-core

@pytest.mark.skipif(not (shutil.which("java") and VNU.is_file()), reason="java or vnu.jar missing")
def test_the_pages_are_valid_html5(built):
    from test_html import vnu_errors
    files = [b["html"] for b in built.values()]
    assert {k: v for k, v in vnu_errors(files).items() if v} == {}


@pytest.mark.parametrize("stem", ["notebook", "faust-2I-H9k-0003", "lefevre-C2"])
def test_the_pages_pass_axe(built, stem):
    from test_html import AXE, CHROMIUM, axe_violations
    if not (CHROMIUM and AXE.is_file()):
        pytest.skip("chromium or axe-core missing (./dev test installs them)")
    assert axe_violations(built[stem]["html"]) == []
