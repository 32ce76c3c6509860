"""Facsimiles: page images linked to the text, local ones embedded, remote ones linked, none fetched.

tests/data/facsimile/letter.xml has four pages: one whose image is a PNG beside it (img/,
reached through the facsimile's xml:base), one whose file is missing, one on an IIIF server,
one that names a file outside the document's folder.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import CORPORA, ROOT, requires_corpora, run_cli
from teikit.load import load
from teikit.write import BuildOptions, build_document
from teikit.write.facsimile import embedded_images
from teikit.write.pdf import pdf_data

LETTER = ROOT / "tests" / "data" / "facsimile" / "letter.xml"
PNG = LETTER.parent / "img" / "page1.png"
VNU = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("facs")
    html, txt = build_document(load(LETTER), out, ["html", "txt"], BuildOptions())
    return {"html": html, "txt": txt}


def test_only_image_files_inside_the_documents_folder_are_embedded():
    images = embedded_images(load(LETTER))
    assert list(images) == ["img/page1.png"]
    assert images["img/page1.png"] == "data:image/png;base64," + base64.b64encode(PNG.read_bytes()).decode()


def test_html_links_each_page_break_to_its_image_and_back(outputs):
    tree = lxml_html.parse(str(outputs["html"]))
    links = tree.xpath("//span[@class='pb']/*[contains(@class, 'facs')]")
    assert [(a.tag, a.get("href")) for a in links] == [
        ("a", "#facs-1"), ("span", None),
        ("a", "https://iiif.example.org/iiif/p3/full/max/0/default.jpg"), ("span", None)]
    assert links[1].text_content() == "facs. img/page2.png"
    img = tree.xpath("//section[@id='tk-facsimile']//li[@id='facs-1']//img")[0]
    assert img.get("src").startswith("data:image/png;base64,") and img.get("alt") == "Facsimile of page 1"
    assert tree.xpath("//li[@id='facs-1']//a[@role='doc-backlink']/@href") == ["#facs-ref-1"]
    assert tree.xpath("//*[@id='facs-ref-1']/@href") == ["#facs-1"]
    # Nothing the page loads comes from a file or another host: the CSP allows data: images only.
    assert all(src.startswith("data:") for src in tree.xpath("//img/@src"))
    assert "img-src data:" in tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]


def test_text_and_pdf_name_each_pages_image():
    doc = load(LETTER)
    data = json.dumps(json.loads(pdf_data(doc)))
    assert '"facs": "img/page1.png"' in data and '"facs": "img/page2.png"' in data


def test_text_lists_the_page_images(outputs):
    text = outputs["txt"].read_text(encoding="utf-8")
    assert "Facsimile\n---------\n\np. 1  img/page1.png\np. 2  img/page2.png\n" \
           "p. 3  https://iiif.example.org/iiif/p3/full/max/0/default.jpg" in text


def test_a_changed_image_rebuilds_the_page(tmp_path):
    shutil.copytree(LETTER.parent, tmp_path / "facsimile")
    args = ("build", "facsimile/letter.xml", "-f", "html", "-o", "out")
    assert "wrote" in run_cli(*args, cwd=tmp_path).stdout
    assert "up to date" in run_cli(*args, cwd=tmp_path).stdout
    with (tmp_path / "facsimile" / "img" / "page1.png").open("ab") as f:
        f.write(b"\0")
    assert "wrote" in run_cli(*args, cwd=tmp_path).stdout


@requires_corpora
@pytest.mark.parametrize("rel, expected", [
    ("letters/schnitzler-L00230.xml", ["1893_AS_RBH_2_00038", "1893_AS_RBH_2_00039"]),
    ("dta/kfb_00416_e_pp_1859_06_12.xml", ["f/kfb416e03a.jpg", "f/kfb416e03b.jpg", "f/kfb416e03c.jpg"]),
])
def test_real_editions_name_their_page_images(tmp_path, rel, expected):
    html, txt = build_document(load(CORPORA / rel), tmp_path, ["html", "txt"], BuildOptions())
    named = [s.text_content().removeprefix("facs. ")
             for s in lxml_html.parse(str(html)).xpath("//span[@class='facs-name']")]
    assert sorted(set(named)) == expected  # the images are not in the corpus: named, not embedded
    text = txt.read_text(encoding="utf-8")
    assert all(f"  {name}" in text.split("Facsimile\n")[1] for name in expected)


@pytest.mark.skipif(not (shutil.which("java") and VNU.is_file()), reason="java or vnu.jar missing")
def test_the_page_is_valid_html5(outputs):
    from test_html import vnu_errors
    assert {k: v for k, v in vnu_errors([outputs["html"]]).items() if v} == {}


def test_the_page_passes_axe(outputs):
    from test_html import AXE, CHROMIUM, axe_violations
    if not (CHROMIUM and AXE.is_file()):
        pytest.skip("chromium or axe-core missing (./dev test installs them)")
    assert axe_violations(outputs["html"]) == []
