"""What the hints need to know of a grammar, read from its XML syntax once per schema.

`analyse` finds, per element name, the children and attributes it may have anywhere, the closed
value lists of its attributes and which names may be a document's root. Kept as JSON beside a
cached simplified schema (`store_analysis`), so that later processes skip the walk.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from teikit.errors import TeikitError
from teikit.validate.grammar.rng_syntax import attribute_name, element_name
from teikit.validate.grammar.rng_syntax import local as _local
from teikit.validate.grammar.rng_syntax import rng as _rng
from teikit.validate.grammar.specialise import Specialiser

ORIGINAL_START = "{urn:x-teikit}original-start"


@dataclass(frozen=True)
class SchemaInfo:
    """What the hints need to know of a grammar: per element name, its possible children and attributes.

    Names are Clark names ({ns}local). The sets over-approximate position: they say what an element may
    contain somewhere, not what may come next, which is what a reader needs to fix a misspelling or a
    misplaced element.
    """

    children: dict[str, frozenset[str]]
    text: frozenset[str]  # elements that may contain text
    attributes: dict[str, frozenset[str]]
    values: dict[tuple[str, str], tuple[str, ...]]  # (element, attribute) -> closed list of values
    start: frozenset[str]  # names the start pattern allows as root
    rootable: frozenset[str]  # names whose definitions are all a define's sole element (see `simplify`)
    exact_start: bool  # start is a choice of such element defines, each name defined once


def analyse(tree: etree._ElementTree) -> SchemaInfo:
    root = tree.getroot()
    defines: dict[str, list[etree._Element]] = {}
    for d in root.iter(_rng("define")):
        defines.setdefault(d.get("name"), []).append(d)
    memo: dict[str, tuple[frozenset, frozenset, bool, dict]] = {}

    def walk(node: etree._Element, elements: set, attributes: set, state: list[bool], vals: dict) -> None:
        for child in node:
            kind = _local(child)
            if kind == "element":
                name = element_name(child)
                if name:
                    elements.add(name)
            elif kind == "attribute":
                name = attribute_name(child)
                if name:
                    attributes.add(name)
                    closed = [v.text or "" for v in child.iter(_rng("value"))]
                    if closed and not any(True for _ in child.iter(_rng("data"), _rng("text"), _rng("ref"))):
                        vals[name] = tuple(sorted(set(vals.get(name, ())) | set(closed)))
            elif kind in ("text", "mixed"):
                state[0] = True
                if kind == "mixed":
                    walk(child, elements, attributes, state, vals)
            elif kind == "ref":
                e, a, t, v = expand(child.get("name"))
                elements |= e
                attributes |= a
                state[0] = state[0] or t
                vals.update(v)
            elif kind in ("choice", "group", "interleave", "optional", "zeroOrMore", "oneOrMore", "define"):
                walk(child, elements, attributes, state, vals)

    def expand(name: str) -> tuple[frozenset, frozenset, bool, dict]:
        if name in memo:
            return memo[name]
        memo[name] = (frozenset(), frozenset(), False, {})  # refs recurse only through elements
        elements: set = set()
        attributes: set = set()
        state = [False]
        vals: dict = {}
        for d in defines.get(name, []):
            walk(d, elements, attributes, state, vals)
        memo[name] = (frozenset(elements), frozenset(attributes), state[0], vals)
        return memo[name]

    children: dict[str, set] = {}
    attrs: dict[str, set] = {}
    text: set = set()
    values: dict[tuple[str, str], set] = {}
    for el in root.iter(_rng("element")):
        name = element_name(el)
        if not name:
            continue
        elements: set = set()
        attributes: set = set()
        state = [False]
        vals: dict = {}
        walk(el, elements, attributes, state, vals)
        children.setdefault(name, set()).update(elements)
        attrs.setdefault(name, set()).update(attributes)
        for att_name, closed in vals.items():
            values.setdefault((name, att_name), set()).update(closed)
        if state[0]:
            text.add(name)

    start_names: set = set()
    exact = True
    by_name: dict[str, int] = {}
    rootable_defs = element_defines(root, defines)
    for name in rootable_defs.values():
        by_name[name] = by_name.get(name, 0) + 1
    all_names = [n for n in (element_name(e) for e in root.iter(_rng("element"))) if n]
    counts: dict[str, int] = {}
    for n in all_names:
        counts[n] = counts.get(n, 0) + 1
    for start in root.iter(_rng("start")):
        if start.get(ORIGINAL_START) is not None:  # a simplified copy: judge by the original start
            names = start.get(ORIGINAL_START).split()
            start_names = {rootable_defs[n] for n in names if n in rootable_defs}
            exact = len(start_names) == len(names)
            break
        for node in start.iter():
            kind = _local(node)
            if kind == "ref" and node.get("name") in rootable_defs:
                start_names.add(rootable_defs[node.get("name")])
            elif kind not in ("start", "choice", "ref") or kind == "ref":
                exact = False
    exact = exact and bool(start_names) and all(counts.get(n) == 1 for n in start_names)
    rootable = frozenset(n for n in by_name if counts.get(n) == by_name[n])
    return SchemaInfo(
        children={k: frozenset(v) for k, v in children.items()},
        text=frozenset(text),
        attributes={k: frozenset(v) for k, v in attrs.items()},
        values={k: tuple(sorted(v)) for k, v in values.items()},
        start=frozenset(start_names),
        rootable=rootable,
        exact_start=exact,
    )


def element_defines(root: etree._Element, defines: dict[str, list[etree._Element]]) -> dict[str, str]:
    """define name -> element name, for defines whose whole content is one named <element>."""
    found = {}
    for name, nodes in defines.items():
        if len(nodes) != 1:
            continue
        kids = [c for c in nodes[0] if isinstance(c.tag, str)]
        if len(kids) == 1 and _local(kids[0]) == "element":
            el_name = element_name(kids[0])
            if el_name:
                found[name] = el_name
    return found



ANALYSIS_VERSION = "1"  # bump when SchemaInfo or the specialiser's analysis changes


def load_analysis(compiled_path: Path) -> tuple[SchemaInfo, dict] | None:
    """The analysis kept beside a cached simplified schema (None if absent or unreadable)."""
    import json

    try:
        data = json.loads(compiled_path.with_suffix(".json").read_text(encoding="utf-8"))
        if data.get("version") != ANALYSIS_VERSION:
            return None
        raw = data["info"]
        info = SchemaInfo(
            children={k: frozenset(v) for k, v in raw["children"].items()},
            text=frozenset(raw["text"]),
            attributes={k: frozenset(v) for k, v in raw["attributes"].items()},
            values={(e, a): tuple(v) for e, a, v in raw["values"]},
            start=frozenset(raw["start"]),
            rootable=frozenset(raw["rootable"]),
            exact_start=bool(raw["exact_start"]),
        )
        return info, data["specialiser"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def analysis_json(info: SchemaInfo, specialiser: Specialiser) -> str:
    """The analysis of a simplified schema as JSON, as `load_analysis` reads it back."""
    import json

    data = {
        "version": ANALYSIS_VERSION,
        "info": {
            "children": {k: sorted(v) for k, v in sorted(info.children.items())},
            "text": sorted(info.text),
            "attributes": {k: sorted(v) for k, v in sorted(info.attributes.items())},
            "values": [[e, a, list(v)] for (e, a), v in sorted(info.values.items())],
            "start": sorted(info.start),
            "rootable": sorted(info.rootable),
            "exact_start": info.exact_start,
        },
        "specialiser": specialiser.analysis(),
    }
    return json.dumps(data)


def store_analysis(compiled_path: Path, info: SchemaInfo, specialiser: Specialiser) -> None:
    """Keep the analysis of a simplified schema beside it: later processes skip ~0.1 s of work."""
    from teikit import fsutil

    with contextlib.suppress(OSError, TeikitError):
        fsutil.write_text(compiled_path.with_suffix(".json"), analysis_json(info, specialiser))
