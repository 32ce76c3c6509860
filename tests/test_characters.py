"""Characters XML allows and HTML forbids (C1 controls, noncharacters) never reach an output.

Each is dropped from HTML, PDF and text alike, and named in a warning with its place in
the source; the build still succeeds and the source is untouched.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import CORPORA, run_cli
from test_html import VNU, vnu_errors

# U+0085 (NEL), U+008D and U+FDD0 written out, U+0096 as a character reference.
DOCUMENT = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><titleStmt><title>Controls</title></titleStmt>
    <publicationStmt><p>test</p></publicationStmt><sourceDesc><p>test</p></sourceDesc></fileDesc></teiHeader>
  <text><body>
    <p>Extractivstoff 0,505 \u008d— —</p>
    <p>one\u0085two <hi rend="x\u008dy">three</hi> four&#x96;five \ufdd0six</p>
  </body></text>
</TEI>
"""
FORBIDDEN = ("\u0085", "\u008d", "\u0096", "\ufdd0")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, str]:
    folder = tmp_path_factory.mktemp("characters")
    source = folder / "controls.xml"
    source.write_text(DOCUMENT, encoding="utf-8")
    out = folder / "out"
    result = run_cli("build", str(source), "-o", str(out), "--no-cache")
    assert result.returncode == 0, result.stderr
    return source, out, result.stderr


def test_no_output_carries_them(built):
    _, out, _ = built
    html = (out / "controls.html").read_text(encoding="utf-8")
    text = (out / "controls.txt").read_text(encoding="utf-8")
    pdf_file = PdfReader(io.BytesIO((out / "controls.pdf").read_bytes()))
    pdf = "".join(page.extract_text() for page in pdf_file.pages)
    for output in (html, text, pdf):
        assert not any(c in output for c in FORBIDDEN)
        assert "onetwo" in output and "fourfive" in output and "0,505 —" in output
    assert "&#x8d;" not in html.lower() and "&#141;" not in html


def test_each_is_named_once_with_its_place_and_the_source_is_unchanged(built):
    source, _, stderr = built
    assert source.read_text(encoding="utf-8") == DOCUMENT
    warnings = [line for line in stderr.splitlines() if "[output.character]" in line]
    assert len(warnings) == 4, stderr  # once per code point, not once per format
    assert any("controls.xml:6:29: warning" in w and "U+008D (a control character)" in w for w in warnings)
    assert any("controls.xml:7:11: warning" in w and "U+0085" in w for w in warnings)
    assert any("controls.xml:7:46: warning" in w and "U+0096" in w for w in warnings)  # &#x96;
    assert any("U+FDD0 (a noncharacter)" in w for w in warnings)


@pytest.mark.skipif(not (shutil.which("java") and VNU.is_file()), reason="java or vnu.jar missing")
def test_the_page_passes_the_nu_checker(built):
    _, out, _ = built
    assert vnu_errors([out / "controls.html"]) == {"controls.html": []}


@pytest.mark.corpus
@pytest.mark.skipif(not (shutil.which("java") and VNU.is_file()), reason="java or vnu.jar missing")
def test_rose_ural_passes_the_nu_checker(tmp_path):
    # DTA's Rose, Reise nach dem Ural (1.5 MB) has a U+008D at line 12512.
    source = CORPORA / "dta" / "rose_ural02_1842.TEI-P5.xml"
    if not source.is_file():
        pytest.skip("shared corpora absent")
    result = run_cli("build", str(source), "-o", str(tmp_path), "-f", "html", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "rose_ural02_1842.TEI-P5.xml:12512:37: warning: [output.character] U+008D" in result.stderr
    page = tmp_path / "rose_ural02_1842.TEI-P5.html"
    assert vnu_errors([page]) == {page.name: []}
