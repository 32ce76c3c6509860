"""The schemas a document declares with `<?xml-model?>` processing instructions.

One implementation serves validation and this module: `teikit.validate.declarations`,
which also checks what a declared schema includes (`teikit.validate.schemafiles`). These
are the grammar's view of it, with the default limits and project root.
"""

from __future__ import annotations

from pathlib import Path

from teikit.diagnostics import Diagnostic
from teikit.load import DEFAULT_LIMITS, Document
from teikit.validate.declarations import RNG_TYPES, SCHEMATRON_NS, declared

__all__ = ["RNG_TYPES", "SCHEMATRON_NS", "declared_schemas", "declared_schematron"]


def declared_schemas(doc: Document) -> list[tuple[Path | None, str, Diagnostic | None]]:
    """RELAX NG schemas a document declares with <?xml-model?>: (path or None, href, problem)."""
    return [(d.path, d.href, d.problem) for d in declared(doc, "rng", None, DEFAULT_LIMITS.max_bytes)]


def declared_schematron(doc: Document) -> list[Path]:
    """Local Schematron files a document declares with <?xml-model?> that can be used."""
    return [d.path for d in declared(doc, "sch", None, DEFAULT_LIMITS.max_bytes) if d.path is not None]
