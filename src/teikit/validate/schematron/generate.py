"""Code generation: an assembled Schematron schema becomes an XSLT 3.0 stylesheet (as a tree).

One mode per active pattern, one template per rule with descending priorities (so the
first matching rule of a pattern wins, as the standard requires), asserts and reports
as `xsl:if` producing SVRL, `sch:let` as variables. Every SVRL `@location` is a fully
qualified positional path (/Q{ns}TEI[1]/Q{ns}text[1]/...), which
`teikit.validate.locate` evaluates on the lxml tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from teikit import sandbox
from teikit.validate.schematron.common import (
    SCH,
    SVRL,
    TKV,
    XS,
    XSL,
    _fail,
    _q,
    message_pieces,
    without_predicates,
)
from teikit.validate.schematron.read import _copy_with_lines


def _xsl(parent: etree._Element | None, local: str, **attrs: str) -> etree._Element:
    if parent is None:
        return etree.Element(_q(XSL, local), attrs)
    return etree.SubElement(parent, _q(XSL, local), attrs)


def _traversal(contexts: list[str]) -> str:
    """What a pattern's traversal must visit: attributes and text nodes only if a rule can match them."""
    stripped = " ".join(without_predicates(c) for c in contexts)
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
    text: str = field(repr=False, default="")  # the stylesheet as compiled (one element per line)
    _origins: dict[int, tuple[str, str, str, str]] | None = field(repr=False, default=None)

    def origin(self, line: int, rule_line: str) -> tuple[str, str, str] | None:
        """(schema line, element name, file) of the check a line of the compiled text comes from,
        if that line lies in the template of the rule at `rule_line` (else the error arose elsewhere,
        in a global variable or a function, and only the rule is known)."""
        if self._origins is None:
            self._origins = {}
            for element in etree.fromstring(self.text.encode("utf-8")).iter(etree.Element):
                src = element.get(_q(TKV, "src"))
                if src and element.sourceline:
                    number, tag, _attr = [*src.split(" "), "", ""][:3]
                    template = next((a for a in element.iterancestors(_q(XSL, "template"))), element)
                    owner = (template.get(_q(TKV, "src")) or "").split(" ")[0]
                    file = element.get(_q(TKV, "file")) or ""
                    self._origins[element.sourceline] = (number, tag, file, owner)
        for candidate in range(line, 0, -1):
            found = self._origins.get(candidate)
            if found is not None:
                return found[:3] if found[3] == rule_line else None
        return None


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ERR = "http://www.w3.org/2005/xqt-errors"
# A document's URI (documents teikit hands to Saxon keep their virtual URI as base URI).
DOCUMENT_URI = "string((document-uri({0}), base-uri({0}))[1])"


def literal(value: str) -> str:
    """A schema value as a literal result attribute: braces doubled, so it is not an AVT."""
    return value.replace("{", "{{").replace("}", "}}")


def language(element: etree._Element) -> str | None:
    """The xml:lang in scope for a schema element (its own, else the nearest ancestor's)."""
    for node in (element, *element.iterancestors()):
        if node.get(XML_LANG) is not None:
            return node.get(XML_LANG)
    return None


def copy_attributes(target: etree._Element, source: etree._Element, names: tuple[str, ...],
                    lang: bool = True) -> None:
    """Copy a schema element's attributes into an SVRL element as literals, with the
    xml:lang in scope when `lang` (the SVRL carries the language of every message)."""
    for name in names:
        if source.get(name):
            target.set(name, literal(source.get(name)))
    if lang and (value := language(source)) is not None:
        target.set(XML_LANG, value)


def _src(generated: etree._Element, source: etree._Element, path: Path | None,
         attribute: str = "") -> etree._Element:
    """Mark a generated XSLT element with the schema element (and attribute) it comes from, for errors.

    Only the line, the element's name and the attribute are kept (cheap: thousands of these for a
    large schema); `run` turns them into FILE:LINE:COLUMN and the expression when an error needs it.
    """
    if path is not None and source.sourceline:
        generated.set(_q(TKV, "src"), f"{source.sourceline} {etree.QName(source).localname} {attribute}")
        if source.get(_q(TKV, "file")):
            generated.set(_q(TKV, "file"), source.get(_q(TKV, "file")))
    return generated


def _message_content(target: etree._Element, source: etree._Element,
                     path: Path | None = None) -> etree._Element:
    """Copy assert/report/diagnostic/property content into XSLT that writes svrl:text.

    Literal text goes into xsl:text with runs of whitespace collapsed and the ends
    trimmed (as in the schema's layout, whitespace there is not content); sch:value-of
    and sch:name are evaluated; xsl:copy-of and xsl:value-of are executed; other markup
    gives its text.
    """
    text = etree.SubElement(target, _q(SVRL, "text"))
    copy_attributes(text, source, ("see", "icon", "fpi"))
    pieces: list[tuple[str, object]] = []
    for kind, part in message_pieces(source):
        if kind == "text":
            pieces.append((kind, part))
        elif kind == "value-of":
            value_of = _xsl(None, "value-of", select=part.get("select", "."), separator=" ")
            pieces.append(("xsl", _src(value_of, part, path, "select")))
        elif kind == "name":
            select = f"({part.get('path')})" if part.get("path") else "name()"
            pieces.append(("xsl", _src(_xsl(None, "value-of", select=select), part, path, "path")))
        else:
            pieces.append(("xsl", _src(_copy_with_lines(part), part, path, "select")))
    for index, (kind, value) in enumerate(pieces):
        if kind == "xsl":
            value.tail = None
            text.append(value)
            continue
        chunk = re.sub(r"\s+", " ", value)
        if index == 0:
            chunk = chunk.lstrip()
        if index == len(pieces) - 1:
            chunk = chunk.rstrip()
        if chunk:
            _xsl(text, "text").text = chunk
    return text


def _let(parent: etree._Element, let: etree._Element, top: bool, path: Path) -> None:
    """sch:let as xsl:variable: @value is evaluated; element content is the value itself, never run."""
    name = let.get("name")
    if not name:
        raise _fail(let, path, "sch:let without @name")
    var = _xsl(parent, "variable", name=name)
    _src(var, let, path, "value")
    if let.get("as"):  # the 2025 revision's declared type
        var.set("as", let.get("as"))
    if let.get("value") is not None:
        if len(let) or (let.text or "").strip():
            raise _fail(let, path, f"sch:let {name!r} has both @value and content", "keep one of them")
        var.set("select", let.get("value"))
        return
    wrapper = etree.Element("wrap", nsmap={k: v for k, v in let.nsmap.items() if k})
    wrapper.text = let.text
    for child in let:
        wrapper.append(_copy_with_lines(child))
    etree.strip_attributes(wrapper, _q(TKV, "file"))  # teikit's mark of included elements is no content
    content = etree.tostring(wrapper, encoding="unicode")
    var.set("select", "parse-xml-fragment('" + content.replace("'", "''") + "')/*/node()")


# XSLT declarations a schema may hold (ISO 19757-3 Annex: the xslt query language bindings).
TOP_LEVEL_XSLT = frozenset(_q(XSL, n) for n in ("function", "key", "accumulator", "character-map",
                                                 "decimal-format", "import-schema", "mode"))


def generate(schema: etree._Element, path: Path,
             phase: str = "#DEFAULT") -> tuple[etree._Element, int, int]:
    """The validating XSLT 3.0 stylesheet for an assembled schema, as a tree.

    Returns (stylesheet, number of active patterns, number of rules).
    """
    nsmap = {"xsl": XSL, "svrl": SVRL, "xs": XS, "tkv": TKV, "tks": sandbox.TKS}
    declared: dict[str, str] = {}
    for ns in schema.iter(_q(SCH, "ns")):
        prefix, uri = ns.get("prefix"), ns.get("uri")
        if not prefix or uri is None:
            raise _fail(ns, path, "sch:ns needs @prefix and @uri")
        if prefix in ("xsl", "svrl", "tkv", "tks") and uri != nsmap[prefix]:
            raise _fail(ns, path, f"the prefix {prefix!r} is reserved", "choose another prefix")
        if prefix in declared and declared[prefix] != uri:
            raise _fail(ns, path, f"the prefix {prefix!r} is bound to {declared[prefix]!r} already",
                        "one prefix, one namespace")
        declared[prefix] = uri
    nsmap.update(declared)
    sheet = etree.Element(_q(XSL, "stylesheet"), nsmap=nsmap, version="3.0")
    sheet.set("exclude-result-prefixes", " ".join(p for p in nsmap if p != "svrl"))
    _xsl(sheet, "output", method="xml", indent="no", encoding="UTF-8")

    # Foreign XSLT in the schema: functions and keys the rules call.
    for child in schema:
        if isinstance(child.tag, str) and child.tag in TOP_LEVEL_XSLT:
            sheet.append(_src(_copy_with_lines(child), child, path))
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
    func.set("as", f"Q{{{XS}}}string")
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

    _error_function(sheet)
    root_template = _xsl(sheet, "template", match="/")
    output = etree.SubElement(root_template, _q(SVRL, "schematron-output"))
    output.set("phase", literal(chosen))
    copy_attributes(output, schema, ("schemaVersion", "title"), lang=False)
    title = schema.find(_q(SCH, "title"))
    if title is not None and not output.get("title"):
        output.set("title", literal(" ".join("".join(title.itertext()).split())))
    for prefix, uri in declared.items():
        etree.SubElement(output, _q(SVRL, "ns-prefix-in-attribute-values"), prefix=prefix, uri=literal(uri))
    start = "/"
    if active_phase is not None and active_phase.get("from"):
        start = f"outermost(/descendant-or-self::node()/({active_phase.get('from')}))"

    rule_count = 0
    for index, pattern in enumerate(patterns, start=1):
        mode = f"tkv:p{index}"
        targets = start
        if pattern.get("documents"):
            documents = _xsl(root_template, "variable", name=f"tkv:d{index}", select=(
                f"for $u in ({pattern.get('documents')}) return tks:doc(string(resolve-uri(string($u), "
                "string(base-uri(if ($u instance of node()) then $u else /)))))"))
            output.addprevious(_src(documents, pattern, path, "documents"))
            targets = f"$tkv:d{index}"
        active = etree.SubElement(output, _q(SVRL, "active-pattern"))
        copy_attributes(active, pattern, ("id", "name", "role"))
        _xsl(active, "attribute", name="documents",
             select=f"string-join(for $d in {targets if pattern.get('documents') else '(/)'} "
                    "return " + DOCUMENT_URI.format("$d") + ", ' ')")
        _guarded(output, _xsl(None, "apply-templates", select=targets, mode=mode), "pattern", pattern)
        rules = [r for r in pattern.iterchildren(_q(SCH, "rule")) if r.get("abstract") != "true"]
        contexts = []
        templates = []
        for position, rule in enumerate(rules):
            context = rule.get("context")
            if not context:
                raise _fail(rule, path, "sch:rule without @context")
            contexts.append(context)
            rule_count += 1
            template = _src(_xsl(sheet, "template", match=context, mode=mode,
                                 priority=str(len(rules) - position + 1)), rule, path, "context")
            templates.append(template)
            fired = etree.SubElement(template, _q(SVRL, "fired-rule"), context=literal(context))
            copy_attributes(fired, rule, ("id", "role", "flag", "see", "icon", "fpi"))
            _xsl(fired, "attribute", name="document", select=DOCUMENT_URI.format("root()"))
            body = _xsl(None, "sequence", select="()")  # a holder; its children go into a try
            names: dict[str, etree._Element] = {}
            for let in rule.iterchildren(_q(SCH, "let")):
                if let.get("name") in names:
                    raise _fail(let, path, f"variable ${let.get('name')} is defined twice in this rule "
                                f"(also at line {names[let.get('name')].sourceline})", "rename one of them")
                names[let.get("name", "")] = let
                _let(body, let, False, path)
            checks = body
            if rule.get("visit-each"):
                _xsl(body, "variable", name="tkv:context", select=".")
                checks = _src(_xsl(body, "for-each", select=rule.get("visit-each")), rule, path,
                              "visit-each")
            for check in rule:
                if check.tag in (_q(SCH, "assert"), _q(SCH, "report")):
                    _check(checks, check, rule, pattern, diagnostics, properties, path,
                           visiting=bool(rule.get("visit-each")))
            _guarded(template, list(body), "rule", rule)
            _xsl(template, "apply-templates", select="", mode=mode)
        walker = _xsl(sheet, "template", match="/|@*|node()", mode=mode, priority="-10")
        traversal = _traversal(contexts)
        _xsl(walker, "apply-templates", select=traversal, mode=mode)
        for template in templates:
            for apply in template.iterchildren(_q(XSL, "apply-templates")):
                if not apply.get("select"):
                    apply.set("select", traversal)
    for element in sheet.iter(etree.Element):  # marks of included elements stay off literal results
        if element.get(_q(TKV, "file")) is not None and etree.QName(element).namespace != XSL:
            del element.attrib[_q(TKV, "file")]
    return sheet, len(patterns), rule_count


def _guarded(parent: etree._Element, content, kind: str, element: etree._Element) -> None:
    """`content` inside xsl:try: a dynamic error becomes a tkv:runtime-error record at the node,
    naming the schema element (by line), and validation goes on (see `_error_function`)."""
    attempt = _xsl(parent, "try")
    for node in content if isinstance(content, list) else [content]:
        attempt.append(node)
    caught = _xsl(attempt, "catch", errors="*")
    file = element.get(_q(TKV, "file")) or ""
    _xsl(caught, "sequence", select=(
        f"tkv:error('{kind}', {element.sourceline or 0}, '{file.replace(chr(39), chr(39) * 2)}', "
        f"$Q{{{ERR}}}code, $Q{{{ERR}}}description, $Q{{{ERR}}}line-number, .)"))


def _error_function(sheet: etree._Element) -> None:
    """tkv:error: the record of a caught error; a file request of the sandbox (tks:need) is raised
    again instead, so that teikit can read the file and run again. One function for all rules
    keeps the stylesheet small (a large schema has hundreds of rules)."""
    func = _xsl(sheet, "function", name="tkv:error")
    for name in ("kind", "line", "file", "code", "description", "at", "node"):
        _xsl(func, "param", name=name)
    choose = _xsl(func, "choose")
    when = _xsl(choose, "when", test=f"namespace-uri-from-QName($code) = '{sandbox.TKS}' "
                                     "and local-name-from-QName($code) = 'need'")
    _xsl(when, "sequence", select="error($code, $description)")
    otherwise = _xsl(choose, "otherwise")
    record = etree.SubElement(otherwise, _q(TKV, "runtime-error"))
    for attr, select in (("kind", "$kind"), ("line", "$line"), ("file", "$file"), ("at", "$at"),
                         ("code", "string(local-name-from-QName($code))"),
                         ("description", "string($description)"),
                         ("location", "if ($node instance of node()) then tkv:path($node) else ''"),
                         ("document", "if ($node instance of node()) then "
                          + DOCUMENT_URI.format("root($node)") + " else ''")):
        _xsl(record, "attribute", name=attr, select=select)


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
           diagnostics: dict, properties: dict, path: Path, visiting: bool = False) -> None:
    test = check.get("test")
    if not test:
        raise _fail(check, path, f"sch:{etree.QName(check).localname} without @test")
    is_assert = check.tag == _q(SCH, "assert")
    condition = _src(_xsl(None, "if", test=f"not({test})" if is_assert else test), check, path, "test")
    template.append(condition)
    kind = "failed-assert" if is_assert else "successful-report"
    result = etree.SubElement(condition, _q(SVRL, kind), test=literal(test))
    rule_id = check.get("id") or rule.get("id") or pattern.get("id") or ""
    if rule_id:
        result.set("id", literal(rule_id))
    role = check.get("role") or rule.get("role") or pattern.get("role")
    flag = check.get("flag") or rule.get("flag")
    if role:
        result.set("role", literal(role))
    if flag:
        result.set("flag", literal(flag))
    copy_attributes(result, check, ("see", "icon", "fpi"))
    subject = check.get("subject") or rule.get("subject")
    here = "(if (. instance of node()) then . else $tkv:context)" if visiting else "."
    location = _src(_xsl(result, "attribute", name="location"), check if check.get("subject") else rule, path,
                    "subject" if subject else "")
    location.set("select", f"tkv:path((({subject})[1], {here})[1])" if subject else f"tkv:path({here})")
    result.set(_q(TKV, "line"), str(check.sourceline or 0))  # where the check is, in the .sch
    _xsl(result, "attribute", name="tkv:document", select=DOCUMENT_URI.format(f"root({here})"))
    _message_content(result, check, path)
    for ref, diag in _references(check, "diagnostics", diagnostics, path):
        holder = etree.SubElement(result, _q(SVRL, "diagnostic-reference"), diagnostic=literal(diag.get(
            _q(TKV, "id")) or ref))
        _message_content(holder, diag, path)
    for ref, prop in _references(check, "properties", properties, path):
        holder = etree.SubElement(result, _q(SVRL, "property-reference"), property=literal(prop.get(
            _q(TKV, "id")) or ref))
        copy_attributes(holder, prop, ("role", "scheme"), lang=False)
        _message_content(holder, prop, path)
