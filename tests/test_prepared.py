"""The bundled tei_all.rng ships prepared (simplified, analysed, proved to compile) for a fast first run."""

from __future__ import annotations

from conftest import DATA, ROOT
from teikit.load import load
from teikit.validate.grammar import LxmlChecker, prepared, simplified
from teikit.validate.grammar.simplification import schema_key

TEI_ALL = ROOT / "schemas" / "tei_all.rng"


def test_the_prepared_grammars_are_current_and_compile():
    # build() simplifies tei_all.rng as a first use would, compiles the whole grammar and analyses it
    want = prepared.expected()
    present = {p.name: p.read_bytes() for p in prepared.folder().glob("*")}
    assert present.keys() == want.keys(), "run: python -m teikit.validate.grammar.prepared"
    for name, data in want.items():
        assert present[name] == data, f"{name} is stale: run python -m teikit.validate.grammar.prepared"


def test_a_first_run_with_tei_all_starts_from_the_prepared_form(tmp_path, monkeypatch):
    monkeypatch.setenv("TEIKIT_CACHE_DIR", str(tmp_path))
    key = schema_key(TEI_ALL.read_bytes())
    path = simplified(TEI_ALL)
    assert path == tmp_path / "rng" / f"{key}.rng"
    shipped = prepared.lookup(key)
    assert shipped is not None
    assert path.read_bytes() == shipped[0]
    assert path.with_suffix(".json").read_bytes() == shipped[1]  # the analysis comes with it
    checker = LxmlChecker(TEI_ALL)
    assert checker.check(load(DATA / "grammar" / "valid.xml")) == []
    assert checker.check(load(DATA / "grammar" / "missing-child.xml"))


def test_another_schema_is_prepared_on_its_first_use(tmp_path, monkeypatch):
    monkeypatch.setenv("TEIKIT_CACHE_DIR", str(tmp_path))
    schema = ROOT / "schemas" / "teikit.rng"
    assert prepared.lookup(schema_key(schema.read_bytes())) is None
    path = simplified(schema)
    assert path.is_file() and not path.with_suffix(".json").exists()  # analysed by its first checker
