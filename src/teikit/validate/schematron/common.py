"""What every stage of the Schematron compiler shares: namespaces, the schema error, severities."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from lxml import etree

from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import TeikitError
from teikit.load import display_path

SCH = "http://purl.oclc.org/dsdl/schematron"
XSL = "http://www.w3.org/1999/XSL/Transform"
SVRL = "http://purl.oclc.org/dsdl/svrl"
XS = "http://www.w3.org/2001/XMLSchema"
TKV = "urn:teikit:schematron"  # functions of the generated stylesheet

# queryBinding values run as XPath 2+ on Saxon. XSLT 1.0 expressions are (nearly all)
# valid XPath 2+, so 'xslt' and the empty default are accepted too.
QUERY_BINDINGS = frozenset({"", "xslt", "exslt", "xslt2", "xslt3", "xpath2", "xpath3", "xpath31"})

_ROLE_SEVERITY = {
    "fatal": Severity.ERROR, "error": Severity.ERROR, "err": Severity.ERROR,
    "warning": Severity.WARNING, "warn": Severity.WARNING,
    "info": Severity.INFO, "information": Severity.INFO, "informational": Severity.INFO,
    "note": Severity.INFO, "hint": Severity.INFO,
}


class SchematronError(TeikitError):
    """The rules themselves are unusable (bad XML, unknown phase, XPath that does not compile).

    It carries the problem as a `Diagnostic` located in the schema file (rule
    `schematron.schema`), so machine-readable reports can list it like any finding.
    """

    def __init__(self, message: str, *, hint: str = "", diagnostic: Diagnostic | None = None):
        if diagnostic is None:
            match = re.match(r"(?P<file>[^\s:][^:]*?)(?::(?P<line>\d+))?(?::(?P<col>\d+))?: (?P<text>.+)$",
                             message, re.S)
            if match:
                diagnostic = Diagnostic(match["file"], int(match["line"] or 0), int(match["col"] or 0),
                                        Severity.ERROR, "schematron.schema", match["text"], hint=hint,
                                        source="schematron")
        super().__init__(message, hint=hint, diagnostic=diagnostic)


def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def where(element: etree._Element | None, path: Path, attribute: str = "") -> str:
    """FILE:LINE:COLUMN of a schema element (or of one of its attributes), as far as known.

    `tkv:file` marks elements taken from an included file. lxml keeps lines only; the
    column is found in that line of the file: the element's start tag, or the attribute in it.
    """
    if element is not None and element.get(_q(TKV, "file")):
        path = Path(element.get(_q(TKV, "file")))
    shown = display_path(path)
    if element is not None and element.sourceline:
        shown += f":{element.sourceline}"
        column = _column(Path(path), element.sourceline, etree.QName(element).localname, attribute)
        if column:
            shown += f":{column}"
    return shown


@functools.lru_cache(maxsize=16)
def _lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()


def _column(path: Path, line: int, local: str, attribute: str = "") -> int:
    """1-based column of `<local` (or of `attribute=` after it) on a line of the file; 0 if not found."""
    lines = _lines(path)
    if not 0 < line <= len(lines):
        return 0
    text = lines[line - 1]
    tag = re.search(r"<(?:[\w.\-]+:)?" + re.escape(local) + r"(?=[\s/>]|$)", text)
    if tag is None:
        return 0
    if attribute:
        found = re.compile(r"\s(" + re.escape(attribute) + r")\s*=").search(text, tag.end())
        if found:
            return found.start(1) + 1
    return tag.start() + 1


def _fail(element: etree._Element | None, path: Path, message: str, hint: str = "") -> SchematronError:
    """A schema error at the element's file and line."""
    return SchematronError(f"{where(element, path)}: {message}", hint=hint)


def severity_of(role: str | None, flag: str | None = None) -> Severity:
    """@role (or, failing that, @flag) to a severity; anything unknown is an error."""
    for value in (role, flag):
        if value:
            found = _ROLE_SEVERITY.get(value.strip().lower())
            if found is not None:
                return found
    return Severity.ERROR


def message_pieces(element: etree._Element) -> list[tuple[str, object]]:
    """The content of an assert, report, diagnostic or property, in order, as what each part is:
    ("text", words) for literal text and the text of sch:emph, sch:dir, sch:span and foreign
    markup; ("value-of", element) and ("name", element) for the Schematron elements that are
    evaluated; ("xsl", element) for xsl:copy-of, xsl:value-of and xsl:sequence."""
    pieces: list[tuple[str, object]] = []
    if element.text:
        pieces.append(("text", element.text))
    for child in element:
        if isinstance(child.tag, str):
            qname = etree.QName(child)
            if qname.namespace == SCH and qname.localname in ("value-of", "name"):
                pieces.append((qname.localname, child))
            elif qname.namespace == XSL and qname.localname in ("copy-of", "value-of", "sequence"):
                pieces.append(("xsl", child))
            else:
                pieces.append(("text", "".join(child.itertext())))
        if child.tail:
            pieces.append(("text", child.tail))
    return pieces


def without_predicates(expression: str) -> str:
    """An XPath expression or pattern with its [...] predicates (nested ones too) left out."""
    out, depth = [], 0
    for char in expression:
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(char)
    return "".join(out)
