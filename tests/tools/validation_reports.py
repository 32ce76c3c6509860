"""The expected validation reports that `tests/test_reports.py` compares teikit's against.

    .venv/bin/python tests/tools/validation_reports.py          # rewrite tests/data/reports/
    .venv/bin/python tests/tools/validation_reports.py --check  # exit 1 if a report differs

Two reports, in the text format a user reads (every finding with its hint, then the summary):

* `corpus-tei_all.txt.gz`: every file of the shared corpora (`../shared/corpora/`, all folders)
  validated with `--schema tei_all.rng` and the pointer checks, paths relative to the corpora;
* `test-data.txt`: every XML file in the folders of `tests/data/` named in `TEST_DATA` with the
  default checks (the project schema, the house rules, pointers), paths relative to `tests/data/`.

They pin verdicts and messages, so that work on speed cannot change what a user is told.
A deliberate change of a message regenerates them; the diff of the plain-text report, and of
`zcat` of the corpus report, is then the review of that change.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
REPORTS = DATA / "reports"
SHARED = Path(os.environ.get("TEIKIT_SHARED", ROOT.parent / "shared"))
CORPORA = SHARED / "corpora"
TEI_ALL = ROOT / "schemas" / "tei_all.rng"


def _files(folder: Path, skip: Path | None = None) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.xml")
                  if skip is None or skip not in p.parents)


def run_report(cwd: Path, files: list[str], *options: str) -> str:
    """The text report of `teikit validate OPTIONS FILES`, run in `cwd` as a user would."""
    # --group-after 0: every finding, as JSON would have it (the text report groups by default)
    proc = subprocess.run([sys.executable, "-m", "teikit", "validate", "-j", "2", "--group-after", "0",
                           *options, *files],
                          cwd=cwd, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    if proc.returncode not in (0, 1):
        raise SystemExit(f"teikit validate failed in {cwd} (exit {proc.returncode}):\n{proc.stderr}")
    return proc.stdout


def corpus_report() -> str:
    return run_report(CORPORA, _files(CORPORA), "--schema", str(TEI_ALL))


# the test documents the report covers: fixed, so that documents other tests add elsewhere in
# tests/data/ do not change it (a change to these is a change to review)
TEST_DATA = ("grammar", "rules", "hostile", "package", "pdf", "scale", "outputs",
             "minimal.xml", "malformed.xml")


def test_data_report() -> str:
    files = [f for f in _files(DATA, skip=REPORTS) if f.split("/", 1)[0] in TEST_DATA]
    return run_report(DATA, files)


def stored(name: str) -> str:
    path = REPORTS / name
    data = path.read_bytes()
    return (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")


def store(name: str, text: str) -> None:
    REPORTS.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    # mtime=0: the same report gives the same bytes, so regenerating changes nothing in git
    (REPORTS / name).write_bytes(gzip.compress(data, 9, mtime=0) if name.endswith(".gz") else data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    reports = {"test-data.txt": test_data_report}
    if CORPORA.is_dir():
        reports["corpus-tei_all.txt.gz"] = corpus_report
    else:
        print(f"{CORPORA} absent: the corpus report is left as it is", file=sys.stderr)
    stale = []
    for name, make in reports.items():
        text = make()
        if args.check:
            if stored(name) != text:
                stale.append(name)
        else:
            store(name, text)
            print(f"wrote {REPORTS / name} ({text.count(chr(10))} lines)")
    for name in stale:
        print(f"{name} differs from teikit's report", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
