"""Benchmark the PDF output: the edition and the largest novels of the shared corpus.

Run by hand: `.venv/bin/python bench/pdf.py [FILE.xml ...]`. For each document it prints
the time of the data stage (xslt/pdf.xsl), the time of typesetting (Typst, PDF/A-3b),
pages, pages per second and size. The first document also pays the one-time stylesheet
compilation, which is printed separately.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from pypdf import PdfReader

from teikit import transform
from teikit.load import load
from teikit.write import pdf

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"


def default_documents() -> list[Path]:
    docs = [ROOT / "tei" / "karabakh-war.xml"]
    novels = sorted((CORPORA / "eltec-eng").glob("*.xml"), key=lambda p: p.stat().st_size)
    plays = sorted((CORPORA / "shakedracor").glob("*.xml"), key=lambda p: p.stat().st_size)
    docs += novels[-2:] + novels[:1] + plays[-1:]
    return [d for d in docs if d.is_file()]


def main(argv: list[str]) -> int:
    docs = [Path(a) for a in argv] or default_documents()
    if not docs:
        print("nothing to measure: no edition in tei/ and no shared corpora")
        return 1
    start = time.perf_counter()
    transform.compiled("pdf")
    print(f"stylesheet compilation: {time.perf_counter() - start:.2f} s (once per process)")
    print(f"{'document':32} {'MB':>6} {'xslt s':>7} {'typst s':>8} {'pages':>6} {'pages/s':>8} {'PDF MB':>7}")
    total_pages = 0
    total_time = 0.0
    for path in docs:
        doc = load(path)
        t0 = time.perf_counter()
        data = pdf.pdf_data(doc)
        t1 = time.perf_counter()
        pdf_bytes = pdf.render_pdf(doc)  # runs the data stage again, then Typst
        t2 = time.perf_counter()
        typeset = (t2 - t1) - (t1 - t0)
        pages = len(PdfReader(io.BytesIO(pdf_bytes)).pages)
        total_pages += pages
        total_time += t2 - t1
        size = path.stat().st_size / 1e6
        print(f"{path.name[:32]:32} {size:6.2f} {t1 - t0:7.2f} {typeset:8.2f} {pages:6d} "
              f"{pages / (t2 - t1):8.1f} {len(pdf_bytes) / 1e6:7.2f}   (data {len(data) / 1e6:.1f} MB)")
    print(f"total: {total_pages} pages in {total_time:.1f} s = {total_pages / total_time:.1f} pages/s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
