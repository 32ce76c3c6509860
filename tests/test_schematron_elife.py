"""A large real-world schema: eLife's JATS Schematron (541 rules, XSLT functions, lookup files).

Set TEIKIT_ELIFE_SCHEMATRON to a checkout of github.com/elifesciences/eLife-JATS-schematron
(nothing of it is kept in this repository). The schema and its lookup files (src/*.xml) are
copied into a project folder, with a sample of the repository's own test articles
(test/tests/gen/**/pass.xml and fail.xml); every sample must run without a runtime error.
A lookup file the checkout lacks (rors.xml is kept out of git by its size) may only produce
runtime findings that name it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from teikit.load import load
from teikit.validate import schematron

CHECKOUT = Path(os.environ.get("TEIKIT_ELIFE_SCHEMATRON", "/nonexistent"))
SCHEMA = "final-JATS-schematron.sch"
SAMPLES = 60  # articles, spread evenly over the repository's test folders


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    if not (CHECKOUT / "src" / SCHEMA).is_file():
        pytest.skip("set TEIKIT_ELIFE_SCHEMATRON to a checkout of eLife-JATS-schematron")
    root = tmp_path_factory.mktemp("elife")
    for path in (CHECKOUT / "src").iterdir():
        if path.suffix in (".sch", ".xml") and path.stat().st_size > 0:
            shutil.copy(path, root / path.name)
    articles = sorted((CHECKOUT / "test" / "tests" / "gen").rglob("*.xml"))
    (root / "samples").mkdir()
    chosen = articles[:: max(1, len(articles) // SAMPLES)]
    for number, article in enumerate(chosen):
        shutil.copy(article, root / "samples" / f"{number:03d}-{article.parent.name}-{article.name}")
    return root


def test_the_elife_schematron_compiles_with_all_its_rules(project):
    compiled = schematron.compile_rules(project / SCHEMA)
    assert compiled.rules > 500


def test_its_sample_articles_run_without_runtime_errors(project):
    missing = {name for name in ("rors.xml",) if not (project / name).is_file()}
    checked = 0
    for article in sorted((project / "samples").iterdir()):
        doc = load(article, require_tei=False, project_root=project)
        diags, _svrl = schematron.check(doc, project / SCHEMA, root=project)
        checked += 1
        for d in diags:
            if d.rule == "schematron.runtime":
                assert any(name in d.message for name in missing), f"{article.name}: {d.message}"
    assert checked >= SAMPLES // 2
