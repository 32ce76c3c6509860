"""`teikit validate` against Jing on the shared corpora, side by side: time, ratio, peak memory, verdicts.

    .venv/bin/python bench/validate_corpus.py [--copies N] [--cold] [--jobs 1,2] [--repeat 5]
                                              [--schema schemas/tei_all.rng] [--per-file] [--floor]

The corpus is the 105 ELTeC novels and DraCor plays of ../shared/corpora (71 MB); `--copies N`
validates N copies of it instead (made in a temporary folder, N x 105 files). Each round runs, in
turns, so that a change in the machine's load weighs on all of them alike:

  * `teikit validate --schema SCHEMA -j J` (the default: grammar and pointer checks), per -j given;
  * the same with `--no-pointers` (the same work as Jing);
  * Jing given all files at once (one JVM);
  * with `--floor`, parsing and validating the trees with libxml2 and nothing else
    (`bench/validation_floor.py`): the least any teikit run must spend.

With `--cold` every teikit run starts from an empty cache (`TEIKIT_CACHE_DIR` a fresh folder):
a machine's first run, which simplifies the schema, checks that it compiles and learns the
corpus's element names. Without it, one unmeasured run fills the cache first.

For every command it prints the median and the best wall time of `--repeat` rounds, the ratio
of Jing's median to its median (above 1: teikit is faster), the median CPU time (user + system)
of the whole process tree and the same ratio for it (the comparable figure on a shared
machine, where wall time measures the scheduler), and its peak memory (the largest sum of the
resident sizes of the process and all its descendants, sampled every 20 ms). Finally it checks
that teikit's verdict and number of grammar errors equal Jing's on every file. `--per-file`
also times Jing run once per file, as a pre-commit hook or a per-file CI step would (slow: a
minute or more).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
FOLDERS = ("eltec-eng", "shakedracor")


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (Linux: /proc/PID/task/TID/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(c) for c in handle.read().split())
            except OSError:
                pass
    return found


def rss(pid: int) -> int:
    """Resident memory of one process in bytes (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, str]:
    """(wall seconds, CPU seconds of the process tree, peak memory of the tree in bytes, stdout)."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(rss(p) for p in descendants(proc.pid)))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, peak, out


def corpus(copies: int, scratch: Path) -> list[Path]:
    files = sorted(p for folder in FOLDERS for p in (CORPORA / folder).glob("*.xml"))
    if copies <= 1:
        return files
    made = []
    for n in range(copies):
        for f in files:
            target = scratch / f"copy{n}" / f.parent.name / f.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)
            made.append(target)
    return made


def error_counts_teikit(report: str) -> dict[str, int]:
    data = json.loads(report)
    counts = {Path(f["file"]).resolve().as_posix(): 0 for f in data["files"]}
    for d in data["diagnostics"]:
        if d["rule"] == "rng":
            key = Path(d["file"]).resolve().as_posix()
            counts[key] = counts.get(key, 0) + 1
    return counts


def error_counts_jing(output: str, files: list[Path]) -> dict[str, int]:
    counts = {f.resolve().as_posix(): 0 for f in files}
    for line in output.splitlines():
        if ": error:" in line:
            key = Path(line.split(":", 1)[0]).resolve().as_posix()
            counts[key] = counts.get(key, 0) + 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", type=Path, default=ROOT / "schemas" / "tei_all.rng")
    parser.add_argument("--copies", type=int, default=1, help="validate N copies of the 105 files")
    parser.add_argument("--jobs", "-j", default="2", help="comma-separated -j values for teikit, e.g. 1,2")
    parser.add_argument("--repeat", type=int, default=5, help="rounds; medians and best are shown")
    parser.add_argument("--cold", action="store_true", help="every teikit run starts with an empty cache")
    parser.add_argument("--per-file", action="store_true", help="also time Jing once per file (slow)")
    parser.add_argument("--floor", action="store_true",
                        help="also time parsing and libxml2 validation alone (bench/validation_floor.py)")
    args = parser.parse_args()
    if not all((CORPORA / f).is_dir() for f in FOLDERS):
        print(f"corpora not found under {CORPORA}", file=sys.stderr)
        return 2
    teikit = Path(sys.executable).parent / "teikit"
    has_jing = bool(shutil.which("jing") and shutil.which("java"))
    jobs = [int(j) for j in args.jobs.split(",")]
    with tempfile.TemporaryDirectory(prefix="teikit-bench-") as scratch_name:
        scratch = Path(scratch_name)
        files = corpus(args.copies, scratch / "corpus")
        size = sum(f.stat().st_size for f in files)
        print(f"{len(files)} files ({args.copies} x 105), {size / 1e6:.0f} MB, schema {args.schema.name}, "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before")
        names = [str(f) for f in files]
        commands: dict[str, list[str]] = {}
        for j in jobs:
            base = [str(teikit), "validate", "-q", "--schema", str(args.schema), "-j", str(j)]
            commands[f"teikit validate -j {j}"] = [*base, *names]
            commands[f"teikit validate -j {j} --no-pointers"] = [*base, "--no-pointers", *names]
        if args.floor:
            for j in jobs:
                commands[f"floor: parse + libxml2 validation, -j {j}"] = [
                    sys.executable, str(ROOT / "bench" / "validation_floor.py"), "--schema", str(args.schema),
                    "-j", str(j), *names]
        if has_jing:
            commands["Jing, all files in one JVM"] = ["jing", str(args.schema), *names]
        warm = scratch / "cache"
        env_warm = {**os.environ, "TEIKIT_CACHE_DIR": str(warm)}
        if not args.cold:  # fill the cache once: what follows is every later run on this machine
            subprocess.run(commands[f"teikit validate -j {jobs[-1]}"], capture_output=True, env=env_warm)
        results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in commands}
        for round_ in range(max(1, args.repeat)):
            for name, command in commands.items():
                env = env_warm
                if args.cold and not name.startswith("Jing"):
                    fresh = scratch / f"cold-{round_}-{len(results[name])}-{abs(hash(name))}"
                    env = {**os.environ, "TEIKIT_CACHE_DIR": str(fresh)}
                wall, cpu, peak, _ = run(command, env)
                results[name].append((wall, cpu, peak))
        mode = "cold (empty cache)" if args.cold else "warm cache"
        print(f"load average {os.getloadavg()[0]:.2f} after; {mode}")
        jing_runs = results.get("Jing, all files in one JVM", [(0.0, 0.0, 0)])
        jing_median = statistics.median(w for w, _, _ in jing_runs)
        jing_cpu = statistics.median(c for _, c, _ in jing_runs)
        print(f"{'command':42} {'median':>8} {'best':>8} {'vs Jing':>8} {'CPU':>8} {'vs Jing':>8} "
              f"{'peak RSS':>9}")
        for name, runs in results.items():
            median = statistics.median(w for w, _, _ in runs)
            ratio = f"{jing_median / median:7.2f}x" if jing_median else "       -"
            cpu = statistics.median(c for _, c, _ in runs)
            cpu_ratio = f"{jing_cpu / cpu:7.2f}x" if jing_cpu and cpu else "       -"
            peak = max(p for _, _, p in runs)
            print(f"{name:42} {median:7.2f}s {min(w for w, _, _ in runs):7.2f}s {ratio} {cpu:7.2f}s "
                  f"{cpu_ratio} {peak / 2**20:7.0f} MB")
        if len(jobs) > 1:
            by_j = {j: statistics.median(w for w, _, _ in results[f"teikit validate -j {j}"]) for j in jobs}
            print("scaling of teikit validate: " + ", ".join(
                f"-j {j} {by_j[jobs[0]] / by_j[j]:.2f}x" for j in jobs[1:]) + f" (against -j {jobs[0]})")
        if has_jing and args.per_file:
            start = time.perf_counter()
            for f in files[:105]:
                subprocess.run(["jing", str(args.schema), str(f)], capture_output=True)
            print(f"Jing once per file, 105 files: {time.perf_counter() - start:.1f} s")
        if not has_jing:
            print("Jing not installed: no comparison")
            return 0
        ours = error_counts_teikit(subprocess.run(
            [str(teikit), "validate", "-q", "--no-pointers", "--format", "json", "--schema", str(args.schema),
             *names], capture_output=True, text=True, env=env_warm).stdout)
        jing = error_counts_jing(subprocess.run(["jing", str(args.schema), *names], capture_output=True,
                                                text=True).stdout, files)
        disagree = [f for f in jing if bool(jing[f]) != bool(ours.get(f))]
        for f in disagree[:20]:
            print(f"  verdicts differ: {f}: teikit {ours.get(f)} error(s), Jing {jing[f]}")
        print(f"verdicts agree with Jing on {len(jing) - len(disagree)}/{len(jing)} files; "
              f"same number of errors on {sum(1 for f in jing if jing[f] == ours.get(f))}/{len(jing)} "
              f"(teikit {sum(ours.values())}, Jing {sum(jing.values())} in all)")
        return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
