"""Grammar-check the shared corpora against tei_all.rng: teikit (lxml) vs Jing, time and verdicts.

    .venv/bin/python bench/validate_corpus.py [--jobs N] [--corpora DIR] [--schema tei_all.rng]

Runs over every file:
  * teikit: the schema compiled once per worker (from its cached simplified copy), -j all cores;
  * `teikit validate --schema` as a user runs it, without and with the pointer checks;
  * Jing once per file (what a per-file pre-commit hook or CI step does);
  * Jing given all files at once (one JVM).
Prints wall times and ratios, and checks that teikit's valid/invalid verdict equals Jing's for every file.
Run it by hand, once: the machine is shared, so it also prints the load average.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from teikit.load import load  # noqa: E402
from teikit.runner import default_jobs  # noqa: E402
from teikit.validate.relaxng import grammar_checker, simplified  # noqa: E402

_SCHEMA: Path | None = None


def _check(path: Path) -> tuple[str, int, tuple[float, float, float]]:
    """One file in a worker: (path, number of errors, seconds spent compiling, loading, checking)."""
    assert _SCHEMA is not None
    start = time.perf_counter()
    checker = grammar_checker(_SCHEMA)  # compiles on a worker's first file
    compiled = time.perf_counter()
    doc = load(path, require_tei=False)
    loaded = time.perf_counter()
    found = checker.check(doc)
    return str(path), len(found), (compiled - start, loaded - compiled, time.perf_counter() - loaded)


def _init(schema: Path) -> None:
    global _SCHEMA
    _SCHEMA = schema


def teikit_run(files: list[Path], schema: Path, jobs: int) -> tuple[float, dict[str, int], list[float]]:
    start = time.perf_counter()
    _init(schema)
    if jobs <= 1:
        results = [_check(f) for f in files]
    else:
        from concurrent.futures import ProcessPoolExecutor

        # largest first, so no worker is left with a big file at the end
        ordered = sorted(files, key=lambda p: -p.stat().st_size)
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init, initargs=(schema,)) as pool:
            results = list(pool.map(_check, ordered, chunksize=1))
    stages = [sum(r[2][i] for r in results) for i in range(3)]
    return time.perf_counter() - start, {p: n for p, n, _ in results}, stages


def jing_invalid(output: str) -> set[str]:
    return {line.split(":", 1)[0] for line in output.splitlines() if ": error:" in line}


def jing_counts(output: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in output.splitlines():
        if ": error:" in line:
            name = line.split(":", 1)[0]
            counts[name] = counts.get(name, 0) + 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--schema", type=Path, default=ROOT / "schemas" / "tei_all.rng")
    parser.add_argument("--jobs", "-j", type=int, default=0)
    parser.add_argument("--no-per-file", action="store_true",
                        help="skip the slow run of Jing once per file (a minute or more)")
    args = parser.parse_args()
    files = sorted(args.corpora.glob("*/*.xml"))
    if not files:
        print(f"no corpus files under {args.corpora}", file=sys.stderr)
        return 2
    jobs = args.jobs or default_jobs()
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} files, {size / 1e6:.1f} MB, schema {args.schema.name}, {jobs} worker(s), "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    simplified(args.schema)  # the disk cache, as after a first run; compilation is still timed

    t_teikit, ours, (t_compile, t_load, t_check) = teikit_run(files, args.schema, jobs)
    print(f"teikit (lxml, all files, -j{jobs}):   {t_teikit:7.2f} s  "
          f"({sum(1 for n in ours.values() if n)} invalid, {sum(ours.values())} errors)")
    print(f"  CPU in workers: compile {t_compile:.2f} s (all workers), load {t_load:.2f} s, "
          f"check {t_check:.2f} s")

    teikit_cli = Path(sys.executable).parent / "teikit"
    if teikit_cli.is_file():  # the whole command: start-up, workers, grammar, (pointers), report
        for extra in (["--no-pointers"], []):
            start = time.perf_counter()
            subprocess.run([str(teikit_cli), "validate", "-q", "--schema", str(args.schema), "-j", str(jobs),
                            *extra, *map(str, files)], capture_output=True, text=True)
            label = "teikit validate " + ("--no-pointers" if extra else "with pointers")
            print(f"{label + ':':34s}{time.perf_counter() - start:7.2f} s")

    if not (shutil.which("jing") and shutil.which("java")):
        print("Jing not installed: no comparison")
        return 0
    start = time.perf_counter()
    proc = subprocess.run(["jing", str(args.schema), *map(str, files)], capture_output=True, text=True)
    t_batch = time.perf_counter() - start
    batch_invalid = jing_invalid(proc.stdout)
    batch_counts = jing_counts(proc.stdout)
    print(f"Jing, all files in one run:       {t_batch:7.2f} s  ({len(batch_invalid)} invalid)")

    if not args.no_per_file:
        start = time.perf_counter()
        per_file_invalid: set[str] = set()
        for f in files:
            proc = subprocess.run(["jing", str(args.schema), str(f)], capture_output=True, text=True)
            per_file_invalid |= jing_invalid(proc.stdout)
        t_each = time.perf_counter() - start
        print(f"Jing, once per file:              {t_each:7.2f} s  ({len(per_file_invalid)} invalid)")
        print(f"ratio: Jing per file / teikit = {t_each / t_teikit:.1f}x")
    print(f"ratio: Jing batch / teikit = {t_batch / t_teikit:.2f}x")
    disagree = [p for p in map(str, files) if bool(ours[p]) != (p in batch_invalid)]
    for p in disagree:
        jing = "invalid" if p in batch_invalid else "valid"
        print(f"  verdicts differ: {p}: teikit {ours[p]} error(s), Jing {jing}")
    print(f"verdicts agree with Jing on {len(files) - len(disagree)}/{len(files)} files")
    same = sum(1 for p in map(str, files) if ours[p] == batch_counts.get(p, 0))
    print(f"same number of errors as Jing on {same}/{len(files)} files "
          f"(teikit {sum(ours.values())}, Jing {sum(batch_counts.values())} in all)")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
