"""Grammar checking: RELAX NG with libxml2 (lxml, default) or Jing.

Two engines, one result type. Both return every error they find as `Diagnostic`
values with line, column and a hint of what the schema allows at that point.

libxml2 has two weaknesses for large schemas such as tei_all.rng: compiling it
is slow, and validation stops at the first error. teikit answers the first with
a per-process cache (`grammar_checker`) of a schema compiled from a *simplified*
copy that accepts exactly the same documents (`simplification`, kept on disk by
SHA-256), further specialised to the element names the documents use (`specialise`),
and the second by locating each error in a private copy of the tree, repairing it
there and validating again (`diagnosis`), so one run reports up to `MAX_ERRORS`
errors, each at the line and column of the original source.

One module per concern: `rng_syntax` (reading RELAX NG's XML syntax), `analysis`
(what hints need to know of a schema), `models` (derivatives: what may come next),
`simplification` (the fast-compiling copy and its cache), `specialise` (grammars cut
to a vocabulary), `lxml_engine` and `diagnosis` (the default engine and its error
finding, with `source` and `wording`), `jing` (the Jing engine) and `xml_model`
(`<?xml-model?>`).
"""

from __future__ import annotations

import threading
from pathlib import Path

from teikit.errors import InputError
from teikit.validate.grammar.checker import ENGINES, MAX_ERRORS, GrammarChecker
from teikit.validate.grammar.jing import JingChecker, parse_jing_output
from teikit.validate.grammar.lxml_engine import LxmlChecker
from teikit.validate.grammar.simplification import COMPILED_MIXED, simplified, simplify
from teikit.validate.grammar.xml_model import declared_schemas, declared_schematron

_checkers: dict[tuple[Path, str], GrammarChecker] = {}
_lock = threading.Lock()


def project_schema() -> Path:
    """The edition's own customisation, generated from schemas/teikit.odd."""
    from teikit.resources import schemas_dir

    return schemas_dir() / "teikit.rng"


def grammar_checker(schema: Path, engine: str = "lxml") -> GrammarChecker:
    """The checker for `schema`, compiled once per process and engine, then reused."""
    if engine not in ENGINES:
        raise InputError(f"unknown grammar engine {engine!r}", hint=f"use one of: {', '.join(ENGINES)}")
    key = (Path(schema).resolve(), engine)
    with _lock:
        found = _checkers.get(key)
        if found is None:
            found = _checkers[key] = (LxmlChecker if engine == "lxml" else JingChecker)(key[0])
        return found


__all__ = ["COMPILED_MIXED", "ENGINES", "MAX_ERRORS", "GrammarChecker", "JingChecker", "LxmlChecker",
           "declared_schemas", "declared_schematron", "grammar_checker", "parse_jing_output",
           "project_schema", "simplified", "simplify"]
