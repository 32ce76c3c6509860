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
