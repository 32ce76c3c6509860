"""Generate schemas/teikit.rng from the ODD schemas/teikit.odd and the official tei_all.rng.

    python -m teikit.schema            # regenerate schemas/teikit.rng
    python -m teikit.schema --check    # exit 1 if the checked-in teikit.rng is out of date

The generator only ever *removes* from tei_all.rng, so the customisation cannot accept a document that
TEI rejects (the argument is in schemas/README.md):

1. every element the ODD does not include has its definition's pattern replaced by `<notAllowed/>`;
2. an attribute whose ODD `valList` is closed gets, on that element only, a choice of `<value>`s in
   place of its datatype, each value checked to be accepted by that datatype; the attribute-class
   definitions on the way are copied for that element, so other elements keep the class unchanged;
3. `start` offers only the ODD's start elements;
4. definitions no longer reachable from `start` are dropped.

It reads the subset of ODD that needs no TEI source: `moduleRef/@include` (explicit element lists),
`elementSpec[@mode='delete']`, and closed value lists:
`elementSpec[@mode='change']/attList/attDef[@mode='change']/valList[@type='closed']`.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from teikit.load import TEI_NS, make_parser
from teikit.validate.grammar.analysis import element_defines
from teikit.validate.grammar.rng_syntax import attribute_name
from teikit.validate.grammar.rng_syntax import local as _local
from teikit.validate.grammar.rng_syntax import rng as _rng

_T = f"{{{TEI_NS}}}"
_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
_TOKEN_TYPES = {"token", "NCName", "Name", "NMTOKEN", "string", "normalizedString"}


class SchemaError(Exception):
    """The ODD asks for something the generator cannot do (unknown element, unsupported attribute)."""


@dataclass
class Customisation:
    """What an ODD says, in the subset the generator understands."""

    elements: set[str] = field(default_factory=set)
    start: list[str] = field(default_factory=list)
    values: dict[tuple[str, str], list[str]] = field(default_factory=dict)


def read_odd(path: Path) -> Customisation:
    tree = etree.parse(str(path), make_parser())
    specs = tree.getroot().findall(f".//{_T}schemaSpec")
    if len(specs) != 1:
        raise SchemaError(f"{path}: expected exactly one <schemaSpec>, found {len(specs)}")
    spec = specs[0]
    custom = Customisation(start=(spec.get("start") or "TEI").split())
    for ref in spec.iter(f"{_T}moduleRef"):
        if ref.get("except"):
            raise SchemaError(f"{path}:{ref.sourceline}: moduleRef/@except is not supported; use @include")
        custom.elements.update((ref.get("include") or "").split())
    for ref in spec.iter(f"{_T}elementRef"):
        custom.elements.add(ref.get("key", ""))
    for el in spec.iter(f"{_T}elementSpec"):
        ident, mode = el.get("ident", ""), el.get("mode", "add")
        if mode == "delete":
            custom.elements.discard(ident)
            continue
        if mode != "change":
            raise SchemaError(f"{path}:{el.sourceline}: elementSpec mode={mode!r} is not supported")
        for att in el.iter(f"{_T}attDef"):
            vals = att.find(f"{_T}valList")
            if att.get("mode") != "change" or vals is None or vals.get("type") != "closed":
                raise SchemaError(f"{path}:{att.sourceline}: only attDef mode='change' with a closed valList "
                                  "is supported")
            items = [v.get("ident", "") for v in vals.iter(f"{_T}valItem")]
            custom.values[(ident, att.get("ident", ""))] = items
    return custom


def _is_tei_element(name: str) -> str | None:
    """The local name of a TEI-namespace Clark name, else None."""
    q = etree.QName(name)
    return q.localname if q.namespace == TEI_NS else None


def generate(odd: Path, source: Path) -> bytes:
    """The customised RELAX NG schema, as bytes (deterministic: same inputs, same bytes)."""
    custom = read_odd(odd)
    source_bytes = source.read_bytes()
    tree = etree.ElementTree(etree.fromstring(source_bytes, make_parser()))
    root = tree.getroot()
    defines: dict[str, etree._Element] = {}
    for d in root.iter(_rng("define")):
        if d.get("name") in defines or d.get("combine"):
            raise SchemaError(f"{source}: define {d.get('name')!r} is combined; expected a compiled schema")
        defines[d.get("name")] = d
    element_defs = element_defines(root, {k: [v] for k, v in defines.items()})
    known = {_is_tei_element(n) for n in element_defs.values()} - {None}
    unknown = sorted((custom.elements | set(custom.start)) - known)
    if unknown:
        raise SchemaError(f"{odd}: not TEI elements of {source.name}: {', '.join(unknown)}")

    # 1. excluded elements: their definitions match nothing
    for define_name, el_name in element_defs.items():
        if _is_tei_element(el_name) not in custom.elements:
            node = defines[define_name]
            for child in list(node):
                node.remove(child)
            node.text = None
            etree.SubElement(node, _rng("notAllowed"))

    # 2. closed value lists, element by element
    by_element = {_is_tei_element(n): d for d, n in element_defs.items()}
    for (element, attribute), values in sorted(custom.values.items()):
        if element not in custom.elements:
            raise SchemaError(f"{odd}: elementSpec {element!r} changes an element the schema leaves out")
        _narrow(defines, by_element[element], element, attribute, values)

    # 3. start
    for start in list(root.iter(_rng("start"))):
        start.getparent().remove(start)
    start = etree.Element(_rng("start"))
    target = start if len(custom.start) == 1 else etree.SubElement(start, _rng("choice"))
    for name in custom.start:
        etree.SubElement(target, _rng("ref"), name=by_element[name])
    root.insert(0, start)

    # 4. unreachable definitions
    reachable: set[str] = set()
    todo = [r.get("name") for r in start.iter(_rng("ref"))]
    while todo:
        name = todo.pop()
        if name not in reachable:
            reachable.add(name)
            todo.extend(r.get("name") for r in defines[name].iter(_rng("ref")))
    for name, node in list(defines.items()):
        if name not in reachable:
            root.remove(node)
    for comment in [c for c in root if isinstance(c, etree._Comment)][:1]:
        root.remove(comment)
    header = etree.Comment(
        f" Generated by `python -m teikit.schema` from {odd.name} (SHA-256 "
        f"{hashlib.sha256(odd.read_bytes()).hexdigest()[:16]}) and {source.name} (SHA-256 "
        f"{hashlib.sha256(source_bytes).hexdigest()[:16]}). Do not edit: change the ODD and regenerate. ")
    root.insert(0, header)
    etree.indent(tree, space="  ")
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8") + b"\n"


def _reaches(defines: dict[str, etree._Element], node: etree._Element, attribute: str,
             seen: set[str] | None = None) -> bool:
    """Does `node` contain (through refs, not through elements) an attribute named `attribute`?"""
    seen = set() if seen is None else seen
    for child in node:
        kind = _local(child)
        if kind == "attribute" and attribute_name(child) == attribute:
            return True
        if kind == "ref" and child.get("name") not in seen:
            seen.add(child.get("name"))
            if _reaches(defines, defines[child.get("name")], attribute, seen):
                return True
        elif kind not in ("element", "ref", "") and _reaches(defines, child, attribute, seen):
            return True
    return False


def _narrow(defines: dict[str, etree._Element], define_name: str, element: str, attribute: str,
            values: list[str]) -> None:
    """Give `attribute` of `element` the closed list `values`, copying shared definitions on the way."""
    body = defines[define_name][0]  # the <element>
    changed = _localise(defines, body, element, attribute, values)
    if not changed:
        raise SchemaError(f"element {element!r} has no attribute {attribute!r} in tei_all.rng")


def _localise(defines: dict[str, etree._Element], node: etree._Element, element: str, attribute: str,
              values: list[str]) -> int:
    changed = 0
    for child in list(node):
        kind = _local(child)
        if kind == "attribute" and attribute_name(child) == attribute:
            _close_values(child, element, attribute, values)
            changed += 1
        elif kind == "ref":
            name = child.get("name")
            if not _reaches(defines, defines[name], attribute):
                continue
            private = f"teikit.{element}.{name}"
            if private not in defines:
                clone = copy.deepcopy(defines[name])
                clone.set("name", private)
                defines[name].addnext(clone)
                defines[private] = clone
                _localise(defines, clone, element, attribute, values)
            child.set("name", private)
            changed += 1
        elif kind not in ("element", ""):
            changed += _localise(defines, child, element, attribute, values)
    return changed


def _close_values(att: etree._Element, element: str, attribute: str, values: list[str]) -> None:
    """Replace the attribute's value pattern by a choice of values its datatype accepts."""
    content = [c for c in att if isinstance(c.tag, str) and _local(c) not in ("name", "")]
    datatypes = [c for c in content if _local(c) == "data"]
    if len(content) != 1 or len(datatypes) != 1 or datatypes[0].get("type") not in _TOKEN_TYPES:
        raise SchemaError(f"{element}/@{attribute}: only a token-like datatype can be closed by a valList")
    kind = datatypes[0].get("type")
    patterns = [p.text or "" for p in datatypes[0] if _local(p) == "param" and p.get("name") == "pattern"]
    other_params = [p for p in datatypes[0] if _local(p) == "param" and p.get("name") != "pattern"]
    if other_params or any(True for _ in datatypes[0].iter(_rng("except"))):
        raise SchemaError(f"{element}/@{attribute}: only datatypes without facets other than a pattern "
                          "can be closed")
    for value in values:
        if not value or any(ch.isspace() for ch in value) or (kind == "NCName" and not _NCNAME.match(value)):
            raise SchemaError(f"{element}/@{attribute}: {value!r} is not a valid {kind}")
        for pattern in patterns:
            if not _matches(pattern, value):
                raise SchemaError(f"{element}/@{attribute}: {value!r} does not match the pattern {pattern!r}")
    for c in content:
        att.remove(c)
    choice = etree.SubElement(att, _rng("choice"))
    for value in values:
        v = etree.SubElement(choice, _rng("value"), type=kind)
        v.text = value


def _matches(pattern: str, value: str) -> bool:
    """Does `value` match an XML Schema pattern? TEI's token pattern by Unicode category, others by `re`."""
    import unicodedata

    if pattern == r"[^\p{C}\p{Z}]+":
        return bool(value) and all(unicodedata.category(ch)[0] not in "CZ" for ch in value)
    if "\\p{" in pattern or "\\i" in pattern or "\\c" in pattern:
        raise SchemaError(f"the pattern {pattern!r} uses XML Schema classes the generator cannot check")
    return re.fullmatch(pattern, value) is not None


def main(argv: list[str] | None = None) -> int:
    from teikit.resources import schemas_dir

    here = schemas_dir()
    parser = argparse.ArgumentParser(prog="python -m teikit.schema", description=__doc__.splitlines()[0])
    parser.add_argument("--odd", type=Path, default=here / "teikit.odd")
    parser.add_argument("--source", type=Path, default=here / "tei_all.rng", help="compiled tei_all.rng")
    parser.add_argument("--output", type=Path, default=here / "teikit.rng")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if --output is stale")
    args = parser.parse_args(argv)
    try:
        data = generate(args.odd, args.source)
    except (SchemaError, OSError, etree.XMLSyntaxError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = args.output.read_bytes() if args.output.is_file() else b""
        if current != data:
            print(f"{args.output} is out of date: run python -m teikit.schema", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    from teikit import fsutil

    fsutil.write_bytes(args.output, data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
