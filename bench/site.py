"""Benchmark: `teikit site` on the shared corpora and on 1,000 letters: build time and site size.

    .venv/bin/python bench/site.py [--corpora DIR] [--letters N] [--jobs J] [--skip-corpus]

Two corpora:
- the 105 ELTeC novels and DraCor plays of ../shared/corpora (71 MB);
- N letters (default 1,000) generated from them: each takes three to eight paragraphs of
  a novel's text, a sender, an addressee and a place from pools of 300 persons and 60
  places (with GND- and GeoNames-style URIs, so registers merge across letters), a date
  between 1800 and 1920 and a few inline mentions. The letters are written into a
  temporary folder, never into the project.

For each, in turns with the reference (`teikit build -f html`, the same document pages
without the site: the cost the site adds is the ratio), all through the command line as a
user runs it, with -j J and no cache: the first build; then `teikit site` again with the
cache (nothing changed), and after one document changed. Sizes: the document pages, the
corpus pages and the Pagefind index (files and bytes). Run by hand; the machine may be shared,
so ratios taken within one run are the figures to compare.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
TEI_NS = "http://www.tei-c.org/ns/1.0"


def teikit(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "teikit", *args, "-q"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def size(folder: Path, pattern: str = "*") -> tuple[int, int]:
    files = [p for p in folder.glob(pattern) if p.is_file()] if pattern != "**" else \
        [p for p in folder.rglob("*") if p.is_file() and ".teikit-cache" not in p.parts]
    return len(files), sum(p.stat().st_size for p in files)


def paragraphs(novels: list[Path]) -> list[str]:
    found = []
    for novel in novels:
        tree = etree.parse(str(novel))
        for p in tree.iter(f"{{{TEI_NS}}}p"):
            text = " ".join("".join(p.itertext()).split())
            if 200 < len(text) < 1500:
                found.append(text)
    return found


def make_letters(novels: list[Path], count: int, folder: Path) -> list[Path]:
    rng = random.Random(17)
    texts = paragraphs(novels)
    surnames = ["Adams", "Baker", "Clarke", "Dawson", "Ellis", "Fraser", "Gray", "Hughes", "Irving", "Jones",
                "Knight", "Lowe", "Marsh", "Nash", "Owen", "Price", "Quinn", "Reid", "Shaw", "Todd"]
    forenames = ["Anne", "Charles", "Dora", "Edward", "Flora", "George", "Harriet", "Isaac", "Jane",
                 "Kate", "Louis", "Mary", "Nora", "Oliver", "Rose"]
    persons = [(f"{rng.choice(surnames)}, {rng.choice(forenames)}", f"https://d-nb.info/gnd/{100000 + i}")
               for i in range(300)]
    towns = ["London", "Bath", "York", "Leeds", "Dublin", "Edinburgh", "Paris", "Rome", "Vienna", "Berlin"]
    places = [(f"{rng.choice(towns)} {i}" if i >= len(towns) else towns[i],
               f"https://www.geonames.org/{2600000 + i}") for i in range(60)]
    files = []
    for n in range(count):
        sender, addressee = rng.sample(persons, 2)
        place = rng.choice(places)
        date = f"{rng.randint(1800, 1920)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        body = []
        for text in rng.sample(texts, rng.randint(3, 8)):
            words = text.split()
            name, uri = rng.choice(persons)
            at = rng.randrange(len(words))
            body.append("<p>" + escape(" ".join(words[:at])) + f" <persName ref={quoteattr(uri)}>"
                        + escape(name.split(", ")[0]) + "</persName> "
                        + escape(" ".join(words[at:])) + "</p>")
        title = f"{sender[0]} to {addressee[0]}, {date}"
        xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="{TEI_NS}" xml:lang="en"><teiHeader><fileDesc><titleStmt><title>{escape(title)}</title></titleStmt>
<publicationStmt><p>Generated for bench/site.py.</p></publicationStmt>
<sourceDesc><p>Generated.</p></sourceDesc>
</fileDesc><profileDesc><correspDesc>
<correspAction type="sent"><persName ref={quoteattr(sender[1])}>{escape(sender[0])}</persName>
<placeName ref={quoteattr(place[1])}>{escape(place[0])}</placeName><date when="{date}"/></correspAction>
<correspAction type="received"><persName ref={quoteattr(addressee[1])}>{escape(addressee[0])}</persName>
</correspAction></correspDesc></profileDesc></teiHeader>
<text><body><div><opener><salute>Dear
<persName ref={quoteattr(addressee[1])}>{escape(addressee[0])}</persName>,</salute></opener>{"".join(body)}
<closer><signed>{escape(sender[0])}</signed></closer></div></body></text></TEI>
"""
        path = folder / f"letter-{n:04d}.xml"
        path.write_text(xml, encoding="utf-8")
        files.append(path)
    return files


def measure(label: str, sources: list[str], jobs: int, work: Path) -> None:
    site, build = work / f"{label}-site", work / f"{label}-build"
    common = [*sources, "-j", str(jobs)]
    first = teikit("site", *common, "-o", str(site), "--no-cache", "--title", label)
    html = teikit("build", *common, "-f", "html", "-o", str(build), "--no-cache")
    shutil.rmtree(site)
    first = min(first, teikit("site", *common, "-o", str(site), "--title", label))
    html = min(html, teikit("build", *common, "-f", "html", "-o", str(build), "--no-cache"))
    again = teikit("site", *common, "-o", str(site), "--title", label)
    docs_n, docs_b = size(site / "docs", "*.html")
    corpus_n, corpus_b = size(site, "*.html")
    index_n, index_b = size(site / "pagefind", "**")
    total_n, total_b = size(site, "**")
    print(f"\n{label}: {len(list((site / 'docs').glob('*.html')))} documents")
    print(f"  teikit site (first build)      {first:7.1f} s")
    print(f"  teikit build -f html           {html:7.1f} s   site / html = {first / html:.2f}x")
    print(f"  teikit site, nothing changed   {again:7.1f} s   ({again / first:.0%} of the first build)")
    print(f"  document pages  {docs_n:6d} files {docs_b / 1e6:8.1f} MB")
    print(f"  corpus pages    {corpus_n:6d} files {corpus_b / 1e6:8.1f} MB")
    print(f"  Pagefind index  {index_n:6d} files {index_b / 1e6:8.1f} MB")
    print(f"  whole site      {total_n:6d} files {total_b / 1e6:8.1f} MB")


def changed_one(label: str, sources: list[str], one: Path, jobs: int, work: Path) -> None:
    site = work / f"{label}-site"
    text = one.read_text(encoding="utf-8")
    one.write_text(text.replace("</body>", "<p>One more paragraph.</p></body>", 1), encoding="utf-8")
    took = teikit("site", *sources, "-j", str(jobs), "-o", str(site), "--title", label)
    print(f"  teikit site, one document changed {took:5.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args()
    novels = sorted((args.corpora / "eltec-eng").glob("*.xml"))
    if not novels:
        print(f"no corpus documents under {args.corpora}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="teikit-bench-site-") as tmp:
        work = Path(tmp)
        if not args.skip_corpus:
            measure("corpus", [str(args.corpora / "eltec-eng"), str(args.corpora / "shakedracor")], args.jobs,
                    work)
        letters = work / "letters"
        letters.mkdir()
        files = make_letters(novels, args.letters, letters)
        print(f"\ngenerated {len(files)} letters, {sum(f.stat().st_size for f in files) / 1e6:.1f} MB")
        measure("letters", [str(letters)], args.jobs, work)
        changed_one("letters", [str(letters)], files[len(files) // 2], args.jobs, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
