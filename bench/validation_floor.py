"""The floor of `teikit validate`: parsing each file with lxml and validating the tree with libxml2,
nothing else — no diagnosis, no rules, no pointers, no report.

    .venv/bin/python bench/validation_floor.py --schema schemas/tei_all.rng -j 2 FILE...

`bench/validate_corpus.py --floor` runs it beside teikit and Jing. The grammar is teikit's own
for this corpus (specialised to the names it learnt, from the cache, compiled once before the
workers are forked, as `teikit validate` does), so the figure is what any run of teikit must
spend at least: if it is slower than Jing, no work on the rest can make teikit faster than Jing.
Prints the number of valid files.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from pathlib import Path

from lxml import etree

_grammar: etree.RelaxNG | None = None
_parser = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True, load_dtd=False)


def _valid(path: str) -> bool:
    assert _grammar is not None
    return bool(_grammar.validate(etree.parse(path, _parser)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", type=Path, required=True)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    global _grammar
    from teikit.load import load
    from teikit.validate.grammar import grammar_checker

    checker = grammar_checker(args.schema.resolve(), "lxml")
    checker.prepare()
    _grammar = checker.relaxng_for(load(Path(args.files[0])))  # the corpus's names, from the cache
    if args.jobs <= 1:
        valid = sum(map(_valid, args.files))
    else:
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            valid = sum(pool.imap_unordered(_valid, args.files, chunksize=4))
    print(valid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
