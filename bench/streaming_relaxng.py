"""Streaming RELAX NG validation (libxml2's xmlTextReader) against teikit's tree validation.

    .venv/bin/python bench/streaming_relaxng.py [--repeat 3]

lxml does not expose libxml2's reader with RELAX NG (`xmlTextReaderRelaxNGSetSchema`), but its
extension module carries the whole of libxml2 and exports those functions, so this script calls
them with ctypes: the same libxml2 build, the same specialised grammar, the same 105 corpus files.
It prints the CPU time of (a) parsing each file into a tree and validating the tree (what teikit
does), (b) validating while reading, without a tree, and the verdicts of both.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import sys
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
FOLDERS = ("eltec-eng", "shakedracor")


@contextlib.contextmanager
def quiet_stderr():
    """libxml2's reader prints its validity errors on stderr: silenced while measuring."""
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(null)
        os.close(saved)


def libxml2() -> ctypes.CDLL:
    lib = ctypes.CDLL(etree.__file__)
    lib.xmlRelaxNGNewParserCtxt.restype = ctypes.c_void_p
    lib.xmlRelaxNGNewParserCtxt.argtypes = [ctypes.c_char_p]
    lib.xmlRelaxNGParse.restype = ctypes.c_void_p
    lib.xmlRelaxNGParse.argtypes = [ctypes.c_void_p]
    lib.xmlReaderForFile.restype = ctypes.c_void_p
    lib.xmlReaderForFile.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
    lib.xmlTextReaderRelaxNGSetSchema.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.xmlTextReaderRead.argtypes = [ctypes.c_void_p]
    lib.xmlTextReaderIsValid.argtypes = [ctypes.c_void_p]
    lib.xmlFreeTextReader.argtypes = [ctypes.c_void_p]
    return lib


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not all((CORPORA / f).is_dir() for f in FOLDERS):
        print(f"corpora not found under {CORPORA}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT / "src"))
    from teikit.load import load
    from teikit.validate.grammar import grammar_checker

    files = sorted(p for folder in FOLDERS for p in (CORPORA / folder).glob("*.xml"))
    checker = grammar_checker(ROOT / "schemas" / "tei_all.rng")
    for f in files:  # the grammar specialised to the corpus's names, kept in the cache as a file
        checker.relaxng_for(load(f))
    grammar_file = checker._grammar_file
    if grammar_file is None or not grammar_file.is_file():
        print("no specialised grammar file in the cache", file=sys.stderr)
        return 2
    tree_rng = etree.RelaxNG(etree.parse(str(grammar_file)))
    lib = libxml2()
    schema = lib.xmlRelaxNGParse(lib.xmlRelaxNGNewParserCtxt(str(grammar_file).encode()))
    xml_parser = etree.XMLParser(resolve_entities=False, no_network=True, collect_ids=False, huge_tree=True)

    def by_tree() -> list[bool]:
        return [tree_rng.validate(etree.parse(str(f), xml_parser)) for f in files]

    def streaming() -> list[bool]:
        verdicts = []
        with quiet_stderr():
            for f in files:
                reader = lib.xmlReaderForFile(str(f).encode(), None, 1 << 11)  # XML_PARSE_NONET
                lib.xmlTextReaderRelaxNGSetSchema(reader, schema)
                while lib.xmlTextReaderRead(reader) == 1:
                    pass
                verdicts.append(lib.xmlTextReaderIsValid(reader) == 1)
                lib.xmlFreeTextReader(reader)
        return verdicts

    times: dict[str, list[float]] = {"parse + validate the tree": [], "validate while reading": []}
    verdicts: dict[str, list[bool]] = {}
    for _ in range(max(1, args.repeat)):
        for name, run in (("parse + validate the tree", by_tree), ("validate while reading", streaming)):
            start = time.process_time()
            verdicts[name] = run()
            times[name].append(time.process_time() - start)
    print(f"{len(files)} files, grammar {grammar_file.name}, best of {args.repeat} (CPU seconds)")
    for name, values in times.items():
        print(f"  {name:28} {min(values):6.3f} s   valid: {sum(verdicts[name])}/{len(files)}")
    same = verdicts["parse + validate the tree"] == verdicts["validate while reading"]
    print("verdicts agree" if same else "verdicts differ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
