"""Reading a Schematron schema: the safe parse, includes, abstract rules and abstract patterns.

`assemble` returns one sch:schema tree in which nothing is left to resolve, so that
code generation (`generate.py`) sees only concrete patterns and rules. Files are read
with teikit's safe parser, and only inside the schema's own directory.
"""

from __future__ import annotations

import re
from copy import deepcopy
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from teikit.errors import DocumentError
from teikit.load import load
from teikit.validate.schematron.common import QUERY_BINDINGS, SCH, TKV, SchematronError, _fail, _q

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


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


EXPRESSIONS = ("context", "test", "select", "value", "path", "subject", "documents", "visit-each")


def _rename_prefixes(tree: etree._Element, renames: dict[str, str]) -> None:
    """Rename namespace prefixes in the XPath attributes of a schema fragment (outside string literals)."""
    from teikit.sandbox import _mask

    pattern = re.compile(r"(?<![\w.\-])(" + "|".join(re.escape(p) for p in renames) + r"):(?=[\w*])")
    for node in tree.iter(etree.Element):
        for attr in EXPRESSIONS:
            value = node.get(attr)
            if not value:
                continue
            masked = _mask(value)
            out, last = [], 0
            for match in pattern.finditer(masked):
                out += [value[last:match.start()], renames[match.group(1)] + ":"]
                last = match.end()
            node.set(attr, "".join(out) + value[last:])


def _within(ns: etree._Element, included: etree._Element, fragment: str) -> bool:
    """Whether an sch:ns is part of the fragment being included anyway."""
    if not fragment:
        return True
    return any(a.get("id") == fragment or a.get("{http://www.w3.org/XML/1998/namespace}id") == fragment
               for a in (ns, *ns.iterancestors()))


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
        for inner in included.iter(etree.Element):  # errors name the file an element comes from
            if inner.get(_q(TKV, "file")) is None:
                inner.set(_q(TKV, "file"), str(target))
        _resolve_includes(included, target, root_dir, (*seen, target))
        # The included document's namespace bindings come along with any part of it; a prefix the
        # including schema binds otherwise is renamed in the included expressions.
        top = element.getroottree().getroot()
        bound = {n.get("prefix"): n.get("uri") for n in top.iter(_q(SCH, "ns"))}
        renames: dict[str, str] = {}
        for ns in included.iter(_q(SCH, "ns")):
            prefix, uri = ns.get("prefix"), ns.get("uri")
            if prefix in bound and bound[prefix] != uri:
                fresh = f"{prefix}_{len(bound) + 1}"
                renames[prefix] = fresh
                bound[fresh] = uri
                top.append(etree.Element(_q(SCH, "ns"), prefix=fresh, uri=uri or ""))
            elif not _within(ns, included, fragment):
                bound[prefix] = uri
                top.append(_copy_with_lines(ns))
        if renames:
            _rename_prefixes(included, renames)
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
    """Replace each `pattern is-a` by a copy of its abstract pattern with the parameters substituted.

    The parameters are the abstract pattern's own `sch:param` defaults overridden by the
    instance's; they are replaced in every attribute of the copy, and of copies of the
    diagnostics and properties its checks name (so that each instance has its own).
    The abstract pattern's attributes (documents, xml:lang …) carry over unless the instance
    sets them.
    """
    abstract = {p.get("id"): p for p in schema.iter(_q(SCH, "pattern")) if p.get("abstract") == "true"}
    defined = {e.get("id"): e for e in schema.iter(_q(SCH, "diagnostic"), _q(SCH, "property"))}
    copies = etree.SubElement(schema, _q(SCH, "diagnostics"))
    for number, pattern in enumerate(list(schema.iter(_q(SCH, "pattern"))), start=1):
        base_id = pattern.get("is-a")
        if base_id is None:
            continue
        base = abstract.get(base_id)
        if base is None:
            raise _fail(pattern, path, f"pattern is-a {base_id!r}, but no abstract pattern has that id",
                        f"known abstract patterns: {', '.join(sorted(abstract)) or 'none'}")
        params = {p.get("name", ""): p.get("value", "") for p in base.iterchildren(_q(SCH, "param"))}
        params.update({p.get("name", ""): p.get("value", "") for p in pattern.iterchildren(_q(SCH, "param"))})
        missing = [p.get("name") for p in base.iterchildren(_q(SCH, "param")) if p.get("value") is None
                   and p.get("name") not in {q.get("name") for q in pattern.iterchildren(_q(SCH, "param"))}]
        if missing:
            raise _fail(pattern, path, f"pattern is-a {base_id!r} gives no value for parameter(s) {missing}",
                        "add <param name=… value=…/> for each")
        instance = etree.Element(_q(SCH, "pattern"), nsmap=pattern.nsmap)
        for name, value in base.attrib.items():
            if name not in ("abstract", "id"):
                instance.set(name, _substitute(value, params))
        for name, value in pattern.attrib.items():
            if name != "is-a":
                instance.set(name, value)
        instance.sourceline = pattern.sourceline
        renamed: dict[str, str] = {}
        for child in base:
            if not isinstance(child.tag, str) or child.tag == _q(SCH, "param"):
                continue
            copy = _copy_with_lines(child)
            for node in copy.iter(etree.Element):
                for attr, value in node.attrib.items():
                    node.set(attr, _substitute(value, params))
                for attr in ("diagnostics", "properties"):
                    if node.get(attr):
                        node.set(attr, " ".join(renamed.setdefault(ref, f"{ref}.{number}")
                                                if ref in defined else ref for ref in node.get(attr).split()))
            instance.append(copy)
        for ref, new_id in renamed.items():
            duplicate = _copy_with_lines(defined[ref])
            for node in duplicate.iter(etree.Element):
                for attr, value in node.attrib.items():
                    node.set(attr, _substitute(value, params))
            duplicate.set("id", new_id)
            duplicate.set(_q(TKV, "id"), ref)  # the id SVRL reports
            lang = _language(defined[ref])
            if lang is not None and duplicate.get(XML_LANG) is None:
                duplicate.set(XML_LANG, lang)
            copies.append(duplicate)
        pattern.getparent().replace(pattern, instance)
    for pattern in abstract.values():
        if pattern.getparent() is not None:
            pattern.getparent().remove(pattern)


def _language(element: etree._Element) -> str | None:
    for node in (element, *element.iterancestors()):
        if node.get(XML_LANG) is not None:
            return node.get(XML_LANG)
    return None


def _copy_with_lines(element: etree._Element) -> etree._Element:
    """deepcopy keeps sourceline in lxml; this helper documents that reliance in one place."""
    return deepcopy(element)


def _expand_abstract_rules(schema: etree._Element, path: Path) -> None:
    """Replace each `sch:extends/@rule` by the abstract rule's content.

    An abstract rule is visible in its own pattern, or everywhere when it stands in a
    schema-level `sch:rules`; extending one that another pattern defines is an error. The
    abstract rule's xml:lang carries over to the checks it brings.
    """
    def pattern_of(element: etree._Element) -> etree._Element | None:
        for node in element.iterancestors(_q(SCH, "pattern")):
            return node
        return None

    abstract = [r for r in schema.iter(_q(SCH, "rule")) if r.get("abstract") == "true"]

    def find(ext: etree._Element) -> etree._Element:
        name = ext.get("rule", "")
        scope = pattern_of(ext)
        candidates = [r for r in abstract if r.get("id") == name]
        for rule in candidates:
            owner = pattern_of(rule)
            if owner is None or owner is scope or scope is None:
                return rule
        if candidates:
            raise _fail(ext, path, f"extends rule {name!r}, which another pattern defines",
                        "an abstract rule is visible only in its own pattern; move it into sch:rules "
                        "to share it")
        known = ", ".join(sorted({r.get("id") or "" for r in abstract})) or "none"
        raise _fail(ext, path, f"extends rule {name!r}, but no abstract rule has that id",
                    f"known abstract rules: {known}")

    def expand(rule: etree._Element, stack: tuple[etree._Element, ...]) -> None:
        """Expand in place; an abstract rule is expanded where it stands, in its own scope, first."""
        for ext in list(rule.iterchildren(_q(SCH, "extends"))):
            target = find(ext)
            if target in stack or len(stack) > 32:
                raise _fail(ext, path, "abstract rules extend each other in a cycle")
            expand(target, (*stack, target))
            lang = _language(target)
            index = rule.index(ext)
            rule.remove(ext)
            for offset, child in enumerate(c for c in target if isinstance(c.tag, str)):
                child = _copy_with_lines(child)
                if lang is not None and child.get(XML_LANG) is None:
                    child.set(XML_LANG, lang)
                rule.insert(index + offset, child)

    for rule in list(schema.iter(_q(SCH, "rule"))):
        expand(rule, (rule,))
    for rule in abstract:
        rule.getparent().remove(rule)


_RICH = ("see", "icon", "fpi", "xml:lang", "xml:space")
# ISO 19757-3:2020 (with the 2025 revision's phase/@from and rule/@visit-each): each element's attributes.
VOCABULARY: dict[str, tuple[str, ...]] = {
    "schema": ("id", "schemaVersion", "defaultPhase", "queryBinding", *_RICH),
    "title": (), "p": ("id", "class", "icon", "xml:lang", "xml:space"),
    "ns": ("prefix", "uri"), "let": ("name", "value", "as"), "param": ("name", "value"),
    "phase": ("id", "from", *_RICH), "active": ("pattern",),
    "pattern": ("id", "abstract", "is-a", "documents", "role", *_RICH),
    "rules": (),
    "rule": ("id", "abstract", "context", "flag", "role", "subject", "visit-each", *_RICH),
    "extends": ("rule", "href"), "include": ("href",),
    "assert": ("id", "test", "role", "flag", "subject", "diagnostics", "properties", *_RICH),
    "report": ("id", "test", "role", "flag", "subject", "diagnostics", "properties", *_RICH),
    "diagnostics": (), "diagnostic": ("id", "role", *_RICH),
    "properties": (), "property": ("id", "role", "scheme", *_RICH),
    "value-of": ("select",), "name": ("path",), "emph": (), "dir": ("value",), "span": ("class",),
}


def check_vocabulary(schema: etree._Element, path: Path) -> None:
    """Unknown elements and attributes of the Schematron namespace are errors, not silently ignored."""
    from difflib import get_close_matches

    for element in schema.iter(_q(SCH, "*")):
        if any(etree.QName(a).namespace != SCH for a in element.iterancestors()):
            continue  # a literal result element inside xsl:function (in the default namespace)
        local = etree.QName(element).localname
        allowed = VOCABULARY.get(local)
        if allowed is None:
            guess = get_close_matches(local, list(VOCABULARY), n=1)
            raise _fail(element, path, f"<{local}> is not a Schematron element",
                        f"did you mean <{guess[0]}>?" if guess else "see ISO 19757-3 for the elements")
        for name in element.attrib:
            if name.startswith("{"):
                continue  # xml:id, xml:lang … and attributes of other namespaces are allowed everywhere
            shown = name
            if shown not in allowed:
                guess = get_close_matches(shown, list(allowed), n=1)
                raise _fail(element, path, f"<{local}> has no attribute {shown!r}",
                            f"did you mean {guess[0]!r}?" if guess else
                            f"its attributes are: {', '.join(allowed) or 'none'}")


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
    check_vocabulary(root, path)
    _expand_abstract_rules(root, path)
    _instantiate_patterns(root, path)
    return root


