"""Verdicts and error reports stay as recorded: speed work must not change what a user is told.

The expected reports live in `tests/data/reports/` and are written by
`tests/tools/validation_reports.py` (see there). A failure shows the first lines that differ;
if the change is intended, regenerate them and review the diff.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import pytest

from conftest import ROOT, requires_corpora

sys.path.insert(0, str(ROOT / "tests" / "tools"))
import validation_reports


def _same(name: str, actual: str) -> None:
    expected = validation_reports.stored(name)
    if actual != expected:
        diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "recorded", "now",
                                    lineterm="", n=1)
        shown = "\n".join(list(diff)[:60])
        pytest.fail(f"the report differs from {Path('tests/data/reports') / name} "
                    f"(regenerate with tests/tools/validation_reports.py if intended):\n{shown}")


def test_the_test_documents_get_the_recorded_report():
    _same("test-data.txt", validation_reports.test_data_report())


@requires_corpora
@pytest.mark.corpus
def test_the_corpora_against_tei_all_get_the_recorded_report():
    _same("corpus-tei_all.txt.gz", validation_reports.corpus_report())
