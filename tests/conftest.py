"""Shared fixtures: paths to the project, its test data and the shared corpora."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SHARED = Path(os.environ.get("TEIKIT_SHARED", ROOT.parent / "shared"))
CORPORA = SHARED / "corpora"
TEI_ALL = SHARED / "schemas" / "tei_all.rng"
EDITION = ROOT / "tei"


@pytest.fixture
def data() -> Path:
    return DATA


def run_cli(*args: str, cwd: Path | None = None, input: bytes | None = None) -> subprocess.CompletedProcess:
    """Run the real `teikit` command in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "teikit", *args], cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture
def cli():
    return run_cli


def corpus_files(name: str) -> list[Path]:
    folder = CORPORA / name
    return sorted(folder.glob("*.xml")) if folder.is_dir() else []


requires_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="shared corpora absent")
requires_tei_all = pytest.mark.skipif(not TEI_ALL.is_file(), reason="tei_all.rng absent")
