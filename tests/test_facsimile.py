"""Facsimiles: page images linked to the text, local ones embedded, remote ones linked, none fetched.

tests/data/facsimile/letter.xml has four pages: one whose image is a PNG beside it (img/,
reached through the facsimile's xml:base), one whose file is missing, one on an IIIF server,
one that names a file outside its folder that is not an image. A project built in a
temporary folder has images inside its root but outside the document's folder (embedded), and
outside the root, behind a symlink out of it, too large or not an image (named, never read
into the page).
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
from teikit.write.facsimile import MAX_IMAGE_BYTES, embedded_images
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


PAGES = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><titleStmt><title>Pages of a project</title></titleStmt>
    <publicationStmt><p>Test.</p></publicationStmt><sourceDesc><p>Test.</p></sourceDesc></fileDesc></teiHeader>
  <text><body>
    <p><pb n="1" facs="../images/p1.png"/>An image elsewhere in the project.</p>
    <p><pb n="2" facs="../../outside.png"/>An image outside the project.</p>
    <p><pb n="3" facs="link.png"/>A symlink beside the document, pointing out of the project.</p>
    <p><pb n="4" facs="../images/big.png"/>An image too large to embed.</p>
    <p><pb n="5" facs="../images/fake.png"/>A text file named like an image.</p>
  </body></text>
</TEI>
"""


@pytest.fixture
def project(tmp_path) -> Path:
    """tmp/outside.png, and tmp/project/ with teikit.toml, images/, tei/pages.xml and
    tei/link.png (a symlink to tmp/outside.png)."""
    root = tmp_path / "project"
    (root / "images").mkdir(parents=True)
    (root / "tei").mkdir()
    (root / "teikit.toml").write_text("", encoding="utf-8")
    shutil.copy(PNG, root / "images" / "p1.png")
    shutil.copy(PNG, tmp_path / "outside.png")
    (root / "tei" / "link.png").symlink_to(tmp_path / "outside.png")
    (root / "images" / "big.png").write_bytes(PNG.read_bytes() + b"\0" * MAX_IMAGE_BYTES)
    (root / "images" / "fake.png").write_text("not an image", encoding="utf-8")
    (root / "tei" / "pages.xml").write_text(PAGES, encoding="utf-8")
    return root


def test_images_anywhere_inside_the_project_root_are_embedded(project):
    doc = project / "tei" / "pages.xml"
    assert list(embedded_images(load(doc, project_root=project))) == ["../images/p1.png"]
    # Loaded on its own (no project root), a document reaches only its own folder.
    assert embedded_images(load(doc)) == {}


def test_the_cli_embeds_from_the_projects_root_and_names_the_rest(project):
    result = run_cli("build", "tei/pages.xml", "-f", "html", "-o", "out", cwd=project)
    assert result.returncode == 0, result.stderr
    tree = lxml_html.parse(str(project / "out" / "pages.html"))
    assert [a.get("href") for a in tree.xpath("//a[@class='facs-link']")] == ["#facs-1"]
    assert [s.text_content() for s in tree.xpath("//span[@class='facs-name']")] == [
        "facs. ../../outside.png", "facs. link.png", "facs. ../images/big.png", "facs. ../images/fake.png"]
    src = tree.xpath("//li[@id='facs-1']//img/@src")
    assert src == ["data:image/png;base64," + base64.b64encode(PNG.read_bytes()).decode()]
    assert len(tree.xpath("//img")) == 1


def test_a_changed_image_elsewhere_in_the_project_rebuilds_the_page(project):
    args = ("build", "tei/pages.xml", "-f", "html", "-o", "out")
    assert "wrote" in run_cli(*args, cwd=project).stdout
    assert "up to date" in run_cli(*args, cwd=project).stdout
    with (project / "images" / "p1.png").open("ab") as f:
        f.write(b"\0")
    assert "wrote" in run_cli(*args, cwd=project).stdout
