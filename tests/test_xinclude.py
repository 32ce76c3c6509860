"""XInclude as libxml2 supports it: xpointer (bare id, element()), xi:fallback, parse="text";
problems inside an included file are reported at that file's own line and column."""

from __future__ import annotations

import pytest

from teikit.errors import DocumentError
from teikit.load import load
from teikit.validate import ValidationOptions, Validator

HEAD = ('<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:xi="http://www.w3.org/2001/XInclude"><teiHeader>'
        "<fileDesc><titleStmt><title>t</title></titleStmt><publicationStmt><p>x</p></publicationStmt>"
        "<sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader>\n<text><body>\n")
PART = """<div xmlns="http://www.tei-c.org/ns/1.0">
  <p xml:id="first">first <persName ref="#nobody">X</persName></p>

  <p xml:id="second">second</p>
     <blink/>
  <div><p>deep</p></div>
</div>
"""


def write(tmp_path, body: str, part: str = PART):
    (tmp_path / "part.xml").write_text(part, encoding="utf-8")
    (tmp_path / "doc.xml").write_text(HEAD + body + "\n</body></text></TEI>\n", encoding="utf-8")
    return tmp_path / "doc.xml"


def texts(doc) -> list[str]:
    return [" ".join("".join(p.itertext()).split()) for p in doc.root.iter("{*}p")][2:]


@pytest.mark.parametrize(("pointer", "expected"), [
    ("second", ["second"]),
    ("element(second)", ["second"]),
    ("element(/1/4/1)", ["deep"]),
    ("element(first/1)", None),  # persName: no <p>
    ("xpointer(id('x')) element(second)", ["second"]),  # an unknown scheme is skipped
])
def test_xpointer_forms_libxml2_supports(tmp_path, pointer, expected):
    doc = load(write(tmp_path, f'<xi:include href="part.xml" xpointer="{pointer}"/>'))
    if expected is None:
        assert [e.tag.rpartition("}")[2] for e in doc.root.find(".//{*}body")] == ["persName"]
    else:
        assert texts(doc) == expected


def test_an_xpointer_that_selects_nothing_is_an_error_at_the_include(tmp_path):
    with pytest.raises(DocumentError) as caught:
        load(write(tmp_path, '<xi:include href="part.xml" xpointer="nowhere"/>'))
    assert caught.value.diagnostic.rule == "xinclude.xpointer" and caught.value.diagnostic.line == 3


@pytest.mark.parametrize("href", ["missing.xml", "https://example.org/remote.xml", "../outside.xml"])
def test_fallback_stands_in_for_a_resource_that_cannot_be_had(tmp_path, href):
    project = tmp_path / "p"
    project.mkdir()
    (tmp_path / "outside.xml").write_text("<p xmlns='http://www.tei-c.org/ns/1.0'>outside</p>")
    doc = load(write(project, f'<xi:include href="{href}"><xi:fallback><p>instead</p></xi:fallback>'
                              "</xi:include>"), project_root=project)
    assert texts(doc) == ["instead"]


def test_fallback_for_an_xpointer_that_selects_nothing(tmp_path):
    doc = load(write(tmp_path, '<xi:include href="part.xml" xpointer="element(/1/9)">'
                               "<xi:fallback><p>none</p></xi:fallback></xi:include>"))
    assert texts(doc) == ["none"]


def test_parse_text_joins_thousands_of_includes_once(tmp_path):
    (tmp_path / "chunk.txt").write_text("abc\u00e9" * 250, encoding="utf-8")
    includes = '<xi:include href="chunk.txt" parse="text"/>-' * 2000
    doc = load(write(tmp_path, f"<p>[{includes}]</p>"))
    text = texts(doc)[0]
    assert text == "[" + ("abc\u00e9" * 250 + "-") * 2000 + "]"
    assert doc.includes.count((tmp_path / "chunk.txt").resolve()) == 2000  # each counts for --max-bytes


def test_problems_inside_an_included_file_are_reported_at_its_own_lines(tmp_path):
    path = write(tmp_path, '<p>before</p>\n<xi:include href="part.xml"/>')
    found = Validator(ValidationOptions(pointers=True)).validate_path(path)
    where = {(d.file.rpartition("/")[2], d.line, d.column, d.rule) for d in found}
    assert ("part.xml", 2, 27, "pointer.unresolved") in where
    assert ("part.xml", 5, 6, "rng") in where
    assert not any(d.file.endswith("doc.xml") for d in found)


def test_schematron_findings_inside_an_included_file_too(tmp_path):
    rules = tmp_path / "rules.sch"
    rules.write_text('<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">'
                     '<ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/><pattern><rule context="tei:p">'
                     '<report id="no-deep" test=". = \'deep\'">deep</report></rule></pattern></schema>')
    path = write(tmp_path, '<xi:include href="part.xml"/>')
    found = Validator(ValidationOptions(schematron=(rules,), pointers=False)).validate_path(path)
    assert [(d.file.rpartition("/")[2], d.line, d.column) for d in found if d.rule == "no-deep"] == [
        ("part.xml", 6, 8)]
