"""Grammars specialised to a vocabulary: same verdicts as the whole grammar, compiled in milliseconds."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lxml import etree

from conftest import DATA, EDITION, ROOT, corpus_files, requires_corpora
from teikit.errors import InputError
from teikit.load import load, make_parser
from teikit.validate import grammar as rng
from teikit.validate.grammar import lxml_engine, simplified
from teikit.validate.grammar.specialise import (
    Specialiser,
    element_name,
    specialisable,
    without_unused_attributes,
)

TEI_ALL = ROOT / "schemas" / "tei_all.rng"
GRAMMAR = DATA / "grammar"
TEI = "{http://www.tei-c.org/ns/1.0}"
R = "{http://relaxng.org/ns/structure/1.0}"


@pytest.fixture(scope="module")
def simple_tei_all() -> etree._ElementTree:
    return etree.parse(str(simplified(TEI_ALL)), make_parser())


@pytest.fixture(scope="module")
def whole(simple_tei_all) -> etree.RelaxNG:
    return etree.RelaxNG(simple_tei_all)


@pytest.fixture(scope="module")
def specialiser(simple_tei_all) -> Specialiser:
    return Specialiser(simple_tei_all)


def vocabulary(tree: etree._ElementTree) -> set[str]:
    return {el.tag for el in tree.getroot().iter(etree.Element)}


def all_names(tree: etree._ElementTree) -> list[str]:
    return sorted({n for n in map(element_name, tree.getroot().iter(R + "element")) if n})


def samples() -> list[Path]:
    return [EDITION / "karabakh-war.xml", *sorted(GRAMMAR.glob("*.xml")), DATA / "minimal.xml"]


@pytest.mark.parametrize("path", samples(), ids=lambda p: p.name)
def test_a_specialised_grammar_gives_the_verdict_of_the_whole_grammar(path, specialiser, whole):
    doc = load(path, require_tei=False)
    names = vocabulary(doc.tree)
    specialised = etree.RelaxNG(specialiser.grammar(names))
    assert specialised.validate(doc.tree) == whole.validate(doc.tree)
    for element in doc.root.iter(etree.Element):  # every subtree too: error repair validates them
        assert specialised.validate(element) == whole.validate(element), element.tag


def test_a_wider_vocabulary_changes_no_verdict(specialiser, whole, simple_tei_all):
    names = all_names(simple_tei_all)
    chooser = random.Random(4)
    docs = [load(p, require_tei=False) for p in samples()]
    for _ in range(12):
        extra = set(chooser.sample(names, chooser.randrange(0, 300)))
        for doc in docs:
            specialised = etree.RelaxNG(specialiser.grammar(vocabulary(doc.tree) | extra))
            assert specialised.validate(doc.tree) == whole.validate(doc.tree), doc.display


def attribute_names(tree: etree._ElementTree) -> frozenset[str]:
    return frozenset(n for el in tree.getroot().iter(etree.Element) for n in el.attrib)


@pytest.mark.parametrize("path", samples(), ids=lambda p: p.name)
def test_optional_attributes_no_document_uses_change_no_verdict(path, specialiser, whole):
    doc = load(path, require_tei=False)
    grammar = specialiser.grammar(vocabulary(doc.tree))
    cut = etree.RelaxNG(without_unused_attributes(grammar, attribute_names(doc.tree)))
    assert cut.validate(doc.tree) == whole.validate(doc.tree)
    for element in doc.root.iter(etree.Element):  # every subtree too: error repair validates them
        assert cut.validate(element) == whole.validate(element), element.tag


def test_an_attribute_a_document_does_not_use_is_cut_and_a_required_one_stays(specialiser):
    names = {TEI + n for n in ("TEI", "teiHeader", "fileDesc", "titleStmt", "title", "publicationStmt",
                               "p", "sourceDesc", "text", "body", "ptr")}
    grammar = without_unused_attributes(specialiser.grammar(names), frozenset({"target"}))
    cut = {a.get("name") for a in grammar.getroot().iter(R + "attribute")}
    assert "rend" not in cut and "target" in cut
    doc = etree.fromstring(f'<p xmlns="{TEI[1:-1]}">a <ptr target="#x"/></p>')
    assert etree.RelaxNG(grammar).validate(doc)
    assert not etree.RelaxNG(grammar).validate(etree.fromstring(f'<p xmlns="{TEI[1:-1]}" rend="b">a</p>'))


def test_grammars_without_unused_attributes_compile(tmp_path, simple_tei_all, specialiser):
    """Compiled in a child process, as above: a shape libxml2 loops on fails instead of hanging."""
    names = all_names(simple_tei_all)
    attributes = sorted({n for a in simple_tei_all.getroot().iter(R + "attribute")
                         if (n := a.get("name"))})
    chooser = random.Random(11)
    paths = []
    for i in range(6):
        grammar = specialiser.grammar(set(chooser.sample(names, chooser.randrange(5, 300))) | {TEI + "TEI"})
        used = frozenset(chooser.sample(attributes, chooser.randrange(0, len(attributes))))
        path = tmp_path / f"a{i}.rng"
        without_unused_attributes(grammar, used).write(str(path))
        paths.append(str(path))
    script = "import sys\nfrom lxml import etree\nfor p in sys.argv[1:]:\n    etree.RelaxNG(etree.parse(p))\n"
    done = subprocess.run([sys.executable, "-c", script, *paths], timeout=120, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_elements_outside_the_vocabulary_are_not_allowed(specialiser):
    names = {TEI + n for n in ("TEI", "teiHeader", "fileDesc", "titleStmt", "title", "publicationStmt",
                               "p", "sourceDesc", "text", "body")}
    grammar = specialiser.grammar(names)
    defined = {element_name(e) for e in grammar.getroot().iter(R + "element")} - {None}
    assert defined <= names
    assert len(list(grammar.getroot().iter(R + "define"))) < 200  # of tei_all's ~1,900 after pruning
    doc = etree.fromstring(f'<p xmlns="{TEI[1:-1]}">a <hi>b</hi></p>')
    assert not etree.RelaxNG(grammar).validate(doc)  # hi is not in the vocabulary
    assert etree.RelaxNG(specialiser.grammar(names | {TEI + "hi"})).validate(doc)


def test_specialised_grammars_compile_for_any_vocabulary(tmp_path, simple_tei_all, specialiser):
    """libxml2 2.14 loops forever simplifying some shapes that pruning leaves (a group of one
    choice, empties inside groups): the normalised output must never reach them. Each grammar is
    compiled in a child process, so a regression fails the test instead of hanging the suite."""
    names = all_names(simple_tei_all)
    chooser = random.Random(1)
    vocabularies = [set(chooser.sample(names, 150))]  # the vocabulary that looped before normalising
    chooser = random.Random(7)
    vocabularies += [set(chooser.sample(names, chooser.randrange(5, len(names)))) for _ in range(7)]
    paths = []
    for i, names_i in enumerate(vocabularies):
        path = tmp_path / f"g{i}.rng"
        specialiser.grammar(names_i | {TEI + "TEI"}).write(str(path))
        paths.append(str(path))
    script = "import sys\nfrom lxml import etree\nfor p in sys.argv[1:]:\n    etree.RelaxNG(etree.parse(p))\n"
    done = subprocess.run([sys.executable, "-c", script, *paths], timeout=120, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def fresh_checker(tmp_path, monkeypatch):
    """A checker of its own (not the process-wide one) with an empty cache, as on a first run."""
    monkeypatch.setenv("TEIKIT_CACHE_DIR", str(tmp_path / "cache"))
    return lambda: rng.LxmlChecker(TEI_ALL)


def test_a_checker_compiles_again_only_for_new_names(tmp_path, fresh_checker):
    checker = fresh_checker()
    first = load(GRAMMAR / "valid.xml")
    compiled = lxml_engine.compile_count
    checker.check(first)
    assert lxml_engine.compile_count == compiled + 1
    checker.check(load(GRAMMAR / "valid.xml"))
    assert lxml_engine.compile_count == compiled + 1  # same names: same compiled grammar
    richer = tmp_path / "richer.xml"
    richer.write_text((GRAMMAR / "valid.xml").read_text().replace("</p>", " <emph>new</emph></p>", 1))
    assert checker.check(load(richer)) == []
    assert lxml_engine.compile_count == compiled + 2
    checker.check(first)
    assert lxml_engine.compile_count == compiled + 2  # the wider grammar serves the narrower document


def test_the_vocabulary_is_remembered_for_the_next_run(tmp_path, fresh_checker):
    richer = tmp_path / "richer.xml"
    richer.write_text((GRAMMAR / "valid.xml").read_text().replace("</p>", " <emph>new</emph></p>", 1))
    first_run = fresh_checker()
    first_run.check(load(GRAMMAR / "valid.xml"))
    first_run.check(load(richer))
    remembered = set(next((tmp_path / "cache" / "rng").glob("*.names")).read_text().split())
    assert TEI + "emph" in remembered and TEI + "TEI" in remembered
    compiled = lxml_engine.compile_count
    next_run = fresh_checker()  # another process, later: one compilation serves both documents
    assert next_run.check(load(GRAMMAR / "valid.xml")) == [] and next_run.check(load(richer)) == []
    assert lxml_engine.compile_count == compiled + 1


def test_a_widening_takes_in_what_other_processes_learnt_meanwhile(tmp_path, fresh_checker):
    richer = tmp_path / "richer.xml"
    richer.write_text((GRAMMAR / "valid.xml").read_text().replace("</p>", " <emph>new</emph></p>", 1))
    other = tmp_path / "other.xml"
    other.write_text((GRAMMAR / "valid.xml").read_text().replace("</p>", " <hi>new</hi></p>", 1))
    first, second = fresh_checker(), fresh_checker()  # two workers of one first run
    first.check(load(richer))  # learns emph, and writes it down
    second.check(load(other))  # meets hi: its widening takes emph in too
    compiled = lxml_engine.compile_count
    assert second.check(load(richer)) == []
    assert lxml_engine.compile_count == compiled  # no compilation for emph


def test_names_the_schema_does_not_define_are_not_remembered(tmp_path, fresh_checker):
    foreign = tmp_path / "foreign.xml"
    foreign.write_text((GRAMMAR / "valid.xml").read_text().replace("</p>", '<x:y xmlns:x="urn:x"/></p>', 1))
    checker = fresh_checker()
    assert checker.check(load(foreign))  # invalid: x:y is no TEI element
    remembered = set(next((tmp_path / "cache" / "rng").glob("*.names")).read_text().split())
    assert "{urn:x}y" not in remembered and TEI + "p" in remembered


def test_an_error_in_a_part_no_document_uses_is_still_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("TEIKIT_CACHE_DIR", str(tmp_path / "cache"))
    schema = tmp_path / "broken.rng"
    schema.write_text(textwrap.dedent("""\
        <grammar xmlns="http://relaxng.org/ns/structure/1.0">
          <start><ref name="doc"/></start>
          <define name="doc"><element name="doc"><optional><ref name="unused"/></optional></element></define>
          <define name="unused"><element name="unused"><ref name="nowhere"/></element></define>
        </grammar>"""))
    with pytest.raises(InputError, match="not a usable RELAX NG schema"):
        simplified(schema)


def test_grammars_with_nested_grammars_or_combined_defines_are_not_specialised():
    combined = etree.ElementTree(etree.fromstring(
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><ref name="a"/></start>'
        '<define name="a"><element name="a"><empty/></element></define>'
        '<define name="a" combine="choice"><element name="b"><empty/></element></define></grammar>'))
    assert not specialisable(combined)
    nested = etree.ElementTree(etree.fromstring(
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><element name="a">'
        '<grammar><start><element name="b"><empty/></element></start></grammar></element></start></grammar>'))
    assert not specialisable(nested)


@requires_corpora
def test_verdicts_on_the_corpora_equal_those_of_the_whole_grammar(specialiser, whole):
    files = corpus_files("eltec-eng") + corpus_files("shakedracor")
    docs = [load(p, require_tei=False) for p in files[:: max(1, len(files) // 20)]]
    names = set().union(*(vocabulary(d.tree) for d in docs))
    specialised = etree.RelaxNG(specialiser.grammar(names))
    for doc in docs:
        assert specialised.validate(doc.tree) == whole.validate(doc.tree), doc.display


# --------------------------------------------------------------------------- the root judged by parts


def whole_document_diagnostics(checker, doc, monkeypatch):
    """The diagnostics of the path that validates the whole document first (no judging by parts)."""
    with monkeypatch.context() as patch:
        patch.setattr(rng.LxmlChecker, "_by_parts", lambda self, root: False)
        return checker.check(doc)


def root_variants(tmp_path) -> list[Path]:
    """Documents whose errors lie at the root: in its attributes, its children's order or number."""
    valid = (GRAMMAR / "valid.xml").read_text(encoding="utf-8")
    changes = {
        "root-attribute": valid.replace("<TEI ", '<TEI bogus="1" ', 1),
        "no-header": re.sub(r"<teiHeader>.*?</teiHeader>", "", valid, count=1, flags=re.S),
        "two-headers": valid.replace("</teiHeader>", "</teiHeader><teiHeader/>", 1),
        "text-first": re.sub(r"(<teiHeader>.*?</teiHeader>)\s*(<text>.*?</text>)", r"\2\1", valid, count=1,
                             flags=re.S),
        "stray-text": valid.replace("<text>", "loose words<text>", 1),
        "header-and-text": valid.replace("<title>", "<title><blink/>", 1).replace("<p>", "<p><blink/>", 1),
    }
    paths = []
    for name, text in changes.items():
        assert text != valid, name
        path = tmp_path / f"{name}.xml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_judging_the_root_by_parts_reports_what_the_whole_document_does(tmp_path, monkeypatch):
    checker = grammar_checker_for_tests()
    paths = [*samples(), *root_variants(tmp_path)]
    for path in paths:
        doc = load(path, require_tei=False)
        assert checker._by_parts(doc.root), path.name  # these roots can be judged by parts
        assert checker.check(doc) == whole_document_diagnostics(checker, doc, monkeypatch), path.name
    assert all(checker.check(load(p, require_tei=False)) for p in paths[-6:])  # each variant is invalid


@requires_corpora
def test_judging_the_root_by_parts_changes_no_report_on_the_corpora(monkeypatch):
    checker = grammar_checker_for_tests()
    files = corpus_files("eltec-eng")[::8] + corpus_files("shakedracor")[::5]
    for path in files:
        doc = load(path, require_tei=False)
        assert checker.check(doc) == whole_document_diagnostics(checker, doc, monkeypatch), path.name


def test_a_root_with_children_named_like_it_is_validated_whole():
    checker = grammar_checker_for_tests()
    nested = etree.fromstring(
        f'<TEI xmlns="{TEI[1:-1]}"><teiHeader/><TEI/></TEI>')
    assert not checker._by_parts(nested)


def grammar_checker_for_tests() -> rng.LxmlChecker:
    checker = rng.grammar_checker(TEI_ALL)
    assert isinstance(checker, rng.LxmlChecker)
    checker.relaxng_for(load(EDITION / "karabakh-war.xml"))  # a grammar exists before any judgement
    return checker


def test_what_every_worker_would_make_is_made_once_before_the_fork(fresh_checker):
    checker = fresh_checker()  # a first run: no grammar compiled yet
    checker.prepare()
    assert checker._simple is not None and checker._models is not None and checker._specialiser is not None
    compiled = lxml_engine.compile_count
    assert checker.check(load(GRAMMAR / "valid.xml")) == []
    assert lxml_engine.compile_count == compiled + 1  # only the compilation was left


def test_a_first_run_writes_down_attribute_names_and_the_next_compiles_once_without_the_others(
        tmp_path, fresh_checker):
    first_run = fresh_checker()
    assert first_run.check(load(GRAMMAR / "valid.xml")) == []
    assert "n" in {a.get("name") for a in first_run._grammar.getroot().iter(R + "attribute")}  # all kept
    remembered = set(next((tmp_path / "cache" / "rng").glob("*.names")).read_text().split())
    used = {a for el in load(GRAMMAR / "valid.xml").root.iter(etree.Element) for a in el.attrib}
    assert {"@" + a for a in used} <= remembered and lxml_engine.ALL_ATTRIBUTES not in remembered
    compiled = lxml_engine.compile_count
    next_run = fresh_checker()
    assert next_run.check(load(GRAMMAR / "valid.xml")) == []
    assert lxml_engine.compile_count == compiled + 1  # the grammar of the remembered names, once
    kept = {a.get("name") for a in next_run._grammar.getroot().iter(R + "attribute")}
    assert "rend" in kept and "n" not in kept  # an optional attribute no document uses is cut


def test_foreign_elements_cost_no_compilation_in_a_later_run(tmp_path, fresh_checker):
    foreign = tmp_path / "foreign.xml"
    foreign.write_text((GRAMMAR / "valid.xml").read_text().replace("</p>", '<x:y xmlns:x="urn:x"/></p>', 1))
    fresh_checker().check(load(foreign))
    compiled = lxml_engine.compile_count
    assert fresh_checker().check(load(foreign))  # still invalid
    assert lxml_engine.compile_count == compiled + 1
