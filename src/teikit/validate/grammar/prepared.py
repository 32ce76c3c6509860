"""Grammars shipped prepared: the simplified and analysed form of the bundled tei_all.rng.

A machine's first use of a schema costs ~1 s: simplifying it, compiling the whole grammar once
(which proves that it compiles) and analysing it for hints and specialisation. For the schema
most corpora are checked against, teikit ships that work done, in `schemas/prepared/`: the
simplified copy and its analysis, gzipped, named by `schema_key` (the schema's SHA-256 and the
simplification recipe), so a first run with `--schema tei_all.rng` (this copy or any file with
the same bytes) starts from them. `tests/test_prepared.py` proves them current and compiling;

    .venv/bin/python -m teikit.validate.grammar.prepared          # rewrite schemas/prepared/
    .venv/bin/python -m teikit.validate.grammar.prepared --check  # exit 1 if stale
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

from lxml import etree

SHIPPED = ("tei_all.rng",)  # the schemas in schemas/ that ship prepared (teikit.rng changes with the ODD)


def folder() -> Path:
    from teikit.resources import schemas_dir

    return schemas_dir() / "prepared"


def lookup(key: str) -> tuple[bytes, bytes] | None:
    """(simplified schema, analysis JSON) shipped for `key`, or None."""
    base = folder() / key
    try:
        return (gzip.decompress(base.with_suffix(".rng.gz").read_bytes()),
                gzip.decompress(base.with_suffix(".json.gz").read_bytes()))
    except (OSError, EOFError, gzip.BadGzipFile):
        return None


def build(schema: Path) -> tuple[str, bytes, bytes]:
    """(key, simplified schema, analysis JSON) of `schema`, made as a first use would make them."""
    from teikit.load import make_parser
    from teikit.validate.grammar.analysis import analyse, analysis_json
    from teikit.validate.grammar.simplification import schema_key, simplify
    from teikit.validate.grammar.specialise import Specialiser

    data = schema.read_bytes()
    simple = simplify(etree.ElementTree(etree.fromstring(data, make_parser())))
    etree.RelaxNG(simple)  # the whole grammar compiles (raises otherwise)
    out = etree.tostring(simple, xml_declaration=True, encoding="utf-8")
    reread = etree.ElementTree(etree.fromstring(out, make_parser()))  # as LxmlChecker reads the copy
    return schema_key(data), out, analysis_json(analyse(reread), Specialiser(reread)).encode("utf-8")


def expected() -> dict[str, bytes]:
    """The files schemas/prepared/ should hold: name -> bytes (gzip without a date: reproducible)."""
    from teikit.resources import schemas_dir

    files = {}
    for name in SHIPPED:
        key, simple, analysis = build(schemas_dir() / name)
        files[f"{key}.rng.gz"] = gzip.compress(simple, 9, mtime=0)
        files[f"{key}.json.gz"] = gzip.compress(analysis, 9, mtime=0)
    return files


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    want = expected()
    here = folder()
    present = {p.name: p.read_bytes() for p in here.glob("*.gz")} if here.is_dir() else {}
    if "--check" in argv:
        if present != want:
            print(f"{here} is stale: run python -m teikit.validate.grammar.prepared", file=sys.stderr)
            return 1
        return 0
    here.mkdir(parents=True, exist_ok=True)
    for name in set(present) - set(want):
        (here / name).unlink()
    for name, data in want.items():
        (here / name).write_bytes(data)
        print(f"wrote {here / name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
