"""Benchmark: HTML and plain text for every shared corpus document, in one process.

    .venv/bin/python bench/build_corpus.py [--corpora DIR] [--out DIR] [--limit N]

Builds the HTML reading edition and the plain text of all ELTeC novels and DraCor
plays in ../shared/corpora with the stylesheets compiled once (teikit.transform
caches them per process), one document after the other, and prints for each
document its size and the seconds for parsing, HTML and text, then the totals,
seconds per MB and the ratio to the reference.

Reference: the TEI Consortium's Stylesheets, run the usual way (one Java process per
file), took 5.5 s for HTML and 1.7 s for text on a 0.6 MB ELTeC novel. The target is
at least 20 times faster per document. Run by hand. Wall-clock time depends on what
else the machine runs, so the CPU time of this process is reported as well: on a busy
shared machine it is the figure that measures teikit.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from teikit import transform
from teikit.errors import TeikitError
from teikit.load import load
from teikit.write import BuildOptions
from teikit.write.html import write_html
from teikit.write.text import write_text

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_MB = 0.6
REFERENCE = {"html": 5.5, "text": 1.7}
TARGET_FACTOR = 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--out", type=Path, default=None, help="keep the outputs here (default: a temp dir)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents of each corpus")
    args = parser.parse_args()

    files = []
    for corpus in ("eltec-eng", "shakedracor"):
        found = sorted((args.corpora / corpus).glob("*.xml"))
        files += found[: args.limit] if args.limit else found
    if not files:
        print(f"no corpus documents under {args.corpora}", file=sys.stderr)
        return 2

    started = time.perf_counter()
    transform.compiled("html")
    transform.compiled("text")
    compile_s = time.perf_counter() - started
    print(f"compiled html.xsl and text.xsl once: {compile_s:.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        rows = []
        failures = 0
        print(f"{'document':42} {'MB':>6} {'parse s':>8} {'html s':>8} {'text s':>8}"
              f" {'html cpu':>9} {'text cpu':>9}")
        for path in files:
            megabytes = path.stat().st_size / 1e6
            try:
                t0 = time.perf_counter()
                doc = load(path)
                t1, c1 = time.perf_counter(), time.process_time()
                write_html(doc, out, BuildOptions())
                t2, c2 = time.perf_counter(), time.process_time()
                write_text(doc, out, BuildOptions())
                t3, c3 = time.perf_counter(), time.process_time()
            except TeikitError as exc:
                failures += 1
                print(f"{path.name:42} FAILED: {exc}")
                continue
            rows.append((megabytes, t1 - t0, t2 - t1, t3 - t2, c2 - c1, c3 - c2))
            print(f"{path.name:42} {megabytes:6.2f} {t1 - t0:8.3f} {t2 - t1:8.3f} {t3 - t2:8.3f}"
                  f" {c2 - c1:9.3f} {c3 - c2:9.3f}")

    if not rows:
        return 1
    total_mb = sum(r[0] for r in rows)
    parse_s, html_s, text_s, html_cpu, text_cpu = (sum(r[i] for r in rows) for i in (1, 2, 3, 4, 5))
    count = len(rows)
    print()
    wall = time.perf_counter() - started
    print(f"{count} documents, {total_mb:.1f} MB, {failures} failed; wall {wall:.1f} s")
    print(f"parse: {parse_s:.1f} s total, {parse_s / count:.3f} s/document, {parse_s / total_mb:.3f} s/MB")
    for name, kind, seconds in (("html", "wall", html_s), ("html", "cpu", html_cpu),
                                ("text", "wall", text_s), ("text", "cpu", text_cpu)):
        per_mb = seconds / total_mb
        at_reference = per_mb * REFERENCE_MB  # a 0.6 MB novel at the measured rate
        ratio = REFERENCE[name] / at_reference
        verdict = "meets" if ratio >= TARGET_FACTOR else "MISSES"
        print(f"{name} ({kind}): {seconds:.1f} s total, {seconds / count:.3f} s/document, {per_mb:.3f} s/MB; "
              f"a {REFERENCE_MB} MB novel in {at_reference:.3f} s vs {REFERENCE[name]} s for the TEI "
              f"Stylesheets = {ratio:.0f}x faster ({verdict} the {TARGET_FACTOR}x target)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
