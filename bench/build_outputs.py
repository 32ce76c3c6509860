"""Benchmark: CPU time of HTML and text builds, before and after a change, in the same run.

    .venv/bin/python bench/build_outputs.py [--before REF] [--after REF] [--rounds N] [DOCUMENT...]

REF (default HEAD: the last commit, so uncommitted work is measured against it) is
extracted with `git archive` into a temporary folder; this checkout is the "after" (or
--after REF, extracted the same way, to measure a past change). One
worker process per side compiles its own stylesheets once, then renders each document
when asked: the two are asked in turn, document by document and round by round, so both
see the same load of a shared machine. Printed per document and format: the median CPU
seconds of the rounds (after a warm-up render that is not counted), the ratio after/before,
and whether the two outputs are byte-identical (a change meant only for speed must keep
them so). Without DOCUMENTs: a handful of the shared corpora (a DTA print, the article,
a play, a novel, a papyrus, two critical editions). Run by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
DEFAULT_DOCS = [
    CORPORA / "dta" / "rose_ural02_1842.TEI-P5.xml",
    ROOT / "tei" / "karabakh-war.xml",
    CORPORA / "shakedracor" / "hamlet.xml",
    CORPORA / "eltec-eng" / "ENG18670_Ouida.xml",
    CORPORA / "epidoc" / "p.oxy.1.119.xml",
    CORPORA / "apparatus" / "pta0041.pta001.pta-grc1.xml",
    CORPORA / "apparatus" / "DHARMA_CritEdSarvavajrodaya.xml",
]
FORMATS = ("html", "text")

# Runs inside each side's own tree (PYTHONPATH=<tree>/src): one JSON request per line in,
# one JSON answer per line out.
WORKER = r"""
import hashlib, json, sys, time
from pathlib import Path
from teikit.load import load
from teikit.write.html import render_html
from teikit.write.text import render_text
render = {"html": render_html, "text": render_text}
docs = {}
for line in sys.stdin:
    fmt, path = json.loads(line)
    if path not in docs:
        docs[path] = load(Path(path))
    started = time.process_time()
    out = render[fmt](docs[path])
    cpu = time.process_time() - started
    print(json.dumps([cpu, hashlib.sha256(out.encode("utf-8")).hexdigest()]), flush=True)
"""


class Side:
    """A worker process rendering with one tree's teikit and stylesheets."""

    def __init__(self, tree: Path) -> None:
        env = {key: value for key, value in os.environ.items() if key != "TEIKIT_XSLT_DIR"}
        env["PYTHONPATH"] = str(tree / "src")
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER], cwd=tree, env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def render(self, fmt: str, path: Path) -> tuple[float, str]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps([fmt, str(path)]) + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            raise RuntimeError(f"the worker failed on {path} ({fmt})")
        cpu, digest = json.loads(answer)
        return cpu, digest

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def extract(ref: str, into: Path) -> None:
    """The tree of a git ref, as `git archive` gives it (the repository is only read)."""
    into.mkdir()
    archive = into / "tree.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref], stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("documents", nargs="*", type=Path)
    parser.add_argument("--before", default="HEAD", help="git ref to compare with (default: HEAD)")
    parser.add_argument("--after", default="", help="git ref to measure instead of the working tree")
    parser.add_argument("--rounds", type=int, default=3, help="counted renders per side (default: 3)")
    args = parser.parse_args()
    docs = [d.resolve() for d in args.documents] or [d for d in DEFAULT_DOCS if d.is_file()]
    if not docs:
        print("no documents (the shared corpora are absent: name some)", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        extract(args.before, Path(tmp) / "before")
        if args.after:
            extract(args.after, Path(tmp) / "after")
        before = Side(Path(tmp) / "before" / "tree")
        after = Side(Path(tmp) / "after" / "tree" if args.after else ROOT)
        print(f"before: {args.before}   after: {args.after or f'{ROOT} (working tree)'}   "
              f"{args.rounds} rounds, CPU seconds, median")
        print(f"{'document':38} {'MB':>5} {'format':6} {'before':>7} {'after':>7} {'ratio':>6}  output")
        totals = {"before": 0.0, "after": 0.0}
        differing = 0
        try:
            for path in docs:
                megabytes = path.stat().st_size / 1e6
                for fmt in FORMATS:
                    times: dict[str, list[float]] = {"before": [], "after": []}
                    digests = {}
                    for round_ in range(args.rounds + 1):
                        for name, side in (("before", before), ("after", after)):
                            cpu, digests[name] = side.render(fmt, path)
                            if round_:  # the first render warms up, it is not counted
                                times[name].append(cpu)
                    b, a = statistics.median(times["before"]), statistics.median(times["after"])
                    totals["before"] += b
                    totals["after"] += a
                    same = digests["before"] == digests["after"]
                    differing += not same
                    print(f"{path.name[:38]:38} {megabytes:5.2f} {fmt:6} {b:7.3f} {a:7.3f} "
                          f"{a / b if b else 0:6.2f}  {'identical' if same else 'DIFFERS'}")
        finally:
            before.close()
            after.close()
    b, a = totals["before"], totals["after"]
    print(f"{'total':38} {'':5} {'':6} {b:7.3f} {a:7.3f} {a / b if b else 0:6.2f}  "
          f"{differing} of {len(docs) * len(FORMATS)} outputs differ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
