"""What every stage of the Schematron compiler shares: namespaces, the schema error, severities."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from teikit.diagnostics import Severity
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
    """The rules themselves are unusable (bad XML, unknown phase, XPath that does not compile)."""


def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def where(element: etree._Element | None, path: Path) -> str:
    """FILE:LINE of a schema element; `tkv:file` marks elements taken from an included file."""
    if element is not None and element.get(_q(TKV, "file")):
        path = Path(element.get(_q(TKV, "file")))
    shown = display_path(path)
    if element is not None and element.sourceline:
        shown += f":{element.sourceline}"
    return shown


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
