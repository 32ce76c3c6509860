"""Corpus-scale figures: files/s of `teikit validate` and `teikit build`, scaling, incremental reruns.

Runs the real command line (as a user or CI would, start-up included) over the shared
corpora (ELTeC novels and DraCor plays, 105 files) and prints:

* validate with teikit's defaults and with --schema tei_all.rng: files/s with one
  worker and with all cores, and the ratio (the scaling);
* build (txt + html, or what exists) the same way, each into a fresh directory;
* the time of a second run with nothing changed (build: the build cache; validate:
  --cache-dir), as a share of the first run; the target is under 5%.

The machine may be shared: the load average is printed before and after, each
timing is the best of --repeat runs, and the figures are only as good as the quiet of
the machine. teikit runs from a snapshot of this checkout (src/, xslt/, schemas/)
taken at the start, because cache keys include teikit's own code and stylesheets:
edits to the working tree during the benchmark must not count as changes.
Run by hand, once:

    .venv/bin/python bench/scale.py [--corpora DIR] [--jobs N] [--formats txt,html] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TEIKIT_SHARED", ROOT.parent / "shared"))


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} cores"


SNAPSHOT: Path | None = None  # the copy of the checkout teikit runs from (see the module docstring)


def snapshot(into: Path) -> Path:
    """Copy what teikit runs from (code, stylesheets, schemas) so the benchmark sees a fixed version."""
    for name in ("src", "xslt", "schemas"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, into / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")
    return into


def teikit(*args: str) -> float:
    """Seconds one `teikit` command takes; exit 0 (clean) or 1 (findings) both count as a run."""
    env = dict(os.environ)
    if SNAPSHOT is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SNAPSHOT / "src"), env.get("PYTHONPATH")]))
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "teikit", *args], capture_output=True, text=True,
                            cwd=ROOT, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"teikit {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def best(repeat: int, *args: str, before: Callable[[], None] | None = None) -> float:
    """The fastest of `repeat` runs (the least disturbed by other work on a shared machine)."""
    times = []
    for _ in range(repeat):
        if before:
            before()
        times.append(teikit(*args))
    return min(times)


def row(label: str, files: int, seconds: float) -> None:
    print(f"  {label:<44} {seconds:8.1f} s {files / seconds:8.2f} files/s", flush=True)


def scaling(label: str, files: int, one: float, many: float, jobs: int) -> None:
    print(f"  {label:<44} {one / many:8.2f}x with {jobs} workers (ideal {jobs}x)", flush=True)


def main() -> None:
    global SNAPSHOT
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=Path, default=SHARED / "corpora")
    parser.add_argument("--tei-all", type=Path, default=SHARED / "schemas" / "tei_all.rng")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--formats", default="txt,html", help="comma-separated build formats")
    parser.add_argument("--repeat", type=int, default=2, help="runs per figure; the best counts")
    args = parser.parse_args()

    if not args.corpora.is_dir():
        sys.exit(f"no corpora at {args.corpora}")
    corpus = str(args.corpora)
    files = sum(1 for p in args.corpora.rglob("*.xml") if not p.name.startswith("."))
    size = sum(p.stat().st_size for p in args.corpora.rglob("*.xml")) / 1e6
    available = {p.stem for p in (ROOT / "src" / "teikit" / "write").glob("*.py")}
    formats = [f for f in args.formats.split(",") if {"txt": "text"}.get(f, f) in available]
    jobs, n = str(args.jobs), args.repeat
    print(f"corpus: {corpus}: {files} files, {size:.1f} MB; best of {n} runs per figure")
    print(f"before: {load()}\n")

    with tempfile.TemporaryDirectory(prefix="teikit-scale-") as tmp_name:
        tmp = Path(tmp_name)
        SNAPSHOT = snapshot(tmp / "teikit")

        print("validate (default checks: grammar the documents declare or the project's, rules, pointers)")
        one = best(n, "validate", corpus, "-q", "-j", "1")
        row("1 worker", files, one)
        many = best(n, "validate", corpus, "-q", "-j", jobs)
        row(f"{jobs} workers", files, many)
        scaling("scaling", files, one, many, args.jobs)

        if args.tei_all.is_file():
            print("\nvalidate --schema tei_all.rng")
            one = best(n, "validate", corpus, "-q", "-j", "1", "--schema", str(args.tei_all))
            row("1 worker", files, one)
            many = best(n, "validate", corpus, "-q", "-j", jobs, "--schema", str(args.tei_all))
            row(f"{jobs} workers", files, many)
            scaling("scaling", files, one, many, args.jobs)

        cache = tmp / "validate-cache"
        print(f"\nvalidate --cache-dir, {jobs} workers")
        first = best(n, "validate", corpus, "-q", "-j", jobs, "--cache-dir", str(cache),
                     before=lambda: shutil.rmtree(cache, ignore_errors=True))
        row("first run (empty cache)", files, first)
        again = best(n, "validate", corpus, "-q", "-j", jobs, "--cache-dir", str(cache))
        row("second run, nothing changed", files, again)
        print(f"  {'second / first':<44} {100 * again / first:8.1f} %  (target < 5%)")

        flags = [x for f in formats for x in ("-f", f)]
        out = tmp / "out"
        print(f"\nbuild -f {' -f '.join(formats)} (into an empty directory)")
        one = best(n, "build", corpus, *flags, "-q", "-j", "1", "-o", str(out),
                   before=lambda: shutil.rmtree(out, ignore_errors=True))
        row("1 worker", files, one)
        many = best(n, "build", corpus, *flags, "-q", "-j", jobs, "-o", str(out),
                    before=lambda: shutil.rmtree(out, ignore_errors=True))
        row(f"{jobs} workers", files, many)
        scaling("scaling", files, one, many, args.jobs)
        again = best(n, "build", corpus, *flags, "-q", "-j", jobs, "-o", str(out))
        row("second run, nothing changed", files, again)
        print(f"  {'second / first':<44} {100 * again / many:8.1f} %  (target < 5%)")

    print(f"\nafter: {load()}")


if __name__ == "__main__":
    main()
