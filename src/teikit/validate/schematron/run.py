"""Compiling the generated stylesheet on Saxon (once per process), running it, reading its SVRL."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from teikit import sandbox
from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import DocumentError
from teikit.load import Document, display_path, make_parser
from teikit.validate.locate import Locator, resolve_location
from teikit.validate.schematron.common import SCH, SVRL, TKV, SchematronError, _column, _q, severity_of
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

    from teikit.transform import _saxon_stderr, processor

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
                          where_of=lambda e: lambda: located(e, path),
                          prefixes={n.get("prefix"): n.get("uri") for n in schema.iter(_q(SCH, "ns"))})
        except sandbox.SandboxError as exc:
            raise SchematronError(exc.message, hint=exc.hint) from None
        sheet, patterns, rules = generate(schema, path, phase)
        sheet.set("{http://www.w3.org/XML/1998/namespace}base", f"{sandbox.SCHEME}:/{quote(path.name)}")
        sandbox.add_library(sheet)
        # One element per line, so that a line Saxon names leads back to the schema element.
        etree.indent(sheet, space=" ")  # whitespace-only text in a stylesheet is not content
        text = etree.tostring(sheet, encoding="unicode")
        compiler = processor().new_xslt30_processor()
        try:
            with _saxon_stderr() as printed:
                executable = compiler.compile_stylesheet(stylesheet_text=text)
        except PySaxonApiError as exc:
            raise _compile_error(exc, "".join(printed), text, schema, path) from None
        if executable is None:
            raise SchematronError(f"{display_path(path)}: rules do not compile")
        compiled = Compiled(path, key[1], sheet, executable, patterns, rules, text)
        _compiled[key] = compiled
        return compiled


# Saxon's error codes in words (the ones XPath in rules meets; others are given as codes).
ERROR_CODES = {
    "XPST0003": "syntax error", "XPST0008": "undeclared variable or name", "XPST0017": "unknown function "
    "or wrong number of arguments", "XPST0051": "unknown type", "XPST0081": "undeclared namespace prefix",
    "XPTY0004": "type error", "XPTY0019": "a path step applied to something that is not a node",
    "XPTY0020": "the context item is not a node", "XPDY0002": "no context item", "XPDY0050": "wrong type",
    "XTSE0010": "XSLT element not allowed here", "XTSE0340": "invalid pattern in @context",
    "XTSE0370": "invalid braces in an attribute value", "XTDE0640": "a variable that depends on itself",
    "XTSE0630": "the same variable twice", "XTDE0820": "invalid element name",
    "XTSE0090": "unknown attribute",
    "FOAR0001": "division by zero", "FOAR0002": "numeric overflow", "FORG0001": "invalid value for a cast",
    "FORG0006": "invalid argument type", "FOCA0002": "invalid lexical value", "FORX0002": "invalid regular "
    "expression", "FODC0002": "the document cannot be read", "FOUT1170": "the file cannot be read",
    "FOER0000": "error() called", "FODT0001": "date/time overflow", "FOTY0013": "a function item "
    "has no string value", "XTTE0570": "a variable's value does not match its type",
}


def explain(code: str) -> str:
    """An error code with its meaning ('XPST0008 (undeclared variable or name)')."""
    words = ERROR_CODES.get(code)
    return f"{code} ({words})" if words else code


def _compile_error(exc: Exception, printed: str, text: str, schema: etree._Element,
                   path: Path) -> SchematronError:
    """The schema element, attribute and expression a compile error comes from, with the code in words."""
    message = str(exc)
    detail = printed or message
    code_match = re.search(r"\b([A-Z]{4}\d{4})\b", detail)
    code = code_match.group(1) if code_match else ""
    where = ""
    attribute, expression = "", ""
    line_match = re.search(r"on line (\d+)", detail)
    if line_match:
        generated = etree.fromstring(text.encode("utf-8"))
        target = int(line_match.group(1))
        culprit = None
        for element in generated.iter(etree.Element):
            if element.sourceline and element.sourceline <= target:
                culprit = element
            elif element.sourceline and element.sourceline > target:
                break
        for node in ([] if culprit is None else [culprit, *culprit.iterancestors()]):
            if node.get(_q(TKV, "src")):
                line, tag, attribute = [*node.get(_q(TKV, "src")).split(" "), "", ""][:3]
                source = Path(node.get(_q(TKV, "file")) or path)
                where = f"{display_path(source)}:{line}"
                column = _column(source, int(line), tag, attribute)
                if column:
                    where += f":{column}"
                expression = _expression_at(schema, int(line), tag, attribute)
                break
    if not where:
        where = located(None, path) + _culprit_line(schema, message)
    saxon = _saxon_message(exc)
    said = re.sub(r"^.*?\b[A-Z]{4}\d{4}\b\s*", "", saxon) or saxon
    parts = [f"{where}: rules do not compile:"]
    if attribute:
        parts.append(f"in @{attribute}")
    if expression:
        parts.append(f"{{{expression}}}:")
    if code:
        parts.append(explain(code) + ":")
    parts.append(said)
    return SchematronError(" ".join(parts), hint="the XPath expression quoted is not valid XPath 3.1 "
                                                  "in this rule's context; fix it in the schema")


def _expression_at(schema: etree._Element, line: int, tag: str, attribute: str) -> str:
    """The value of `attribute` on the schema element named `tag` at `line` ('' if none)."""
    if not attribute:
        return ""
    for element in schema.iter(_q(SCH, tag)):
        if element.sourceline == line and element.get(attribute) is not None:
            return element.get(attribute)
    return ""


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
    from teikit.transform import _saxon_stderr, processor, to_xdm

    with saxon_lock:
        try:
            root = Path(root or doc.path.parent).resolve()
            executable = compiled.executable
            executable.clear_parameters()
            executable.set_parameter(f"{{{sandbox.TKS}}}base", processor().make_string_value(
                sandbox.virtual_uri(compiled.path, root)))
            source = node or to_xdm(doc, sandbox.virtual_uri(doc.path, root))
            def attempt() -> str:
                with _saxon_stderr():  # Saxon prints each error too; teikit reports it once, located
                    return executable.transform_to_string(xdm_node=source)

            return sandbox.run(executable, sandbox.files_for(root), attempt) or ""
        except (PySaxonApiError, sandbox.SandboxError) as exc:
            raise DocumentError(
                f"{doc.display}: Schematron rules {display_path(compiled.path)} failed: "
                f"{_saxon_message(exc)}",
                diagnostic=Diagnostic(doc.display, 0, 0, Severity.ERROR, "schematron.runtime",
                                      f"the rules in {display_path(compiled.path)} failed on this document: "
                                      f"{_saxon_message(exc)}", source="schematron"),
            ) from None


def svrl_diagnostics(svrl: str, doc: Document, locator: Locator | None = None,
                     schema: Path | None = None, root: Path | None = None,
                     compiled: Compiled | None = None) -> list[Diagnostic]:
    """Failed asserts, successful reports and runtime errors of an SVRL report, located.

    A finding in a subordinate document (pattern/@documents) is reported in that document,
    which teikit read for the run (`teikit.sandbox`).
    """
    if not svrl.strip():
        return []
    report = etree.fromstring(svrl.encode("utf-8"), make_parser())
    root = Path(root or doc.path.parent).resolve()
    primary = sandbox.virtual_uri(doc.path, root)
    locators: dict[str, tuple[Document, Locator]] = {primary: (doc, locator or Locator(doc))}

    def place(uri: str | None, location: str) -> tuple[str, int, int]:
        uri = uri or primary
        if uri not in locators:
            entry = sandbox.files_for(root).entries.get(f"doc {uri}", {})
            other = entry.get("value")
            if not isinstance(other, Document):
                return doc.display, 0, 0
            locators[uri] = (other, Locator(other))
        where, where_locator = locators[uri]
        line, column = where_locator.position(resolve_location(where.root, location))
        return where.display, line, column

    found: list[Diagnostic] = []
    rules_file = display_path(schema) if schema else "the rules"
    kinds = (_q(SVRL, "failed-assert"), _q(SVRL, "successful-report"), _q(TKV, "runtime-error"))
    repeats: dict[tuple[str, str, str], list[int]] = {}
    for result in report.iter(*kinds):
        shown, line, column = place(result.get(_q(TKV, "document")) or result.get("document"),
                                    result.get("location", ""))
        if result.tag == _q(TKV, "runtime-error"):
            origin = display_path(Path(result.get("file"))) if result.get("file") else rules_file
            what = f"the {result.get('kind')} at {origin}:{result.get('line')}"
            at = (compiled.origin(int(result.get("at") or 0), result.get("line", ""))
                  if compiled and result.get("at") else None)
            if at is not None and at[1] in ("assert", "report", "let", "value-of", "name"):
                check_file = display_path(Path(at[2])) if at[2] else rules_file
                what = f"the {at[1]} at {check_file}:{at[0]} (rule at line {result.get('line')})"
            why = f"{explain(result.get('code', ''))}: {' '.join(result.get('description', '').split())}"
            key = (shown, what, why)
            if key in repeats:  # the same failure (a lookup file, a global variable) on node after node
                repeats[key][1] += 1
                continue
            repeats[key] = [len(found), 0]
            node = "this node" if result.get("location") else "this document"
            found.append(Diagnostic(
                shown, line, column, Severity.ERROR, "schematron.runtime", f"{what} failed on {node}: {why}",
                hint="the rule's XPath fails on this document; guard it (e.g. with an if or a type test)",
                source="schematron"))
            continue
        text = result.find(_q(SVRL, "text"))
        message = " ".join("".join(text.itertext()).split()) if text is not None else ""
        if not message:
            message = (f"assertion failed: {result.get('test')}" if etree.QName(result).localname
                       == "failed-assert" else f"report: {result.get('test')}")
        hints = [" ".join("".join(t.itertext()).split())
                 for t in result.iterfind(f"{{{SVRL}}}diagnostic-reference/{{{SVRL}}}text")]
        found.append(Diagnostic(
            shown, line, column, severity_of(result.get("role"), result.get("flag")),
            result.get("id") or "schematron", message, hint="; ".join(h for h in hints if h),
            source="schematron",
        ))
    for index, more in repeats.values():
        if more:
            found[index] = replace(found[index], message=f"{found[index].message} (and on {more} more "
                                                         f"node{'s' if more > 1 else ''} after this one)")
    return found


def check(doc: Document, path: Path, phase: str = "#DEFAULT", locator: Locator | None = None,
          node=None, root: Path | None = None) -> tuple[list[Diagnostic], str]:
    """Validate a document against Schematron rules: (diagnostics, SVRL text)."""
    compiled = compile_rules(path, phase)
    try:
        svrl = run_svrl(compiled, doc, node, root)
    except DocumentError as exc:
        return [exc.diagnostic] if exc.diagnostic else [], ""
    return svrl_diagnostics(svrl, doc, locator, compiled.path, root, compiled), svrl
