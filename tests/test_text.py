"""Plain text: the reading text of a document, for reading and corpus analysis.

What it holds (xslt/text.xsl): title, authors, abstract and keywords, the text with
headings, paragraphs, verse and speeches, figure captions once, note markers [n],
then the notes as numbered endnotes. What it leaves out: registers, pull quotes,
the rest of the header, markup.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import DATA, EDITION, run_cli
from teikit.load import load
from teikit.write import BuildOptions
from teikit.write.text import render_text, wrap

OUTPUTS = DATA / "outputs"
ARTICLE = OUTPUTS / "article.xml"
PLAY = OUTPUTS / "play.xml"
EDITION_FILE = EDITION / "karabakh-war.xml"
# One line per paragraph (--width 0), the form for corpus analysis; the default wraps at 78.
UNWRAPPED = BuildOptions(width=0)


@pytest.fixture(scope="module")
def article() -> str:
    return render_text(load(ARTICLE), UNWRAPPED)


def blocks(text: str) -> list[str]:
    return [b for b in text.split("\n\n") if b.strip()]


def test_header_gives_title_authors_abstract_keywords_in_that_order(article):
    head = blocks(article)[:5]
    assert head[0] == "Ceasefires in the South Caucasus\n================================"
    assert head[1].splitlines() == [
        "Nazim Example, State University of Examples, Baku, Azerbaijan, ORCID 0000-0002-7480-4680",
        "Araz Sample, Academy of Samples, Azerbaijan, ORCID 0000-0001-6573-4660",
    ]
    assert head[2] == "Abstract\n--------"
    assert head[3].startswith("The war affected the balance in the Caucasus. Putin's policy")
    assert head[4] == "Keywords: Karabakh War, Russia, South Caucasus"
    assert "A Test Article" not in article  # subtitles are the edition's, not the text's


def test_headings_are_underlined_by_level(article):
    assert "Introduction\n============" in article
    assert "The Bishkek Protocol\n--------------------" in article


def test_paragraphs_are_single_lines_separated_by_blank_lines(article):
    paragraph = next(b for b in blocks(article) if b.startswith("The 2nd Karabakh War"))
    assert "\n" not in paragraph
    assert "  " not in paragraph
    assert paragraph.endswith("the Transnistria conflict continued.[1]")


def test_registers_and_pull_quotes_are_not_reading_text(article):
    assert "Never Mentioned" not in article
    assert "Organization for Security" not in article  # the register's full name; the text says OSCE
    assert "President of Russia 1991" not in article
    assert "harmed" not in article  # only in a pull quote
    assert article.count("Although the roots of the conflict") == 1


def test_figure_caption_and_credit_appear_once_and_the_description_not_at_all(article):
    assert article.count("Presidents met in Moscow on January 11, 2021.\nKremlin Press Service / AA") == 1
    assert "Three men standing" not in article


def test_corrections_quotations_and_superscripts_read_naturally(article):
    reading, apparatus = article.split("\nApparatus\n---------\n")
    assert "conflikt" not in reading and "Transnistria conflict" in reading
    assert "conflict] conflikt (sic)" in apparatus  # the source's spelling stays available
    assert "the “Four-Day War” was halted" in article
    assert "He said “we stand by the peoples” in Москва." in article
    assert "2nd Karabakh War" in article


def test_notes_are_numbered_endnotes_with_markers_kept(article):
    body, _, notes = article.partition("\nNotes\n-----\n")
    assert re.findall(r"\[(\d+)\]", body) == ["1", "2", "3", "4"]
    assert re.findall(r"^(\d+)\. ", notes, re.M) == ["1", "2", "3", "4"]
    assert "1. Svante Cornell, Small Nations and Great Powers (London: Routledge, 2001), p. 12;" in notes
    assert "http://www.kremlin.ru/events/president/news/64261" in notes


def test_no_markup_or_whitespace_leaks(article):
    assert "<" not in article and ">" not in article
    assert not re.search(r"[ \t]+$", article, re.M)
    assert "\n\n\n" not in article
    assert article.endswith("\n") and not article.endswith("\n\n")


def test_speeches_keep_speaker_and_lines_together():
    text = render_text(load(PLAY), UNWRAPPED)
    assert "HAMLET\nWho’s there? Stand and unfold yourself.\nThe air bites shrewdly; it is very cold." in text  # noqa: RUF001
    # A stage direction inside a line is set off in brackets: it is not spoken.
    assert "HORATIO\nIt is a nipping and an eager air. [He shivers.]" in text
    assert "Hamlet, Prince of Denmark\nHoratio, his friend" in text
    assert "Q2447542" not in text and "1603" not in text


def test_numbering_follows_document_order_when_notes_have_no_n():
    text = render_text(load(DATA / "minimal.xml"), UNWRAPPED)
    assert "spoke.[1]" in text and "\n1. A note.\n" in text
    assert "Boris Yeltsin\n\nMoscow" not in text  # the back-matter registers are gone


def test_the_default_width_is_78_columns():
    text = render_text(load(ARTICLE))
    assert max(len(line) for line in text.splitlines() if " " in line.strip()) <= 78
    assert text != render_text(load(ARTICLE), UNWRAPPED)


def test_the_text_ends_with_how_to_cite_and_every_rights_statement():
    text = render_text(load(EDITION_FILE), UNWRAPPED)
    cite = text[text.index("How to cite\n-----------"):]
    source = ("“Russia’s Policy During the 44-Day Karabakh War,” Insight Turkey 23, no. 4 (2021): "  # noqa: RUF001
              "213–229, https://doi.org/10.25253/99.2021234.12.")  # noqa: RUF001
    assert source in cite
    # The edition's own citation does not repeat the source's authors and title.
    edition = "Digital edition: edition 1.0, teikit project, 2026, identifier teikit-edition-karabakh-war."
    assert edition in cite
    rights = text[text.index("Rights\n------"):]
    assert "licensed under Creative Commons Attribution 4.0" in rights
    assert "The text of the article is not covered by that licence" in rights


def test_figure_captions_are_labelled():
    text = render_text(load(EDITION_FILE), UNWRAPPED)
    assert re.search(r"^\[Figure 1\] Russian President Putin", text, re.M)
    assert "[Figure 2] " in text


def test_width_wraps_long_lines_but_keeps_headings_verse_and_notes_aligned(article):
    wrapped = render_text(load(ARTICLE), BuildOptions(width=60))
    for line in wrapped.splitlines():
        assert len(line) <= 60 or " " not in line.strip()
    assert "Introduction\n============" in wrapped
    note = wrapped[wrapped.index("\n1. Svante"):].splitlines()
    assert note[2].startswith("   ") and not note[2].startswith("    ")
    assert re.sub(r"\s+", " ", wrapped) == re.sub(r"\s+", " ", article)


def test_a_numbered_line_runs_on_right_of_its_gutter():
    # The 5-column gutter of verse and inscription lines (text/scholarly.xsl) stays clear.
    words = " ".join(["word"] * 20)
    text = f"10   {words}\n     {words}\n1842 was a year {words}"
    wrapped = wrap(text, 40).splitlines()
    first, second = wrapped[:3], wrapped[3:6]
    assert first[0].startswith("10   word") and all(w.startswith("     word") for w in first[1:])
    assert all(w.startswith("     word") for w in second)
    # prose that begins with a number is not in a gutter
    assert wrapped[6].startswith("1842 was") and wrapped[7].startswith("word")


def test_wrap_leaves_short_lines_alone():
    assert wrap("Title\n=====\n\nshort line\nsecond", 20) == "Title\n=====\n\nshort line\nsecond"


def test_cli_writes_the_text_file(tmp_path: Path):
    result = run_cli("build", str(ARTICLE), "-o", str(tmp_path), "-f", "txt", "--width", "72")
    assert result.returncode == 0, result.stderr
    written = (tmp_path / "article.txt").read_text(encoding="utf-8")
    assert written.startswith("Ceasefires in the South Caucasus\n")
    assert max(len(line) for line in written.splitlines()) <= 72


@pytest.mark.skipif(not EDITION_FILE.is_file(), reason="the edition tei/karabakh-war.xml is absent")
def test_the_edition_reads_once_in_order_with_its_36_notes():
    text = render_text(load(EDITION_FILE), UNWRAPPED)
    body, _, notes = text.partition("\nEndnotes\n--------\n")  # the heading as the article prints it
    assert re.findall(r"\[(\d+)\]", body) == [str(n) for n in range(1, 37)]
    assert re.findall(r"^(\d+)\. ", notes, re.M) == [str(n) for n in range(1, 37)]
    repeated = [b for b, n in Counter(blocks(body)).items() if n > 1 and len(b) > 40]
    assert repeated == []
    assert body.index("ABSTRACT") < body.index("Keywords:") < body.index("Introduction")
    assert "<" not in body


def test_notes_called_by_refs_from_a_notes_division_become_endnotes():
    text = render_text(load(OUTPUTS / "novel.xml"), UNWRAPPED)
    assert "It was a dark night.[1] The wind howled, and voilà, the door opened." in text
    assert "Then came the morning.[2]" in text
    assert "FOOTNOTES" not in text
    assert "Notes\n-----\n\n1. A night in winter.\n\n2. The author's own note.\n\nHow to cite\n" in text


def test_each_document_of_a_corpus_has_its_own_title():
    text = render_text(load(OUTPUTS / "corpus.xml"), UNWRAPPED)
    assert blocks(text)[:3] == ["A corpus\n========", "One\n===", "First text.[1]"]
    assert "Grouped a L b with a x inside." in text and "v1\nv2" in text


def test_a_closer_inside_a_postscript_keeps_its_signature_and_dateline_apart(tmp_path: Path):
    letter = tmp_path / "letter.xml"
    letter.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A letter</title>'
        "</titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc>"
        "</teiHeader><text><body><div type=\"letter\"><p>Body.</p>"
        "<postscript><p>Received with thanks.</p><closer><signed>Rugendas</signed>"
        "<dateline>Paris den 30. März 1831.</dateline></closer></postscript></div></body></text></TEI>",
        encoding="utf-8")
    expected = ["Received with thanks.", "Rugendas", "Paris den 30. März 1831."]
    # each part of the closer is a block of its own, in order (they were once run together)
    assert [p for p in blocks(render_text(load(letter), UNWRAPPED)) if p in expected] == expected
