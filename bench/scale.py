"""Corpus-scale figures: files/s of `teikit validate` and `teikit build`, scaling, incremental reruns.

Runs the real command line (as a user or CI would, start-up included) over the shared
corpora (ELTeC novels and DraCor plays, 105 files) and prints:

* validate with teikit's defaults and with --schema tei_all.rng: files/s with one
  worker and with all cores, and the ratio (the scaling);
* build (txt + html, or what exists) the same way, each into a fresh directory;
* the time of a second run with nothing changed (build: the build cache; validate:
  --cache-dir), as a share of the first run; the target is under 5%.

The machine may be shared: the load average is printed before and after, each
timing is the best of --repeat runs, one-worker and many-worker runs alternate so
both meet the same background load, and the CPU seconds used are printed beside the
wall time ("cores busy" below the number of workers means other work took the rest
of the machine). The figures are only as good as the quiet of the machine.

teikit runs from a snapshot of this checkout (src/, xslt/, schemas/) taken at the
start, because cache keys include teikit's own code and stylesheets: edits to the
working tree during the benchmark must not count as changes.
Run by hand, once:

    .venv/bin/python bench/scale.py [--corpora DIR] [--jobs N] [--formats txt,html] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Run:
    """Wall seconds of one command and the CPU seconds it (and its workers) used."""

    wall: float
    cpu: float


def teikit(*args: str) -> Run:
    """Run one `teikit` command; exit 0 (clean) or 1 (findings) both count as a run."""
    env = dict(os.environ)
    if SNAPSHOT is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SNAPSHOT / "src"), env.get("PYTHONPATH")]))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "teikit", *args], capture_output=True, text=True,
                            cwd=ROOT, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        sys.exit(f"teikit {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(elapsed, cpu)


def best(repeat: int, *args: str, before: Callable[[], None] | None = None) -> Run:
    """The fastest of `repeat` runs (the least disturbed by other work on a shared machine)."""
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(teikit(*args))
    return min(runs, key=lambda r: r.wall)


def compare(repeat: int, jobs: str, *args: str, before: Callable[[], None] | None = None) -> tuple[Run, Run]:
    """Best runs with -j 1 and -j JOBS, alternating, so both meet the same background load."""
    ones, manys = [], []
    for _ in range(repeat):
        ones.append(best(1, *args, "-j", "1", before=before))
        manys.append(best(1, *args, "-j", jobs, before=before))
    return min(ones, key=lambda r: r.wall), min(manys, key=lambda r: r.wall)


def row(label: str, files: int, run: Run) -> None:
    print(f"  {label:<36} {run.wall:7.1f} s {files / run.wall:8.2f} files/s   "
          f"cpu {run.cpu:6.1f} s ({run.cpu / run.wall:4.2f} cores busy)", flush=True)


def scaling(files: int, one: Run, many: Run, jobs: int) -> None:
    print(f"  {'scaling (wall, 1 worker / many)':<36} {one.wall / many.wall:7.2f}x with {jobs} workers "
          f"(ideal {jobs}x; cpu {many.cpu / one.cpu:4.2f}x of one worker's)", flush=True)


def pair(title: str, files: int, jobs: int, repeat: int, *args: str,
         before: Callable[[], None] | None = None) -> Run:
    print(title)
    one, many = compare(repeat, str(jobs), *args, before=before)
    row("1 worker", files, one)
    row(f"{jobs} workers", files, many)
    scaling(files, one, many, jobs)
    return many


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

        pair("validate (default checks: declared or project grammar, rules, pointers)", files, args.jobs, n,
             "validate", corpus, "-q")
        if args.tei_all.is_file():
            pair("\nvalidate --schema tei_all.rng", files, args.jobs, n,
                 "validate", corpus, "-q", "--schema", str(args.tei_all))

        cache = tmp / "validate-cache"
        print(f"\nvalidate --cache-dir, {jobs} workers")
        first = best(n, "validate", corpus, "-q", "-j", jobs, "--cache-dir", str(cache),
                     before=lambda: shutil.rmtree(cache, ignore_errors=True))
        row("first run (empty cache)", files, first)
        again = best(n, "validate", corpus, "-q", "-j", jobs, "--cache-dir", str(cache))
        row("second run, nothing changed", files, again)
        print(f"  {'second / first':<36} {100 * again.wall / first.wall:7.1f} %  (target < 5%)")

        flags = [x for f in formats for x in ("-f", f)]
        out = tmp / "out"
        many = pair(f"\nbuild -f {' -f '.join(formats)} (into an empty directory)", files, args.jobs, n,
                    "build", corpus, *flags, "-q", "-o", str(out),
                    before=lambda: shutil.rmtree(out, ignore_errors=True))
        again = best(n, "build", corpus, *flags, "-q", "-j", jobs, "-o", str(out))
        row("second run, nothing changed", files, again)
        print(f"  {'second / first (' + jobs + ' workers)':<36} {100 * again.wall / many.wall:7.1f} %  "
              "(target < 5%)")

    print(f"\nafter: {load()}")


if __name__ == "__main__":
    main()
