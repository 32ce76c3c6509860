"""Incremental builds: the cache skips what is current and never serves a stale output.

Builds run in this process with one worker (compiling text.xsl once per test
process) and the plain-text format, which is the fastest writer; what is under
test is the cache's bookkeeping, which is the same for every format.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import DATA, ROOT, run_cli
from teikit import cache as caching
from teikit import resources
from teikit.validate import ValidationOptions, validate_paths
from teikit.write import BuildOptions, build_batch

SCALE = DATA / "scale"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Three small documents and one assembled from an XIncluded part."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("alpha", "beta", "gamma"):
        shutil.copy(DATA / "minimal.xml", folder / f"{name}.xml")
    shutil.copy(SCALE / "chapter.xml", folder / "chapter.xml")
    shutil.copytree(SCALE / "parts", folder / "parts")
    return folder


def docs(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("*.xml"))


def build(corpus: Path, **kwargs) -> tuple[set[str], set[str]]:
    """Build txt outputs; the names of the outputs written and of those found up to date."""
    options = kwargs.pop("options", BuildOptions())
    report = build_batch(docs(corpus), corpus.parent / "out", ["txt"], options, jobs=1, **kwargs)
    assert report.diagnostics == []
    return {p.name for p in report.written}, {p.name for p in report.unchanged}


ALL = {"alpha.txt", "beta.txt", "gamma.txt", "chapter.txt"}


def test_a_second_run_with_nothing_changed_builds_nothing(corpus):
    assert build(corpus) == (ALL, set())
    assert build(corpus) == (set(), ALL)
    assert (corpus.parent / "out" / ".teikit-cache" / "build.json").is_file()


def test_changing_one_byte_of_a_document_rebuilds_only_that_document(corpus):
    build(corpus)
    source = corpus / "beta.xml"
    source.write_bytes(source.read_bytes().replace(b"Introduction", b"Introductiom"))
    assert build(corpus) == ({"beta.txt"}, ALL - {"beta.txt"})
    assert "Introductiom" in (corpus.parent / "out" / "beta.txt").read_text()


def test_changing_an_xincluded_file_rebuilds_the_document_that_includes_it(corpus):
    build(corpus)
    part = corpus / "parts" / "section.inc"
    part.write_text(part.read_text().replace("separate file", "separate, edited file"))
    assert build(corpus) == ({"chapter.txt"}, ALL - {"chapter.txt"})
    assert "separate, edited file" in (corpus.parent / "out" / "chapter.txt").read_text()


def test_changing_a_stylesheet_rebuilds_every_output(corpus, tmp_path, monkeypatch):
    xslt = tmp_path / "xslt"
    shutil.copytree(resources.xslt_dir(), xslt)
    monkeypatch.setenv("TEIKIT_XSLT_DIR", str(xslt))
    assert build(corpus) == (ALL, set())
    assert build(corpus) == (set(), ALL)
    # An imported stylesheet counts as much as the one named: edit common.xsl only.
    common = xslt / "common.xsl"
    common.write_text(common.read_text().replace("</xsl:stylesheet>", "<!-- edited -->\n</xsl:stylesheet>"))
    assert build(corpus) == (ALL, set())
    assert build(corpus) == (set(), ALL)


def test_a_stylesheet_change_reaches_the_outputs(corpus, tmp_path, monkeypatch):
    """The rebuilt outputs really come from the changed stylesheet, not from a memory of the old one."""
    xslt = tmp_path / "xslt"
    shutil.copytree(resources.xslt_dir(), xslt)
    monkeypatch.setenv("TEIKIT_XSLT_DIR", str(xslt))
    build(corpus)
    text = xslt / "text.xsl"
    original = text.read_text()
    marker = '<xsl:template match="/">'
    assert marker in original
    text.write_text(original.replace(marker, marker + "<xsl:text>EDITED STYLESHEET&#10;</xsl:text>", 1))
    assert build(corpus) == (ALL, set())
    assert (corpus.parent / "out" / "alpha.txt").read_text().startswith("EDITED STYLESHEET")


def test_changing_an_option_rebuilds_the_outputs_it_affects(corpus):
    build(corpus)
    assert build(corpus, options=BuildOptions(width=30)) == (ALL, set())
    wrapped = (corpus.parent / "out" / "alpha.txt").read_text()
    assert max(len(line) for line in wrapped.splitlines()) <= 30
    assert build(corpus, options=BuildOptions(width=30)) == (set(), ALL)
    assert build(corpus) == (ALL, set())


def test_the_width_option_is_part_of_the_text_key_only():
    narrow, wide = BuildOptions(width=30), BuildOptions(width=0)
    assert caching.options_for_format(narrow, "txt") != caching.options_for_format(wide, "txt")
    assert caching.options_for_format(narrow, "html") == caching.options_for_format(wide, "html")
    assert caching.options_for_format(narrow, "pdf") == caching.options_for_format(wide, "pdf")


def test_a_deleted_output_is_rebuilt(corpus):
    build(corpus)
    (corpus.parent / "out" / "gamma.txt").unlink()
    assert build(corpus) == ({"gamma.txt"}, ALL - {"gamma.txt"})
    assert (corpus.parent / "out" / "gamma.txt").is_file()


def test_an_edited_output_is_rebuilt_not_trusted(corpus):
    build(corpus)
    output = corpus.parent / "out" / "alpha.txt"
    good = output.read_text()
    output.write_text(good + "tampered\n")
    assert build(corpus) == ({"alpha.txt"}, ALL - {"alpha.txt"})
    assert output.read_text() == good


def test_force_rebuilds_everything(corpus):
    build(corpus)
    assert build(corpus, force=True) == (ALL, set())


def test_without_the_cache_everything_is_built_and_nothing_is_recorded(corpus):
    assert build(corpus, use_cache=False) == (ALL, set())
    assert build(corpus, use_cache=False) == (ALL, set())
    assert not (corpus.parent / "out" / ".teikit-cache").exists()


def test_a_damaged_cache_index_costs_a_rebuild_not_a_failure(corpus):
    build(corpus)
    (corpus.parent / "out" / ".teikit-cache" / "build.json").write_text("{not json")
    assert build(corpus) == (ALL, set())
    assert build(corpus) == (set(), ALL)


def test_a_document_that_fails_is_never_recorded_as_built(corpus):
    shutil.copy(DATA / "malformed.xml", corpus / "broken.xml")
    for _ in range(2):
        report = build_batch(docs(corpus), corpus.parent / "out", ["txt"], jobs=1)
        assert [d.rule for d in report.diagnostics] == ["xml.syntax"]
        assert "broken.txt" not in {p.name for p in report.written + report.unchanged}


def test_the_cache_survives_moving_the_project(corpus, tmp_path):
    build(corpus)
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.move(corpus, moved / "corpus")
    shutil.move(tmp_path / "out", moved / "out")
    assert build(moved / "corpus") == (set(), ALL)


def test_the_cache_index_records_content_hashes_of_sources_and_outputs(corpus):
    build(corpus)
    index = json.loads((corpus.parent / "out" / ".teikit-cache" / "build.json").read_text())
    entry = index["entries"]["txt:../../corpus/chapter.xml"]
    assert set(entry["sources"]) == {"../../corpus/chapter.xml", "../../corpus/parts/section.inc"}
    assert entry["outputs"] == {"../chapter.txt": caching.file_sha(corpus.parent / "out" / "chapter.txt")}


def test_stylesheet_fingerprint_covers_every_file_under_the_folder(tmp_path):
    shutil.copytree(ROOT / "xslt", tmp_path / "xslt")
    before = caching.stylesheet_fingerprint(tmp_path / "xslt")
    nested = sorted((tmp_path / "xslt").rglob("*.xsl"))[-1]
    nested.write_text(nested.read_text() + "\n")
    caching.forget_hashes()
    assert caching.stylesheet_fingerprint(tmp_path / "xslt") != before


# --------------------------------------------------------------------------- validation results


def test_validation_results_are_reused_until_the_document_changes(tmp_path):
    doc = tmp_path / "doc.xml"
    doc.write_bytes((DATA / "minimal.xml").read_bytes().replace(b'ref="#moscow"', b'ref="#mosow"'))
    cache_dir = tmp_path / "cache"
    options = ValidationOptions()
    first = validate_paths([doc], options, jobs=1, cache_dir=cache_dir)
    assert any("mosow" in d.message for d in first)
    assert validate_paths([doc], options, jobs=1, cache_dir=cache_dir) == first
    index = json.loads((cache_dir / "validate.json").read_text())
    assert list(index["entries"]) == ["validate:../doc.xml"]

    doc.write_bytes((DATA / "minimal.xml").read_bytes())
    fixed = validate_paths([doc], options, jobs=1, cache_dir=cache_dir)
    assert not any("mosow" in d.message for d in fixed)
    assert fixed == validate_paths([doc], options, jobs=1)


def test_validation_options_are_part_of_the_key(tmp_path):
    doc = tmp_path / "doc.xml"
    doc.write_bytes((DATA / "minimal.xml").read_bytes().replace(b'ref="#moscow"', b'ref="#mosow"'))
    cache_dir = tmp_path / "cache"
    with_pointers = validate_paths([doc], ValidationOptions(), jobs=1, cache_dir=cache_dir)
    without = validate_paths([doc], ValidationOptions(pointers=False), jobs=1, cache_dir=cache_dir)
    assert any("mosow" in d.message for d in with_pointers)
    assert not any("mosow" in d.message for d in without)


def test_cli_build_reports_up_to_date_outputs_on_a_second_run(corpus):
    out = corpus.parent / "site"
    first = run_cli("build", str(corpus), "-f", "txt", "-o", str(out), "-j", "1")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("wrote ") == 4
    second = run_cli("build", str(corpus), "-f", "txt", "-o", str(out), "-j", "1")
    assert second.returncode == 0, second.stderr
    assert "wrote " not in second.stdout
    assert "4 output(s) of 4 unchanged document(s) already up to date" in second.stdout
    forced = run_cli("build", str(corpus), "-f", "txt", "-o", str(out), "-j", "1", "--force")
    assert forced.stdout.count("wrote ") == 4


def test_runs_sharing_a_cache_directory_keep_each_others_entries(tmp_path):
    source = tmp_path / "a.xml"
    source.write_text("<TEI/>")
    first, second = caching.Cache(tmp_path / "c", "build"), caching.Cache(tmp_path / "c", "build")
    first.record("txt:a", "k", caching.hash_files([source]))
    second.record("html:a", "k", caching.hash_files([source]))
    first.save()
    second.save()
    assert set(caching.Cache(tmp_path / "c", "build").entries) == {"txt:a", "html:a"}
    assert caching.Cache(tmp_path / "c", "build").fresh("txt:a", "k") is not None
    assert caching.Cache(tmp_path / "c", "build").fresh("txt:a", "other key") is None


ANYTHING_RNG = """<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <start><ref name="any"/></start>
  <define name="any">
    <element><anyName/>
      <zeroOrMore><choice><attribute><anyName/></attribute><text/><ref name="any"/></choice></zeroOrMore>
    </element>
  </define>
</grammar>
"""


def test_a_declared_schema_that_appears_later_invalidates_the_cached_result(tmp_path):
    doc = tmp_path / "doc.xml"
    pi = b'<?xml-model href="schema/local.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
    doc.write_bytes(pi + (DATA / "minimal.xml").read_bytes().split(b"?>", 1)[1].lstrip())
    cache_dir = tmp_path / "cache"
    missing = validate_paths([doc], ValidationOptions(), jobs=1, cache_dir=cache_dir)
    assert [d.rule for d in missing] == ["rng.missing-schema"]
    index = json.loads((cache_dir / "validate.json").read_text())
    assert "absent" in index["entries"]["validate:../doc.xml"]["sources"].values()
    assert validate_paths([doc], ValidationOptions(), jobs=1, cache_dir=cache_dir) == missing

    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "local.rng").write_text(ANYTHING_RNG)
    assert validate_paths([doc], ValidationOptions(), jobs=1, cache_dir=cache_dir) == []


def test_an_edited_schema_is_recompiled_in_a_long_lived_process(tmp_path):
    """Results are keyed by the schema's content, so the schema used must be that content too."""
    (tmp_path / "schema").mkdir()
    schema = tmp_path / "schema" / "local.rng"
    schema.write_text(ANYTHING_RNG.replace("<element><anyName/>", '<element name="nothing-else">'))
    doc = tmp_path / "doc.xml"
    pi = b'<?xml-model href="schema/local.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
    doc.write_bytes(pi + (DATA / "minimal.xml").read_bytes().split(b"?>", 1)[1].lstrip())
    cache_dir = tmp_path / "cache"
    strict = validate_paths([doc], ValidationOptions(), jobs=1, cache_dir=cache_dir)
    assert strict and all(d.source == "relaxng" for d in strict)
    schema.write_text(ANYTHING_RNG)
    assert validate_paths([doc], ValidationOptions(), jobs=1, cache_dir=cache_dir) == []


def test_editing_the_page_css_rebuilds_the_html(tmp_path, monkeypatch):
    xslt = tmp_path / "xslt"
    shutil.copytree(resources.xslt_dir(), xslt)
    css = xslt / "assets" / "edition.css"
    if not css.is_file():
        pytest.skip("the HTML writer keeps no CSS under xslt/assets/")
    monkeypatch.setenv("TEIKIT_XSLT_DIR", str(xslt))
    source = tmp_path / "doc.xml"
    shutil.copy(DATA / "minimal.xml", source)
    first = build_batch([source], tmp_path / "out", ["html"], jobs=1)
    assert [p.name for p in first.written] == ["doc.html"]
    css.write_text(css.read_text() + "\n/* edited-css-marker */\n")
    second = build_batch([source], tmp_path / "out", ["html"], jobs=1)
    assert [p.name for p in second.written] == ["doc.html"]
    assert "edited-css-marker" in (tmp_path / "out" / "doc.html").read_text()
