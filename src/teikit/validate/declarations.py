"""A document's <?xml-model?> declarations, resolved to local schema files it may use.

The document is untrusted, so what it names is checked before anything reads it
(`teikit.validate.schemafiles`): remote schemas are never fetched; a missing,
unreadable, oversized or non-regular file, or one outside the project, is an error
of *that document* at the line of its <?xml-model?>, so one bad document never stops
a batch. A remote RELAX NG schema is skipped with a warning (the project's grammar
does not apply either, as before); a missing or remote Schematron is an error,
because skipping it silently would also switch off the project's house rules.

The project root is `ValidationOptions.project_root` when set; otherwise the nearest
folder above the document holding `teikit.toml`, `pyproject.toml` or `.git`, else the
working directory when the document lies below it, else the document's own folder.
teikit's own `schemas/` are always allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from teikit.diagnostics import Diagnostic, Severity
from teikit.load import Document, display_path
from teikit.validate.schemafiles import SchemaFileError, allowed_roots, schema_closure

RNG_NS = "http://relaxng.org/ns/structure/1.0"
SCHEMATRON_NS = "http://purl.oclc.org/dsdl/schematron"
RNG_TYPES = ("application/xml", "application/relax-ng+xml", "application/x-relax-ng+xml", "text/xml", "")
_PSEUDO_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
ROOT_MARKERS = ("teikit.toml", "pyproject.toml", ".git")


@dataclass(frozen=True)
class Declared:
    """One <?xml-model?>: its href, the local file (None when unusable) and the problem, if any."""

    href: str
    path: Path | None
    problem: Diagnostic | None


def project_root_for(path: Path, project_root: Path | None) -> Path:
    """The folder a document's schemas must lie in (see the module docstring)."""
    if project_root is not None:
        return Path(project_root).resolve()
    folder = Path(path).resolve().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    cwd = Path.cwd().resolve()
    return cwd if folder.is_relative_to(cwd) and cwd != Path(cwd.anchor) else folder


def xml_models(doc: Document) -> list[tuple[etree._Element, dict[str, str]]]:
    """The <?xml-model?> processing instructions before the root element, in document order."""
    node = doc.root.getprevious()
    found = []
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model":
            attrs = {m[1]: m[2] if m[2] is not None else m[3] for m in _PSEUDO_ATTR.finditer(node.text or "")}
            found.append((node, attrs))
        node = node.getprevious()
    return list(reversed(found))


def is_relaxng(attrs: dict[str, str]) -> bool:
    ns = attrs.get("schematypens", "")
    if ns:
        return ns == RNG_NS
    return attrs.get("type", "") in RNG_TYPES and attrs.get("href", "").endswith(".rng")


def is_schematron(attrs: dict[str, str]) -> bool:
    return attrs.get("schematypens", "") == SCHEMATRON_NS or attrs.get("href", "").endswith(".sch")


def _resolve(doc: Document, pi: etree._Element, href: str, kind: str, root: Path,
             max_bytes: int) -> Declared:
    line = pi.sourceline or 1
    source = "relaxng" if kind == "rng" else "schematron"
    url = urlparse(href)
    if url.scheme not in ("", "file") or url.netloc:
        if kind == "rng":
            return Declared(href, None, Diagnostic(
                doc.display, line, 1, Severity.WARNING, "rng.remote-schema",
                f"<?xml-model?> names the remote schema {href}; teikit never fetches it, so it was skipped",
                hint="download it once and pass --schema PATH, or point href at a local copy", source=source))
        return Declared(href, None, Diagnostic(
            doc.display, line, 1, Severity.ERROR, "sch.remote-rules",
            f"<?xml-model?> names the remote Schematron {href}; teikit never fetches it, so no rules were "
            "checked", hint="download it once and pass --schematron PATH, or point href at a local copy",
            source=source))
    target = doc.path.parent / unquote(url.path)
    try:
        closure = schema_closure(target, allowed_roots(root), max_bytes)
    except SchemaFileError as exc:
        missing = not target.exists() and not target.is_symlink()
        rule = f"{'rng' if kind == 'rng' else 'sch'}.{'missing' if missing else 'unusable'}-" \
               f"{'schema' if kind == 'rng' else 'rules'}"
        message = (f"<?xml-model?> names {href}, which does not exist ({display_path(target)})" if missing
                   else f"<?xml-model?> names {href}: {exc.message}")
        hint = ("fix the href (relative to the document) or pass "
                f"{'--schema' if kind == 'rng' else '--schematron'} PATH") if missing else exc.hint
        return Declared(href, None, Diagnostic(doc.display, line, 1, Severity.ERROR, rule, message,
                                               hint=hint, source=source))
    return Declared(href, closure[0], None)


def declared(doc: Document, kind: str, project_root: Path | None, max_bytes: int) -> list[Declared]:
    """The document's RELAX NG (`kind` "rng") or Schematron ("sch") declarations, resolved and checked."""
    root = project_root_for(doc.path, project_root)
    found = []
    for pi, attrs in xml_models(doc):
        href = attrs.get("href", "")
        if not href:
            continue
        if kind == "rng" and not is_relaxng(attrs):
            continue
        if kind == "sch" and not (is_schematron(attrs) and not is_relaxng(attrs)):
            continue
        found.append(_resolve(doc, pi, href, kind, root, max_bytes))
    return found
