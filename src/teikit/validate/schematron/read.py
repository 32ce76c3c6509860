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
from teikit.validate.schematron.common import QUERY_BINDINGS, SCH, SchematronError, _fail, _q


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


