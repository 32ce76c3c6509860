"""Corpus-scale figures: files/s of `teikit validate` and `teikit build`, scaling, incremental reruns.

Runs the real command line (as a user or CI would, start-up included) over the shared
corpora (ELTeC novels and DraCor plays, 105 files) and prints:

* validate with teikit's defaults and with --schema tei_all.rng: files/s with one
  worker and with all cores, and the ratio (the scaling);
* build (txt + html, or what exists) the same way, each into a fresh directory;
* the time of a second run with nothing changed (build: the build cache; validate:
  --cache-dir), as a share of the first run; the target is under 5%.

The machine may be shared: the load average is printed before and after, and the
figures are only as good as the quiet of the machine. Run by hand, once:

    .venv/bin/python bench/scale.py [--corpora DIR] [--jobs N] [--formats txt,html]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TEIKIT_SHARED", ROOT.parent / "shared"))


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} cores"


def teikit(*args: str) -> float:
    """Seconds one `teikit` command takes; exit 0 (clean) or 1 (findings) both count as a run."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "teikit", *args], capture_output=True, text=True,
                            cwd=ROOT)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"teikit {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def row(label: str, files: int, seconds: float) -> None:
    print(f"  {label:<44} {seconds:8.1f} s {files / seconds:8.2f} files/s", flush=True)


def scaling(label: str, files: int, one: float, many: float, jobs: int) -> None:
    print(f"  {label:<44} {one / many:8.2f}x with {jobs} workers (ideal {jobs}x)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=Path, default=SHARED / "corpora")
    parser.add_argument("--tei-all", type=Path, default=SHARED / "schemas" / "tei_all.rng")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--formats", default="txt,html", help="comma-separated build formats")
    args = parser.parse_args()

    if not args.corpora.is_dir():
        sys.exit(f"no corpora at {args.corpora}")
    corpus = str(args.corpora)
    files = sum(1 for p in args.corpora.rglob("*.xml") if not p.name.startswith("."))
    size = sum(p.stat().st_size for p in args.corpora.rglob("*.xml")) / 1e6
    available = {p.stem for p in (ROOT / "src" / "teikit" / "write").glob("*.py")}
    formats = [f for f in args.formats.split(",") if {"txt": "text"}.get(f, f) in available]
    jobs = str(args.jobs)
    print(f"corpus: {corpus}: {files} files, {size:.1f} MB")
    print(f"before: {load()}\n")

    print("validate (default checks: grammar the documents declare or the project's, rules, pointers)")
    one = teikit("validate", corpus, "-q", "-j", "1")
    row("1 worker", files, one)
    many = teikit("validate", corpus, "-q", "-j", jobs)
    row(f"{jobs} workers", files, many)
    scaling("scaling", files, one, many, args.jobs)

    if args.tei_all.is_file():
        print("\nvalidate --schema tei_all.rng")
        one = teikit("validate", corpus, "-q", "-j", "1", "--schema", str(args.tei_all))
        row("1 worker", files, one)
        many = teikit("validate", corpus, "-q", "-j", jobs, "--schema", str(args.tei_all))
        row(f"{jobs} workers", files, many)
        scaling("scaling", files, one, many, args.jobs)

    with tempfile.TemporaryDirectory(prefix="teikit-scale-") as tmp:
        cache = Path(tmp) / "validate-cache"
        print(f"\nvalidate --cache-dir, {jobs} workers")
        first = teikit("validate", corpus, "-q", "-j", jobs, "--cache-dir", str(cache))
        row("first run (fills the cache)", files, first)
        again = teikit("validate", corpus, "-q", "-j", jobs, "--cache-dir", str(cache))
        row("second run, nothing changed", files, again)
        print(f"  {'second / first':<44} {100 * again / first:8.1f} %  (target < 5%)")

        flags = [x for f in formats for x in ("-f", f)]
        print(f"\nbuild -f {' -f '.join(formats)}")
        one = teikit("build", corpus, *flags, "-q", "-j", "1", "-o", str(Path(tmp) / "out1"))
        row("1 worker", files, one)
        out = Path(tmp) / "out"
        many = teikit("build", corpus, *flags, "-q", "-j", jobs, "-o", str(out))
        row(f"{jobs} workers", files, many)
        scaling("scaling", files, one, many, args.jobs)
        again = teikit("build", corpus, *flags, "-q", "-j", jobs, "-o", str(out))
        row("second run, nothing changed", files, again)
        print(f"  {'second / first':<44} {100 * again / many:8.1f} %  (target < 5%)")
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nafter: {load()}")


if __name__ == "__main__":
    main()
