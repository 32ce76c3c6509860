"""HTML and text on TEI written by other projects: ELTeC novels and DraCor plays.

A small sample (the full corpus is bench/build_corpus.py's job): three novels (the
smallest, and two with notes) and three plays. Nothing may crash, every word of the
text must survive, and the pages must be sound HTML: unique ids, links that land,
no TEI element leaking through. One run of the Nu HTML Checker covers all pages.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import ROOT, corpus_files, requires_corpora
from teikit.load import load
from teikit.write import BuildOptions, build_document

TEI = "{http://www.tei-c.org/ns/1.0}"
VNU = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

NOVELS = ("ENG18872_Lyall.xml", "ENG18952_Wells.xml", "ENG18850_Rutherford.xml")
PLAYS = ("macbeth.xml", "the-tempest.xml", "a-midsummer-nights-dream.xml")


def sample() -> list[Path]:
    picked: list[Path] = []
    for corpus, names in (("eltec-eng", NOVELS), ("shakedracor", PLAYS)):
        files = corpus_files(corpus)
        chosen = [f for f in files if f.name in names] or files[:3]
        picked += chosen[:3]
    return picked


SAMPLE = sample()
pytestmark = [requires_corpora, pytest.mark.corpus]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    out = tmp_path_factory.mktemp("corpus")
    built = {}
    for path in SAMPLE:
        html, txt = build_document(load(path), out, ["html", "txt"], BuildOptions())
        built[path.name] = (html, txt)
    return built


def first_words(path: Path, count: int = 8) -> str:
    """The opening words of the first paragraph or verse line of the body."""
    body = load(path).root.find(f"{TEI}text/{TEI}body")
    first = next(e for e in body.iter(f"{TEI}p", f"{TEI}l") if "".join(e.itertext()).strip())
    return " ".join("".join(first.itertext()).split()[:count])


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.stem)
def test_text_output_keeps_the_text(outputs, path):
    text = outputs[path.name][1].read_text(encoding="utf-8")
    assert first_words(path) in " ".join(text.split())
    assert "\n\n\n" not in text and not re.search(r"[ \t]+$", text, re.M)


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.stem)
def test_html_output_is_a_sound_page(outputs, path):
    tree = lxml_html.fromstring(outputs[path.name][0].read_bytes())
    assert tree.get("lang")
    assert len(tree.xpath("//h1")) == 1
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids))
    dangling = [h for h in tree.xpath("//a/@href") if h.startswith("#") and h[1:] not in set(ids)]
    assert dangling == []
    assert first_words(path) in " ".join(tree.xpath("string(//div[@id='tk-text'])").split())
    tags = {e.tag for e in tree.iter() if isinstance(e.tag, str)}
    assert not tags & {"sp", "speaker", "l", "stage", "castList", "pb", "note", "hi", "TEI"}


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.stem)
def test_html_and_text_number_the_same_notes(outputs, path):
    html, txt = outputs[path.name]
    tree = lxml_html.fromstring(html.read_bytes())
    body, _, endnotes = txt.read_text(encoding="utf-8").partition("\nNotes\n-----\n")
    numbers = [a.text_content().rstrip(".") for a in tree.xpath("//li[@class='note']/a[@class='note-num']")]
    assert re.findall(r"^(\S+)\. ", endnotes, re.M) == numbers
    markers = [a.text_content() for a in tree.xpath("//a[@class='noteref']")]
    assert sorted(set(markers)) == sorted(set(numbers))
    assert all(f"[{n}]" in body for n in numbers)


def test_plays_link_speeches_to_the_cast(outputs):
    plays = [name for name in outputs if name in PLAYS]
    if not plays:
        pytest.skip("no DraCor play in the sample")
    tree = lxml_html.fromstring(outputs[plays[0]][0].read_bytes())
    assert tree.xpath("//section[@id='tk-register-person']//a[@class='occ']")
    assert tree.xpath("//p[@class='speaker']/a[contains(@class, 'ent-person')]")


@pytest.mark.skipif(not (shutil.which("java") and VNU.is_file()), reason="java or vnu.jar missing")
def test_corpus_pages_are_valid_html5(outputs):
    from test_html import vnu_errors

    errors = vnu_errors([html for html, _ in outputs.values()])
    assert {name: msgs[:5] for name, msgs in errors.items() if msgs} == {}
