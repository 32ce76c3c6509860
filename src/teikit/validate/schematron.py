"""ISO Schematron on Saxon: compile a .sch once into XSLT 3.0, run it per document, read its SVRL.

Why a compiler of our own: TEI rules (and most projects' rules) use XPath 2+, which
only an XSLT 2/3 processor evaluates; lxml's built-in ISO Schematron is XPath 1.0.
The compilation is done in Python on lxml trees (never by pasting strings of markup):

1. `assemble` reads the schema with teikit's safe parser and resolves `sch:include` and
   `sch:extends/@href` (only files inside the schema's directory), abstract rules
   (`sch:extends/@rule`) and abstract patterns (`@is-a` with `sch:param` substitution);
2. `generate` writes an XSLT 3.0 stylesheet: one mode per active pattern, one template per
   rule with descending priorities (so the first matching rule of a pattern wins, as the
   standard requires), asserts and reports as `xsl:if` producing SVRL, `sch:let` as variables;
3. the stylesheet is compiled once per process with teikit's single Saxon processor.

Every SVRL `@location` is a fully qualified positional path (/Q{ns}TEI[1]/Q{ns}text[1]/...),
which `teikit.validate.locate` evaluates on the lxml tree to report line and column.
Assert and report messages become `Diagnostic`s whose rule id is the assert's @id, else the
rule's, else the pattern's; @role/@flag give the severity (error by default).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import DocumentError, TeikitError
from teikit.load import Document, display_path, load, make_parser
from teikit.validate.locate import Locator, resolve_location

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


def _fail(element: etree._Element | None, path: Path, message: str, hint: str = "") -> SchematronError:
    where = display_path(path)
    if element is not None and element.sourceline:
        where += f":{element.sourceline}"
    return SchematronError(f"{where}: {message}", hint=hint)


def severity_of(role: str | None, flag: str | None = None) -> Severity:
    """@role (or, failing that, @flag) to a severity; anything unknown is an error."""
    for value in (role, flag):
        if value:
            found = _ROLE_SEVERITY.get(value.strip().lower())
            if found is not None:
                return found
    return Severity.ERROR


# --------------------------------------------------------------------------- assembling

def _parse(path: Path) -> etree._Element:
    try:
        doc = load(path, require_tei=False, project_root=path.parent)
    except DocumentError as exc:
        raise SchematronError(exc.message, hint="fix the Schematron file") from None
    return doc.root


def _inside(base_dir: Path, href: str, including: Path, element: etree._Element,
            root_dir: Path) -> tuple[Path, str]:
    url = urlparse(href)
    if url.scheme not in ("", "file") or url.netloc:
        raise _fail(element, including, f"refusing to read {href!r}: only local files are included",
                    "copy the file next to the schema")
    target = (base_dir / unquote(url.path)).resolve()
    if not target.is_relative_to(root_dir):
        raise _fail(element, including, f"refusing to include {href!r}: it lies outside {root_dir}",
                    "included files must live in the schema's directory (or below it)")
    return target, url.fragment


def _resolve_includes(element: etree._Element, path: Path, root_dir: Path, seen: tuple[Path, ...]) -> None:
    """Replace sch:include by the referenced element, and merge sch:extends/@href schemas, in place."""
    for node in list(element.iter(_q(SCH, "include"), _q(SCH, "extends"))):
        href = node.get("href")
        if href is None:
            continue  # sch:extends/@rule: an abstract rule, handled later
        target, fragment = _inside(path.parent, href, path, node, root_dir)
        if target in seen:
            raise _fail(node, path, f"{href!r} includes itself", "remove the include cycle")
        if not target.is_file():
            raise _fail(node, path, f"included file {href!r} not found", "check the href")
        included = _parse(target)
        _resolve_includes(included, target, root_dir, (*seen, target))
        if fragment:
            matches = included.xpath("//*[@id = $f or @xml:id = $f]", f=fragment)
            if not matches:
                raise _fail(node, path, f"{href!r}: no element with id {fragment!r}")
            included = matches[0]
        parent = node.getparent()
        index = parent.index(node)
        parent.remove(node)
        if node.tag == _q(SCH, "extends"):
            # The referenced schema's content is merged into this one.
            for offset, child in enumerate(c for c in included if isinstance(c.tag, str)):
                parent.insert(index + offset, child)
        elif included.tag == _q(SCH, "schema"):
            # Including a whole schema where a pattern is expected: take its patterns.
            children = [c for c in included if isinstance(c.tag, str)]
            for offset, child in enumerate(children):
                parent.insert(index + offset, child)
        else:
            parent.insert(index, included)


def _substitute(text: str, params: dict[str, str]) -> str:
    if not params or "$" not in text:
        return text
    names = sorted(params, key=len, reverse=True)
    pattern = re.compile(r"\$(" + "|".join(re.escape(n) for n in names) + r")(?![\w.\-])")
    return pattern.sub(lambda m: params[m.group(1)], text)


def _instantiate_patterns(schema: etree._Element, path: Path) -> None:
    abstract = {p.get("id"): p for p in schema.iter(_q(SCH, "pattern")) if p.get("abstract") == "true"}
    for pattern in list(schema.iter(_q(SCH, "pattern"))):
        base_id = pattern.get("is-a")
        if base_id is None:
            continue
        base = abstract.get(base_id)
        if base is None:
            raise _fail(pattern, path, f"pattern is-a {base_id!r}, but no abstract pattern has that id",
                        f"known abstract patterns: {', '.join(sorted(abstract)) or 'none'}")
        params = {p.get("name", ""): p.get("value", "") for p in pattern.iter(_q(SCH, "param"))}
        instance = etree.Element(_q(SCH, "pattern"), nsmap=pattern.nsmap)
        for name, value in pattern.attrib.items():
            if name != "is-a":
                instance.set(name, value)
        instance.sourceline = pattern.sourceline
        for child in base:
            copy = _copy_with_lines(child)
            for node in copy.iter():
                if isinstance(node.tag, str):
                    for attr, value in node.attrib.items():
                        node.set(attr, _substitute(value, params))
            instance.append(copy)
        pattern.getparent().replace(pattern, instance)
    for pattern in abstract.values():
        if pattern.getparent() is not None:
            pattern.getparent().remove(pattern)


def _copy_with_lines(element: etree._Element) -> etree._Element:
    """deepcopy keeps sourceline in lxml; this helper documents that reliance in one place."""
    from copy import deepcopy

    return deepcopy(element)


def _expand_abstract_rules(schema: etree._Element, path: Path) -> None:
    abstract = {r.get("id"): r for r in schema.iter(_q(SCH, "rule")) if r.get("abstract") == "true"}

    def expand(rule: etree._Element, depth: int) -> None:
        for ext in list(rule.iterchildren(_q(SCH, "extends"))):
            target = abstract.get(ext.get("rule", ""))
            if target is None:
                raise _fail(ext, path, f"extends rule {ext.get('rule')!r}, but no abstract rule has that id",
                            f"known abstract rules: {', '.join(sorted(abstract)) or 'none'}")
            if depth > 32:
                raise _fail(ext, path, "abstract rules extend each other in a cycle")
            copy = _copy_with_lines(target)
            expand(copy, depth + 1)
            index = rule.index(ext)
            rule.remove(ext)
            for offset, child in enumerate(c for c in copy if isinstance(c.tag, str)):
                rule.insert(index + offset, child)

    for rule in list(schema.iter(_q(SCH, "rule"))):
        if rule.get("abstract") != "true":
            expand(rule, 0)
    for rule in abstract.values():
        rule.getparent().remove(rule)


def assemble(path: Path) -> etree._Element:
    """The schema with includes, abstract rules and abstract patterns resolved.

    A RELAX NG grammar with embedded Schematron (sch:pattern inside rng) is accepted too:
    its sch:ns, sch:let, sch:pattern and sch:phase elements form the schema.
    """
    path = Path(path).resolve()
    root = _parse(path)
    if root.tag != _q(SCH, "schema"):
        embedded = [e for e in root.iter(_q(SCH, "ns"), _q(SCH, "let"), _q(SCH, "pattern"),
                                         _q(SCH, "phase"), _q(SCH, "diagnostics"))
                    if e.getparent() is None or etree.QName(e.getparent()).namespace != SCH]
        if not embedded:
            raise _fail(root, path, f"<{etree.QName(root).localname}> is not an ISO Schematron schema",
                        f'the root element must be <schema xmlns="{SCH}">')
        schema = etree.Element(_q(SCH, "schema"), queryBinding="xslt2")
        for e in embedded:
            schema.append(_copy_with_lines(e))
        root = schema
    binding = (root.get("queryBinding") or "").strip().lower()
    if binding not in QUERY_BINDINGS:
        raise _fail(root, path, f"queryBinding {binding!r} is not supported",
                    "use queryBinding='xslt2' or 'xslt3' (XPath 2+ on Saxon)")
    _resolve_includes(root, path, path.parent, (path,))
    _expand_abstract_rules(root, path)
    _instantiate_patterns(root, path)
    return root


# --------------------------------------------------------------------------- generating XSLT

def _xsl(parent: etree._Element | None, local: str, **attrs: str) -> etree._Element:
    if parent is None:
        return etree.Element(_q(XSL, local), attrs)
    return etree.SubElement(parent, _q(XSL, local), attrs)


def _strip_predicates(expr: str) -> str:
    out, depth = [], 0
    for ch in expr:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _traversal(contexts: list[str]) -> str:
    """What a pattern's traversal must visit: attributes and text nodes only if a rule can match them."""
    stripped = " ".join(_strip_predicates(c) for c in contexts)
    attributes = "@" in stripped or "attribute" in stripped
    nodes = any(k in stripped for k in ("text()", "node()", "comment()", "processing-instruction"))
    child = "node()" if nodes else "*"
    return f"@*|{child}" if attributes else child


@dataclass
class Compiled:
    """A compiled rule set: the generated stylesheet (kept for debugging) and Saxon's executable."""

    path: Path
    phase: str
    stylesheet: etree._Element
    executable: object = field(repr=False, default=None)
    patterns: int = 0
    rules: int = 0


def _message_content(target: etree._Element, source: etree._Element) -> None:
    """Copy assert/report/diagnostic content into XSLT that writes svrl:text.

    Literal text goes into xsl:text, so that whitespace between <name/> and <value-of/>
    survives (whitespace-only text in a stylesheet is otherwise stripped).
    """
    text = etree.SubElement(target, _q(SVRL, "text"))

    def add_text(value: str | None) -> None:
        if value:
            _xsl(text, "text").text = value

    add_text(source.text)
    for child in source:
        if not isinstance(child.tag, str):
            add_text(child.tail)
            continue
        local = etree.QName(child).localname
        if etree.QName(child).namespace == SCH and local == "value-of":
            _xsl(text, "value-of", select=child.get("select", "."), separator=" ")
        elif etree.QName(child).namespace == SCH and local == "name":
            _xsl(text, "value-of", select=f"name({child.get('path', '.')})")
        else:  # sch:emph, sch:dir, sch:span and foreign markup: their text
            add_text("".join(child.itertext()))
        add_text(child.tail)


def _let(parent: etree._Element, let: etree._Element, top: bool, path: Path) -> None:
    name = let.get("name")
    if not name:
        raise _fail(let, path, "sch:let without @name")
    var = _xsl(parent, "variable", name=name)
    if let.get("value") is not None:
        var.set("select", let.get("value"))
    else:
        for child in let:
            var.append(_copy_with_lines(child))
        var.text = let.text


def generate(schema: etree._Element, path: Path,
             phase: str = "#DEFAULT") -> tuple[etree._Element, int, int]:
    """The validating XSLT 3.0 stylesheet for an assembled schema, as a tree.

    Returns (stylesheet, number of active patterns, number of rules).
    """
    nsmap = {"xsl": XSL, "svrl": SVRL, "xs": XS, "tkv": TKV}
    declared: dict[str, str] = {}
    for ns in schema.iter(_q(SCH, "ns")):
        prefix, uri = ns.get("prefix"), ns.get("uri")
        if not prefix or uri is None:
            raise _fail(ns, path, "sch:ns needs @prefix and @uri")
        if prefix in ("xsl", "svrl", "tkv") and uri != nsmap[prefix]:
            raise _fail(ns, path, f"the prefix {prefix!r} is reserved", "choose another prefix")
        declared[prefix] = uri
    nsmap.update(declared)
    sheet = etree.Element(_q(XSL, "stylesheet"), nsmap=nsmap, version="3.0")
    sheet.set("exclude-result-prefixes", " ".join(p for p in nsmap if p != "svrl"))
    _xsl(sheet, "output", method="xml", indent="no", encoding="UTF-8")

    # Foreign XSLT in the schema: functions and keys the rules call.
    for child in schema:
        if isinstance(child.tag, str) and child.tag in (_q(XSL, "function"), _q(XSL, "key")):
            sheet.append(_copy_with_lines(child))
        elif isinstance(child.tag, str) and child.tag in (_q(XSL, "include"), _q(XSL, "import")):
            raise _fail(child, path, f"xsl:{etree.QName(child).localname} in a Schematron schema is not "
                        "supported (teikit reads no stylesheet from elsewhere)",
                        "copy the xsl:function and xsl:key elements into the schema")

    # Phases.
    phases = {p.get("id"): p for p in schema.iter(_q(SCH, "phase"))}
    chosen = phase or "#DEFAULT"
    if chosen == "#DEFAULT":
        chosen = schema.get("defaultPhase") or "#ALL"
    patterns = [p for p in schema.iterchildren(_q(SCH, "pattern"))]
    active_phase = None
    if chosen != "#ALL":
        active_phase = phases.get(chosen)
        if active_phase is None:
            raise _fail(schema, path, f"no phase {chosen!r} in this schema",
                        f"phases: {', '.join(['#ALL', *sorted(phases)])}")
        wanted = [a.get("pattern") for a in active_phase.iter(_q(SCH, "active"))]
        by_id = {p.get("id"): p for p in patterns}
        missing = [w for w in wanted if w not in by_id]
        if missing:
            raise _fail(active_phase, path, f"phase {chosen!r} activates unknown pattern(s) {missing}")
        patterns = [by_id[w] for w in dict.fromkeys(wanted)]

    # Variables: schema level, then the phase's, then the active patterns' (evaluated on the document).
    lets = list(schema.iterchildren(_q(SCH, "let")))
    if active_phase is not None:
        lets += list(active_phase.iterchildren(_q(SCH, "let")))
    seen_names: dict[str, etree._Element] = {}
    for pattern in patterns:
        lets += list(pattern.iterchildren(_q(SCH, "let")))
    for let in lets:
        name = let.get("name", "")
        if name in seen_names:
            raise _fail(let, path, f"variable ${name} is defined twice (also at line "
                        f"{seen_names[name].sourceline})", "rename one of them")
        seen_names[name] = let
        _let(sheet, let, True, path)

    diagnostics = {d.get("id"): d for d in schema.iter(_q(SCH, "diagnostic"))}
    properties = {p.get("id"): p for p in schema.iter(_q(SCH, "property"))}

    # The path function: fully qualified positional paths, resolvable on the lxml tree.
    func = _xsl(sheet, "function", name="tkv:path")
    func.set("as", "xs:string")
    _xsl(func, "param", name="n").set("as", "node()")
    _xsl(func, "sequence", select=(
        "string-join(for $a in $n/ancestor-or-self::node() return "
        "if ($a instance of document-node()) then '' "
        "else if ($a instance of element()) then '/Q{' || namespace-uri($a) || '}' || local-name($a) "
        "|| '[' || (count($a/preceding-sibling::*[node-name(.) eq node-name($a)]) + 1) || ']' "
        "else if ($a instance of attribute()) then '/@' || (if (namespace-uri($a)) then "
        "'Q{' || namespace-uri($a) || '}' else '') || local-name($a) "
        "else if ($a instance of text()) then "
        "'/text()[' || (count($a/preceding-sibling::text()) + 1) || ']' "
        "else if ($a instance of comment()) then "
        "'/comment()[' || (count($a/preceding-sibling::comment()) + 1) || ']' "
        "else '/processing-instruction()[' "
        "|| (count($a/preceding-sibling::processing-instruction()) + 1) || ']', '')"
    ))

    root_template = _xsl(sheet, "template", match="/")
    output = etree.SubElement(root_template, _q(SVRL, "schematron-output"))
    output.set("phase", chosen)
    for attr in ("schemaVersion", "title"):
        if schema.get(attr):
            output.set(attr, schema.get(attr))
    title = schema.find(_q(SCH, "title"))
    if title is not None and not output.get("title"):
        output.set("title", " ".join("".join(title.itertext()).split()))
    for prefix, uri in declared.items():
        etree.SubElement(output, _q(SVRL, "ns-prefix-in-attribute-values"), prefix=prefix, uri=uri)

    rule_count = 0
    for index, pattern in enumerate(patterns, start=1):
        mode = f"tkv:p{index}"
        active = etree.SubElement(output, _q(SVRL, "active-pattern"))
        for attr in ("id", "name", "role"):
            if pattern.get(attr):
                active.set(attr, pattern.get(attr))
        _xsl(output, "apply-templates", select="/", mode=mode)
        rules = [r for r in pattern.iterchildren(_q(SCH, "rule")) if r.get("abstract") != "true"]
        contexts = []
        for position, rule in enumerate(rules):
            context = rule.get("context")
            if not context:
                raise _fail(rule, path, "sch:rule without @context")
            contexts.append(context)
            rule_count += 1
            template = _xsl(sheet, "template", match=context, mode=mode,
                            priority=str(len(rules) - position + 1))
            fired = etree.SubElement(template, _q(SVRL, "fired-rule"), context=context)
            for attr in ("id", "role", "flag"):
                if rule.get(attr):
                    fired.set(attr, rule.get(attr))
            for let in rule.iterchildren(_q(SCH, "let")):
                _let(template, let, False, path)
            for check in rule:
                if check.tag not in (_q(SCH, "assert"), _q(SCH, "report")):
                    continue
                _check(template, check, rule, pattern, diagnostics, properties, path)
            _xsl(template, "apply-templates", select="", mode=mode)
        walker = _xsl(sheet, "template", match="/|@*|node()", mode=mode, priority="-10")
        traversal = _traversal(contexts)
        _xsl(walker, "apply-templates", select=traversal, mode=mode)
        for template in sheet.iterchildren(_q(XSL, "template")):
            if template.get("mode") == mode:
                for apply in template.iterchildren(_q(XSL, "apply-templates")):
                    if not apply.get("select"):
                        apply.set("select", traversal)
    return sheet, len(patterns), rule_count


def _references(check: etree._Element, attribute: str, defined: dict[str, etree._Element],
                path: Path) -> list[tuple[str, etree._Element]]:
    """The (id, element) pairs a check names in @diagnostics or @properties; an unknown id is an error."""
    kind = {"diagnostics": "diagnostic", "properties": "property"}[attribute]
    found = []
    for ref in (check.get(attribute) or "").split():
        if ref not in defined:
            raise _fail(check, path, f"unknown {kind} {ref!r}", f"define it in sch:{attribute}")
        found.append((ref, defined[ref]))
    return found


def _check(template: etree._Element, check: etree._Element, rule: etree._Element, pattern: etree._Element,
           diagnostics: dict, properties: dict, path: Path) -> None:
    test = check.get("test")
    if not test:
        raise _fail(check, path, f"sch:{etree.QName(check).localname} without @test")
    is_assert = check.tag == _q(SCH, "assert")
    condition = _xsl(template, "if", test=f"not({test})" if is_assert else test)
    kind = "failed-assert" if is_assert else "successful-report"
    result = etree.SubElement(condition, _q(SVRL, kind), test=test)
    rule_id = check.get("id") or rule.get("id") or pattern.get("id") or ""
    if rule_id:
        result.set("id", rule_id)
    role = check.get("role") or rule.get("role") or pattern.get("role")
    flag = check.get("flag") or rule.get("flag")
    if role:
        result.set("role", role)
    if flag:
        result.set("flag", flag)
    subject = check.get("subject") or rule.get("subject")
    location = _xsl(result, "attribute", name="location")
    location.set("select", f"tkv:path((({subject})[1], .)[1])" if subject else "tkv:path(.)")
    result.set(_q(TKV, "line"), str(check.sourceline or 0))  # where the check is, in the .sch
    _message_content(result, check)
    for ref, diag in _references(check, "diagnostics", diagnostics, path):
        holder = etree.SubElement(result, _q(SVRL, "diagnostic-reference"), diagnostic=ref)
        _message_content(holder, diag)
    for ref, prop in _references(check, "properties", properties, path):
        holder = etree.SubElement(result, _q(SVRL, "property-reference"), property=ref)
        for attr in ("role", "scheme"):
            if prop.get(attr):
                holder.set(attr, prop.get(attr))
        _message_content(holder, prop)


# --------------------------------------------------------------------------- compiling and running

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
        sheet, patterns, rules = generate(schema, path, phase)
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


def run_svrl(compiled: Compiled, doc: Document, node=None) -> str:
    """Run compiled rules on a document; the SVRL report as a string."""
    from saxonche import PySaxonApiError

    from teikit.transform import _lock as saxon_lock
    from teikit.transform import to_xdm

    with saxon_lock:
        try:
            return compiled.executable.transform_to_string(xdm_node=node or to_xdm(doc)) or ""
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
          node=None) -> tuple[list[Diagnostic], str]:
    """Validate a document against Schematron rules: (diagnostics, SVRL text)."""
    compiled = compile_rules(path, phase)
    try:
        svrl = run_svrl(compiled, doc, node)
    except DocumentError as exc:
        return [exc.diagnostic] if exc.diagnostic else [], ""
    return svrl_diagnostics(svrl, doc, locator, compiled.path), svrl
