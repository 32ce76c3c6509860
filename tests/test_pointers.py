"""Pointer integrity: local pointers resolve, xml:ids are unique, register records are used."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import DATA, corpus_files, requires_corpora
from teikit.diagnostics import Severity
from teikit.load import TEI_NS, load
from teikit.validate import pointers, similar
from teikit.validate.locate import Locator
from teikit.validate.pointers import pointer_attributes

SAMPLE = DATA / "rules" / "pointers.xml"


@pytest.fixture(scope="module")
def found():
    return {(d.rule, d.line, d.column): d for d in pointers.check(load(SAMPLE))}


def test_unresolved_pointer_is_located_with_a_did_you_mean_hint(found):
    d = found[("pointer.unresolved", 23, 18)]
    assert d.message == "@ref points to '#putin', but no element has xml:id 'putin'"
    assert d.hint == "did you mean '#pers-putin'?"
    assert d.severity is Severity.ERROR


def test_each_token_of_a_pointer_list_is_checked(found):
    d = found[("pointer.unresolved", 23, 62)]
    assert d.message == "@ref points to '#nobody', but no element has xml:id 'nobody'"
    assert not any(k[1] == 20 for k in found)  # '#pers-putin #pers-lavrov' both resolve


def test_duplicate_id_names_both_places(found):
    d = found[("pointer.duplicate-id", 26, 7)]
    assert "xml:id 'p1' is used twice: first on <p> at line 19, column 7" in d.message


def test_unreferenced_register_record_is_a_warning_and_self_reference_does_not_count(found):
    d = found[("pointer.unreferenced", 33, 9)]
    assert d.severity is Severity.WARNING
    assert 'xml:id="pers-unused"' in d.message
    assert [k for k in found if k[0] == "pointer.unreferenced"] == [("pointer.unreferenced", 33, 9)]


def test_prefix_def_expands_to_a_local_pointer_and_rejects_mismatches(found):
    # pers:lavrov -> #pers-lavrov resolves (line 20); pers:Lavrov does not fit the matchPattern
    assert found[("pointer.prefix", 25, 9)].message.startswith("@ref 'pers:Lavrov' does not match")


def test_external_and_other_file_pointers_are_not_checked(found):
    assert not [k for k in found if k[1] in (21, 22)]  # wd:Q159, https://..., other.xml#x, date/@from


def test_rendition_pointer_is_checked_but_rendition_scheme_is_not_a_pointer(found):
    assert found[("pointer.unresolved", 24, 44)].message.startswith("@rendition points to '#r-bold'")
    assert not [k for k in found if k[1] == 14]


def test_span_from_and_to_are_pointers(found):
    assert found[("pointer.unresolved", 27, 7)].message.startswith("@to points to '#p9'")


def test_bare_name_of_an_existing_id_is_flagged_as_missing_its_hash(found):
    d = found[("pointer.missing-hash", 25, 60)]
    assert d.severity is Severity.WARNING
    assert d.hint == "a local pointer starts with '#': write '#pers-putin'"


def test_every_problem_of_the_sample_is_expected(found):
    assert sorted(found) == sorted([
        ("pointer.duplicate-id", 26, 7), ("pointer.unresolved", 23, 18), ("pointer.unresolved", 23, 62),
        ("pointer.unresolved", 24, 44), ("pointer.prefix", 25, 9), ("pointer.missing-hash", 25, 60),
        ("pointer.unresolved", 27, 7), ("pointer.unreferenced", 33, 9),
    ])


@pytest.mark.parametrize(("element", "attrs", "expected"), [
    ("date", {"from": "2020", "to": "2021", "when": "2020"}, []),
    ("span", {"from": "#a", "to": "#b"}, ["from", "to"]),
    ("catRef", {"scheme": "#s", "target": "#c"}, ["scheme", "target"]),
    ("rendition", {"scheme": "css"}, []),
    ("sp", {"who": "#a"}, ["who"]),
    ("person", {"key": "x", "sameAs": "#y"}, ["sameAs"]),
    ("handShift", {"new": "#h2"}, ["new"]),
    ("hi", {"new": "x"}, []),
])
def test_pointer_attribute_table(element, attrs, expected):
    node = etree.Element(f"{{{TEI_NS}}}{element}", attrs)
    assert sorted(name for name, _ in pointer_attributes(node)) == sorted(expected)


@requires_corpora
@pytest.mark.corpus
def test_dracor_play_who_pointers_resolve_and_real_breaks_are_located():
    play = next(p for p in corpus_files("shakedracor") if p.name == "a-midsummer-nights-dream.xml")
    diags = pointers.check(load(play))
    who = [d for d in diags if d.message.startswith("@who")]
    assert who == []  # every speaker is in the cast register
    assert all(d.line > 0 and d.column > 0 for d in diags)


def test_columns_skip_markup_that_only_looks_like_tags(tmp_path):
    path = tmp_path / "tricky.xml"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE TEI [ <!ENTITY x "y"> ]>\n'
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><!-- <p ref="#a"> --><?pi <p?>\n'
        '<text><body><p><![CDATA[ <p> ]]> <ref\n'
        '   target="#gone" rend="a>b">x</ref> <ref target="#also-gone">y</ref></p></body></text></TEI>\n',
        encoding="utf-8")
    found = [(d.line, d.column, d.message.split("'")[1]) for d in pointers.check(load(path))]
    assert found == [(4, 34, "#gone"), (5, 38, "#also-gone")]


@pytest.mark.parametrize("path", [DATA / "rules" / "pointers.xml",
                                  *[p for p in corpus_files("shakedracor") if p.name == "hamlet.xml"]])
def test_positions_from_the_census_are_those_of_the_walk(path):
    from teikit.validate import census

    plain = load(path)
    counted = load(path)
    census.of(counted, pointers.MAY_POINT)  # its elements with attributes are located by their index
    walked, indexed = Locator(plain), Locator(counted)
    expected = [walked.position(e) for e in plain.root.iter(etree.Element)]
    assert [indexed.position(e) for e in counted.root.iter(etree.Element)] == expected
    assert all(column > 0 for _, column in expected)


def test_xincluded_content_is_located_in_its_own_file():
    from teikit.validate import Validator

    found = [(Path(d.file).name, d.line, d.column, d.message.split("'")[1])
             for d in Validator().validate_path(DATA / "rules" / "xinclude-main.xml")
             if d.rule == "pointer.unresolved"]
    # '#ghost' is in the included file: reported at its line and column there; elements after the
    # include keep exact columns in the including file.
    part = (DATA / "rules" / "xinclude-part.xml").read_text(encoding="utf-8").splitlines()
    ghost = next(n for n, line in enumerate(part, 1) if "#ghost" in line)
    assert found == [("xinclude-main.xml", 5, 14, "#nobody"),
                     ("xinclude-part.xml", ghost, part[ghost - 1].index("<persName") + 1, "#ghost")]


def test_a_locator_without_own_files_places_included_content_at_the_including_element():
    doc = load(DATA / "rules" / "xinclude-main.xml")
    found = [(d.line, d.column) for d in pointers.check(doc, Locator(doc, own_files=False))]
    assert found == [(3, 9), (5, 14)]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text("abcdeéİΣς-_0123]^\\\n", min_size=1, max_size=12),
       st.lists(st.text("abcdeéİΣς-_0123]^\\\n", max_size=14), max_size=60))
def test_the_fast_closest_name_is_difflibs(word, names):
    expected = difflib.get_close_matches(word, names, n=1, cutoff=0.7)
    assert similar.closest(word, names, 0.7) == (expected[0] if expected else "")


def test_hints_prefer_an_id_that_contains_the_name_then_the_closest_of_similar_length():
    ids = {i: None for i in ["pers-putin", "PUTIN-wife", "karabakh", "karabah2", "İstanbul", "x" * 40]}
    hints = pointers._Hints(ids)  # type: ignore[arg-type]
    assert hints.suggest("putin") == "PUTIN-wife"  # the shortest containing it, in any case
    assert hints.suggest("karabkh") == "karabakh"  # none contains it: the closest of similar length
    assert hints.suggest("istanbul") == "İstanbul"  # 'İ' lowers to two characters: no id contains it
    assert hints.suggest("qqq") == ""
