"""The schemas a document declares with `<?xml-model?>` processing instructions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from teikit.diagnostics import Diagnostic, Severity
from teikit.load import Document, display_path
from teikit.validate.grammar.rng_syntax import RNG_NS

SCHEMATRON_NS = "http://purl.oclc.org/dsdl/schematron"
RNG_TYPES = {"application/xml", "application/relax-ng+xml", "application/x-relax-ng+xml"}

# --------------------------------------------------------------------------- <?xml-model?>

_PSEUDO_ATTR = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _xml_models(doc: Document) -> Iterable[tuple[etree._Element, dict[str, str]]]:
    """The <?xml-model?> processing instructions before the root element."""
    node = doc.root.getprevious()
    found = []
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model":
            attrs = {m[1]: m[2] if m[2] is not None else m[3] for m in _PSEUDO_ATTR.finditer(node.text or "")}
            found.append((node, attrs))
        node = node.getprevious()
    return reversed(found)


def _is_relaxng(attrs: dict[str, str]) -> bool:
    ns = attrs.get("schematypens", "")
    if ns:
        return ns == RNG_NS
    kind = attrs.get("type", "")
    return kind in RNG_TYPES and attrs.get("href", "").endswith(".rng")


def _is_schematron(attrs: dict[str, str]) -> bool:
    return attrs.get("schematypens", "") == SCHEMATRON_NS or attrs.get("href", "").endswith(".sch")


def _resolve(doc: Document, pi: etree._Element, href: str) -> tuple[Path | None, Diagnostic | None]:
    url = urlparse(href)
    line = pi.sourceline or 1
    if url.scheme not in ("", "file") or url.netloc:
        return None, Diagnostic(doc.display, line, 1, Severity.WARNING, "rng.remote-schema",
                                f"<?xml-model?> names the remote schema {href}; teikit never fetches it, "
                                "so it was skipped",
                                hint="download it once and pass --schema PATH, or point href at a local copy",
                                source="relaxng")
    target = (doc.path.parent / unquote(url.path)).resolve()
    if not target.is_file():
        return None, Diagnostic(doc.display, line, 1, Severity.ERROR, "rng.missing-schema",
                                f"<?xml-model?> names {href}, which does not exist ({display_path(target)})",
                                hint="fix the href (relative to the document) or pass --schema PATH",
                                source="relaxng")
    return target, None


def declared_schemas(doc: Document) -> list[tuple[Path | None, str, Diagnostic | None]]:
    """RELAX NG schemas a document declares with <?xml-model?>: (path or None, href, problem)."""
    found = []
    for pi, attrs in _xml_models(doc):
        href = attrs.get("href", "")
        if not href or not _is_relaxng(attrs):
            continue
        path, problem = _resolve(doc, pi, href)
        found.append((path, href, problem))
    return found


def declared_schematron(doc: Document) -> list[Path]:
    """Local Schematron files a document declares with <?xml-model?> (remote ones are skipped)."""
    found = []
    for pi, attrs in _xml_models(doc):
        href = attrs.get("href", "")
        if href and _is_schematron(attrs) and not _is_relaxng(attrs):
            path, _problem = _resolve(doc, pi, href)
            if path is not None:
                found.append(path)
    return found


