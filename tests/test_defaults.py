"""Defaults that fit any TEI: a document that declares no schema is held to TEI P5 tei_all (as Jing
with tei_all judges it); the edition in tei/ keeps its customisation and house rules because it
declares them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from conftest import CORPORA, EDITION, ROOT, corpus_files, run_cli

SHIPPED_TEI_ALL = ROOT / "schemas" / "tei_all.rng"
has_jing = shutil.which("jing") is not None and shutil.which("java") is not None


def jing_errors(files) -> set[tuple[str, int]]:
    done = subprocess.run(["jing", str(SHIPPED_TEI_ALL), *map(str, files)], capture_output=True, text=True)
    found = set()
    for line in done.stdout.splitlines():
        match = re.match(r"(.+?):(\d+):\d+: error:", line)
        if match:
            found.add((str(match[1]), int(match[2])))
    return found


def teikit_errors(files) -> set[tuple[str, int]]:
    done = run_cli("validate", "--no-pointers", "--format", "json", "--group-after", "0",
                   *map(str, files), cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr
    return {(str(ROOT / d["file"]) if not d["file"].startswith("/") else d["file"], d["line"])
            for d in json.loads(done.stdout)["diagnostics"] if d["rule"] == "rng"}


@pytest.mark.corpus
@pytest.mark.tools
@pytest.mark.skipif(not has_jing, reason="Jing/Java not installed")
@pytest.mark.skipif(not CORPORA.is_dir(), reason="shared corpora absent")
def test_dracor_plays_that_declare_no_schema_get_jings_tei_all_verdict_and_errors(tmp_path):
    plays = [*corpus_files("shakedracor")[:3], CORPORA / "verse-drama" / "montchretien-david.xml"]
    assert plays and all(b"<?xml-model" not in p.read_bytes()[:2000] for p in plays)
    # one play with grammar errors planted, so that "the same errors" is not only "none"
    broken = tmp_path / "broken.xml"
    text = plays[0].read_text(encoding="utf-8")
    text = text.replace("<sp ", "<sp bogus=\"1\" ", 3).replace("</speaker>", "</speaker><blink/>", 2)
    broken.write_text(text, encoding="utf-8")
    files = [*plays, broken]
    expected = jing_errors(files)
    assert len({f for f, _line in expected}) == 1 and len(expected) >= 4
    assert teikit_errors(files) == expected


def test_the_edition_keeps_its_customisation_and_house_rules():
    done = run_cli("validate", "--format", "json", "--schematron", str(ROOT / "schemas" / "teikit.sch"),
                   str(EDITION / "karabakh-war.xml"))
    assert done.returncode == 0, done.stdout
    plain = run_cli("validate", "--format", "json", str(EDITION / "karabakh-war.xml"))
    assert json.loads(plain.stdout) == json.loads(done.stdout)  # its xml-model names teikit.rng/.sch
    head = (EDITION / "karabakh-war.xml").read_text(encoding="utf-8")[:400]
    assert 'href="../schemas/teikit.rng"' in head and 'href="../schemas/teikit.sch"' in head


def test_a_document_without_declarations_is_not_held_to_the_house_rules(tmp_path):
    text = (EDITION / "karabakh-war.xml").read_text(encoding="utf-8")
    text = re.sub(r"<\?xml-model[^>]*\?>\n", "", text)
    # a persName without @ref breaks the house rule entity-ref-missing, not TEI
    text = text.replace("<persName ref=", "<persName n=", 1)
    (tmp_path / "doc.xml").write_text(text, encoding="utf-8")
    found = json.loads(run_cli("validate", "--no-pointers", "--format", "json", str(tmp_path / "doc.xml"),
                               cwd=tmp_path).stdout)["diagnostics"]
    assert [d for d in found if d["rule"] == "entity-ref-missing"] == []
    assert [d for d in found if d["rule"] == "rng"] == []  # valid TEI


def test_a_grammars_embedded_rules_are_cut_to_what_the_document_can_trigger(tmp_path):
    """The patterns kept give exactly the findings of all 83, on documents that break some."""
    from teikit.load import load
    from teikit.transform import to_xdm
    from teikit.validate import embedded, schematron
    from teikit.validate.locate import Locator

    doc = tmp_path / "doc.xml"
    doc.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
                   "<title>t</title></titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc>"
                   '</fileDesc></teiHeader><text><body><p><ptr target="#a" cRef="x"/><date calendar="#a"/>'
                   '<span from="#a"/></p><p xml:id="a">x</p></body></text></TEI>', encoding="utf-8")
    docs = [load(doc), load(EDITION / "karabakh-war.xml"),
            *(load(p) for p in corpus_files("shakedracor")[:1])]
    full = schematron.compile_rules(SHIPPED_TEI_ALL)
    for d in docs:
        cut = embedded.rules_for(SHIPPED_TEI_ALL, d, tmp_path / "sch")
        assert cut.read_text(encoding="utf-8").count("<pattern") < 40  # of 83
        node = to_xdm(d)
        expected = schematron.check(d, full.path, "#DEFAULT", Locator(d), node)[0]
        got = schematron.check(d, schematron.compile_rules(cut).path, "#DEFAULT", Locator(d), node)[0]
        assert got == expected
    first = schematron.check(docs[0], full.path, "#DEFAULT", Locator(docs[0]), to_xdm(docs[0]))[0]
    assert {x.rule for x in first} == {"tei_all-ptr-ptrAtts-constraint-report-8",
                                       "tei_all-att.datable-calendar-calendar-constraint-rule-4"}


def test_rule_contexts_are_read_for_the_element_or_attribute_they_need():
    tei = {"tei": "http://www.tei-c.org/ns/1.0"}
    needs = embedded_needs()
    assert needs("tei:rt/@to", tei) == {("element", tei["tei"], "rt")}
    assert needs("tei:div[@type='x']//tei:p[1]", tei) == {("element", tei["tei"], "p")}
    assert needs("tei:*[@calendar]", tei) == {("attribute", "", "calendar")}
    assert needs("tei:schemaSpec|tei:elementSpec[@x]", tei) == {("element", tei["tei"], "schemaSpec"),
                                                                 ("element", tei["tei"], "elementSpec")}
    assert needs("tei:*[not(self::tei:x)][@targetLang]", tei) is None  # cannot tell: kept
    assert needs("*[ @minOccurs and @maxOccurs ]", tei) == {("attribute", "", "minOccurs")}
    assert needs("$param", tei) is None and needs("foo:bar", tei) is None


def embedded_needs():
    from teikit.validate.embedded import _needs

    return _needs
