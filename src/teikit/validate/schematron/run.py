"""Compiling the generated stylesheet on Saxon (once per process), running it, reading its SVRL."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from teikit import sandbox
from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import DocumentError
from teikit.load import Document, display_path, make_parser
from teikit.validate.locate import Locator, resolve_location
from teikit.validate.schematron.common import SCH, SVRL, SchematronError, _q, severity_of
from teikit.validate.schematron.common import where as located
from teikit.validate.schematron.generate import Compiled, generate
from teikit.validate.schematron.read import assemble

# Schematron attributes that hold XPath: checked and rewritten by the sandbox like XSLT's.
EXPRESSION_ATTRIBUTES = frozenset({"context", "test", "select", "value", "path", "subject", "documents"})

_lock = threading.RLock()
_compiled: dict[tuple[Path, str], Compiled] = {}


def compile_rules(path: Path, phase: str = "#DEFAULT") -> Compiled:
    """Compile a Schematron schema for a phase, once per process."""
    from saxonche import PySaxonApiError

    from teikit.transform import processor

    path = Path(path).resolve()
    key = (path, phase or "#DEFAULT")
    with _lock:
        found = _compiled.get(key)
        if found is not None:
            return found
        if not path.is_file():
            raise SchematronError(f"{display_path(path)}: no such Schematron file", hint="check the path")
        schema = assemble(path)
        try:
            sandbox.guard(schema, display_path(path), {SCH: EXPRESSION_ATTRIBUTES},
                          where_of=lambda e: located(e, path))
        except sandbox.SandboxError as exc:
            raise SchematronError(exc.message, hint=exc.hint) from None
        sheet, patterns, rules = generate(schema, path, phase)
        sheet.set("{http://www.w3.org/XML/1998/namespace}base", f"{sandbox.SCHEME}:/{quote(path.name)}")
        sandbox.add_library(sheet)
        text = etree.tostring(sheet, encoding="unicode")
        compiler = processor().new_xslt30_processor()
        try:
            executable = compiler.compile_stylesheet(stylesheet_text=text)
        except PySaxonApiError as exc:
            where = _culprit_line(schema, str(exc))
            raise SchematronError(f"{display_path(path)}{where}: rules do not compile: {_saxon_message(exc)}",
                                  hint="an XPath expression in @context, @test, @select or @value is "
                                       "not valid XPath 2+; the message quotes it") from None
        if executable is None:
            raise SchematronError(f"{display_path(path)}: rules do not compile")
        compiled = Compiled(path, key[1], sheet, executable, patterns, rules)
        _compiled[key] = compiled
        return compiled


def _culprit_line(schema: etree._Element, message: str) -> str:
    """':LINE' of the first schema element whose XPath Saxon complains about ('' if unknown).

    Saxon quotes the failing expression as 'Error in {EXPR}'; asserts are compiled as not(TEST),
    so the quote is matched against attribute values with and without that wrapper.
    """
    match = re.search(r"Error in \{(.*?)\}", " ".join(message.split()))
    if not match:
        return ""
    quoted = match.group(1).removeprefix("not(").strip()
    for element in schema.iter(etree.Element):
        for name in ("context", "test", "select", "value", "path", "subject"):
            value = " ".join((element.get(name) or "").split())
            if value and quoted and (value.startswith(quoted) or quoted.startswith(value)):
                return f":{element.sourceline}" if element.sourceline else ""
    return ""


def _saxon_message(exc: Exception) -> str:
    """Saxon's message without positions in the generated stylesheet, in Schematron's terms."""
    text = " ".join(str(exc).split())
    text = re.sub(r" on line \d+ column \d+ of \S+:", ":", text)
    text = re.sub(r" at char \d+ in", " in", text)
    for generated, schematron in (("xsl:template/@match", "rule/@context"), ("xsl:if/@test", "@test"),
                                  ("xsl:value-of/@select", "value-of/@select"),
                                  ("xsl:variable/@select", "let/@value")):
        text = text.replace(generated, schematron)
    return text.strip()


def run_svrl(compiled: Compiled, doc: Document, node=None, root: Path | None = None) -> str:
    """Run compiled rules on a document; the SVRL report as a string.

    `root` is the project root the rules may read documents from (default: the document's folder).
    """
    from saxonche import PySaxonApiError

    from teikit.transform import _lock as saxon_lock
    from teikit.transform import processor, to_xdm

    with saxon_lock:
        try:
            root = Path(root or doc.path.parent).resolve()
            executable = compiled.executable
            executable.clear_parameters()
            executable.set_parameter(f"{{{sandbox.TKS}}}base", processor().make_string_value(
                sandbox.virtual_uri(compiled.path, root)))
            source = node or to_xdm(doc, sandbox.virtual_uri(doc.path, root))
            return sandbox.run(executable, sandbox.files_for(root),
                               lambda: executable.transform_to_string(xdm_node=source)) or ""
        except PySaxonApiError as exc:
            raise DocumentError(
                f"{doc.display}: Schematron rules {display_path(compiled.path)} failed: "
                f"{_saxon_message(exc)}",
                diagnostic=Diagnostic(doc.display, 0, 0, Severity.ERROR, "schematron.runtime",
                                      f"the rules in {display_path(compiled.path)} failed on this document: "
                                      f"{_saxon_message(exc)}", source="schematron"),
            ) from None


def svrl_diagnostics(svrl: str, doc: Document, locator: Locator | None = None,
                     schema: Path | None = None) -> list[Diagnostic]:
    """Failed asserts and successful reports of an SVRL report, located in `doc`."""
    if not svrl.strip():
        return []
    report = etree.fromstring(svrl.encode("utf-8"), make_parser())
    locator = locator or Locator(doc)
    found: list[Diagnostic] = []
    for result in report.iter(_q(SVRL, "failed-assert"), _q(SVRL, "successful-report")):
        element = resolve_location(doc.root, result.get("location", ""))
        line, column = locator.position(element)
        text = result.find(_q(SVRL, "text"))
        message = " ".join("".join(text.itertext()).split()) if text is not None else ""
        if not message:
            message = (f"assertion failed: {result.get('test')}" if etree.QName(result).localname
                       == "failed-assert" else f"report: {result.get('test')}")
        hints = [" ".join("".join(t.itertext()).split())
                 for t in result.iterfind(f"{{{SVRL}}}diagnostic-reference/{{{SVRL}}}text")]
        found.append(Diagnostic(
            doc.display, line, column, severity_of(result.get("role"), result.get("flag")),
            result.get("id") or "schematron", message, hint="; ".join(h for h in hints if h),
            source="schematron",
        ))
    return found


def check(doc: Document, path: Path, phase: str = "#DEFAULT", locator: Locator | None = None,
          node=None, root: Path | None = None) -> tuple[list[Diagnostic], str]:
    """Validate a document against Schematron rules: (diagnostics, SVRL text)."""
    compiled = compile_rules(path, phase)
    try:
        svrl = run_svrl(compiled, doc, node, root)
    except DocumentError as exc:
        return [exc.diagnostic] if exc.diagnostic else [], ""
    return svrl_diagnostics(svrl, doc, locator, compiled.path), svrl
