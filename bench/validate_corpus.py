"""Grammar-check the shared corpora against tei_all.rng: teikit (lxml) vs Jing, time and verdicts.

    .venv/bin/python bench/validate_corpus.py [--jobs N] [--repeat N] [--corpora DIR] [--schema tei_all.rng]

Runs over every file:
  * teikit's grammar checker in worker processes (stage times per worker), -j all cores;
  * `teikit validate --schema` as a user runs it, without the pointer checks (the same work as
    Jing's) and with them (the default);
  * Jing once per file (what a per-file pre-commit hook or CI step does);
  * Jing given all files at once (one JVM).
Each timing is the best of --repeat runs (the machine is shared: it also prints the load average).
Prints wall times and ratios, and checks that teikit's valid/invalid verdict and number of errors
equal Jing's for every file. The one-time cost of a schema's first use (simplifying it and checking
that the whole grammar compiles, then kept on disk) is timed separately, in a fresh cache.
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
sys.path.insert(0, str(ROOT / "src"))

from teikit.load import load  # noqa: E402
from teikit.runner import default_jobs  # noqa: E402
from teikit.validate.grammar import grammar_checker, simplified  # noqa: E402

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


def best_in_turns(repeat: int, commands: dict[str, list[str]]) -> dict[str, float]:
    """The shortest wall time of each command over `repeat` rounds that run them in turn."""
    times: dict[str, float] = {}
    for _ in range(max(1, repeat)):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, text=True)
            times[name] = min(times.get(name, float("inf")), time.perf_counter() - start)
    return times


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
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the best is shown")
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
    teikit_cli = Path(sys.executable).parent / "teikit"
    with tempfile.TemporaryDirectory() as fresh:  # a machine's first run: nothing cached yet
        os.environ["TEIKIT_CACHE_DIR"] = fresh
        start = time.perf_counter()
        simplified(args.schema)
        print(f"first use of the schema (simplified, checked, cached): {time.perf_counter() - start:5.2f} s")
        if teikit_cli.is_file():
            shutil.rmtree(Path(fresh) / "rng")
            start = time.perf_counter()
            subprocess.run([str(teikit_cli), "validate", "-q", "--no-pointers", "--schema", str(args.schema),
                            "-j", str(jobs), *map(str, files)], capture_output=True)
            print(f"teikit validate --no-pointers, empty cache: {time.perf_counter() - start:5.2f} s "
                  "(includes the first use and learning the corpus's element names)")
        del os.environ["TEIKIT_CACHE_DIR"]
    simplified(args.schema)  # the disk cache, as after a first run; what follows is every later run

    runs = [teikit_run(files, args.schema, jobs) for _ in range(args.repeat)]
    t_teikit, ours, (t_compile, t_load, t_check) = min(runs, key=lambda r: r[0])
    print(f"teikit grammar checker, -j{jobs}:          {t_teikit:7.2f} s  "
          f"({sum(1 for n in ours.values() if n)} invalid, {sum(ours.values())} errors)")
    print(f"  CPU in workers: compile {t_compile:.2f} s (all workers), load {t_load:.2f} s, "
          f"check {t_check:.2f} s")

    # The commands are timed in turns (teikit, teikit, Jing, again...), so a change in the machine's
    # load during the run weighs on all of them alike; each keeps its best time.
    commands: dict[str, list[str]] = {}
    if teikit_cli.is_file():  # the whole command: start-up, workers, grammar, (pointers), report
        command = [str(teikit_cli), "validate", "-q", "--schema", str(args.schema), "-j", str(jobs)]
        commands["cli"] = [*command, "--no-pointers", *map(str, files)]
        commands["cli+pointers"] = [*command, *map(str, files)]
    has_jing = bool(shutil.which("jing") and shutil.which("java"))
    if has_jing:
        commands["jing"] = ["jing", str(args.schema), *map(str, files)]
    times = best_in_turns(args.repeat, commands)
    t_cli, t_cli_pointers = times.get("cli", 0.0), times.get("cli+pointers", 0.0)
    if t_cli:
        print(f"teikit validate --no-pointers:      {t_cli:7.2f} s  (the same work as Jing)")
        print(f"teikit validate (with pointers):    {t_cli_pointers:7.2f} s")
    if not has_jing:
        print("Jing not installed: no comparison")
        return 0
    proc = subprocess.run(commands["jing"], capture_output=True, text=True)
    t_batch = times["jing"]
    batch_invalid = jing_invalid(proc.stdout)
    batch_counts = jing_counts(proc.stdout)
    print(f"Jing, all files in one run:         {t_batch:7.2f} s  ({len(batch_invalid)} invalid)")

    if not args.no_per_file:
        start = time.perf_counter()
        per_file_invalid: set[str] = set()
        for f in files:
            proc = subprocess.run(["jing", str(args.schema), str(f)], capture_output=True, text=True)
            per_file_invalid |= jing_invalid(proc.stdout)
        t_each = time.perf_counter() - start
        print(f"Jing, once per file:              {t_each:7.2f} s  ({len(per_file_invalid)} invalid)")
        print(f"ratio: Jing per file / teikit validate = {t_each / (t_cli_pointers or t_teikit):.0f}x")
    print(f"ratio: Jing batch / teikit grammar checker = {t_batch / t_teikit:.2f}x")
    if t_cli:
        print(f"ratio: Jing batch / teikit validate --no-pointers = {t_batch / t_cli:.2f}x")
        print(f"ratio: Jing batch / teikit validate with pointers = {t_batch / t_cli_pointers:.2f}x")
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
