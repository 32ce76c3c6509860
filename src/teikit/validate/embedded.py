"""The Schematron embedded in a RELAX NG grammar, cut down to the patterns a document can trigger.

`tei_all.rng` carries TEI's 83 constraint patterns. Run as one Schematron schema, each
pattern walks the whole document, so a 2 MB novel costs about a second, mostly in patterns
about elements it does not contain (`tei:elementSpec`, `tei:relation`, `tei:path`…). A
pattern whose every rule context ends in a step naming an element (`tei:span`,
`tei:div[@type]`, `tei:rt/@to`), or `*` with a first predicate requiring an attribute
(`tei:*[@calendar]`), can fire only in a document containing that element or attribute;
the others are kept whatever the document. Removing a pattern that cannot fire changes no
finding (patterns are independent; "first matching rule wins" holds inside a pattern).

The patterns kept, with the grammar's `sch:ns`, `sch:let` and `sch:diagnostics`, are
written as a standalone Schematron file into teikit's cache folder (named by its content),
and compiled once per process like any rules file: the documents of a corpus fall into a
few such sets (novels, plays, letters), so a run compiles a few small schemas.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from teikit.load import Document, make_parser
from teikit.validate import census
from teikit.validate.schematron import xpath1

SCH = "http://purl.oclc.org/dsdl/schematron"
_KEPT = ("ns", "let", "diagnostics")
_lock = threading.Lock()
_written: dict[str, Path] = {}


def _strip_predicates(text: str) -> tuple[str, list[str]]:
    """`text` without its [...] predicates (nested ones too), and the first predicate of each step."""
    out, firsts, depth, current, step_first = [], [], 0, [], None
    for char in text:
        if char == "[":
            depth += 1
            if depth == 1:
                current = []
                continue
        elif char == "]" and depth:
            depth -= 1
            if depth == 0:
                if step_first is None:
                    step_first = "".join(current)
                continue
        if depth:
            current.append(char)
            continue
        if char == "/":
            firsts.append(step_first or "")
            step_first = None
        out.append(char)
    firsts.append(step_first or "")
    return "".join(out), firsts


_ATTRIBUTE = re.compile(r"^\s*@([A-Za-z_][\w.-]*)\s*(?:$|and\b|or\b|[=!<>])")


def _needs(context: str, prefixes: dict[str, str]) -> set[tuple[str, str, str]] | None:
    """What a rule context needs in a document to match anything: a set of alternatives, each
    ("element", namespace, name) or ("attribute", "", name); None when it cannot tell."""
    needs: set[tuple[str, str, str]] = set()
    depth = 0
    alternatives, start = [], 0
    for i, char in enumerate(context):  # split on | outside predicates and parentheses
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "|" and depth == 0:
            alternatives.append(context[start:i])
            start = i + 1
    alternatives.append(context[start:])
    for alternative in alternatives:
        path, firsts = _strip_predicates(alternative.strip())
        steps = path.split("/")
        # the last element step (an attribute step like rt/@to needs its element)
        index = len(steps) - 1
        while index >= 0 and (steps[index].strip().startswith("@") or not steps[index].strip()):
            index -= 1
        if index < 0:
            return None
        step = steps[index].strip().removeprefix("self::").removeprefix("child::")
        match = xpath1.NAME_TEST.match(step)
        if not match:
            return None
        prefix, local = match[1], match[2]
        if local == "*":
            attribute = _ATTRIBUTE.match(firsts[index] if index < len(firsts) else "")
            if not attribute:
                return None
            needs.add(("attribute", "", attribute[1]))
            continue
        if prefix is not None and prefix not in prefixes:
            return None
        needs.add(("element", prefixes.get(prefix, "") if prefix else "", local))
    return needs


@dataclass(frozen=True)
class Plan:
    """How a grammar's rules are checked on one document: patterns for libxml2, a file for Saxon."""
    fast: tuple[xpath1.FastPattern, ...]
    prefixes: dict[str, str]
    rules: Path | None  # the Schematron file of the other patterns that can fire; None: nothing for Saxon


@dataclass(frozen=True)
class _Pattern:
    text: bytes
    needs: frozenset | None
    fast: xpath1.FastPattern | None


@cache
def _patterns(grammar: Path) -> tuple[bytes, dict[str, str], tuple[_Pattern, ...]]:
    """The grammar's shared Schematron declarations, its prefixes, and each pattern with what it
    needs and, when it can run on libxml2, its compiled form."""
    root = etree.parse(str(grammar), make_parser()).getroot()
    shared = etree.Element(f"{{{SCH}}}schema", queryBinding="xslt2")
    # sch:ns may come after the patterns that use its prefix (tei_all.rng has them near the end)
    prefixes: dict[str, str] = {}
    for ns in root.iter(f"{{{SCH}}}ns"):
        prefixes.setdefault(ns.get("prefix", ""), ns.get("uri", ""))
    diagnostics = {d.get("id"): d for d in root.iter(f"{{{SCH}}}diagnostic")}
    patterns = []
    for element in root.iter(f"{{{SCH}}}*"):
        parent = element.getparent()
        if parent is not None and etree.QName(parent).namespace == SCH:
            continue  # inside another Schematron element: copied with it
        local = etree.QName(element).localname
        if local in _KEPT:
            shared.append(_detached(element))
        elif local == "pattern":
            needs: set | None = set()
            rules = list(element.iter(f"{{{SCH}}}rule"))
            if not rules or element.get("is-a") or element.get("abstract") == "true":
                needs = None  # an abstract pattern or an instance of one: kept as it is
            for rule in rules:
                rule_needs = _needs(rule.get("context", ""), prefixes) if rule.get("context") else None
                if rule_needs is None or needs is None:
                    needs = None
                else:
                    needs |= rule_needs
            fast = xpath1.fast_pattern(element, prefixes, diagnostics)
            patterns.append(_Pattern(etree.tostring(_detached(element)),
                                     None if needs is None else frozenset(needs), fast))
    return etree.tostring(shared), prefixes, tuple(patterns)


def _detached(element: etree._Element) -> etree._Element:
    copy = etree.fromstring(etree.tostring(element, with_tail=False))
    return copy


@cache
def needs(grammar: Path) -> tuple[frozenset[str], frozenset[str]]:
    """The element names and attribute names whose elements `plan_for` and the fast patterns of
    `grammar` look at: the census gathers them in the walk it makes anyway."""
    _shared, _prefixes, patterns = _patterns(Path(grammar).resolve())
    tags, attributes = xpath1.needs_of([p.fast for p in patterns if p.fast is not None])
    wanted = {name for p in patterns if p.needs for kind, _ns, name in p.needs if kind == "attribute"}
    return tags, attributes | frozenset(wanted)


def plan_for(grammar: Path, doc: Document, folder: Path, *, saxon_only: bool = False) -> Plan:
    """The patterns of `grammar` to check on `doc`: those libxml2 evaluates (all of them whatever the
    document: one that finds no node costs nothing) and a Schematron file of the others that can
    fire (written once per set). `saxon_only` puts every pattern in the file (for an SVRL report)."""
    shared, prefixes, patterns = _patterns(Path(grammar).resolve())
    fast = tuple(p.fast for p in patterns if p.fast is not None and not saxon_only)
    others = [p for p in patterns if p.fast is None or saxon_only]
    tags, attributes = xpath1.needs_of(list(fast))
    wanted = {name for p in others if p.needs for kind, _ns, name in p.needs if kind == "attribute"}
    index = xpath1.index_of(doc, tags, attributes | wanted)  # one walk serves both
    kept = [p.text for p in others if p.needs is None or _meets(p.needs, index)]
    if not kept:
        return Plan(fast, prefixes, None)
    return Plan(fast, prefixes, _written_rules(grammar, shared, kept, folder))


def _meets(needs: frozenset, index: census.Census) -> bool:
    """Whether the document has one of the elements or attributes in `needs`."""
    return any((f"{{{namespace}}}{name}" if namespace else name) in index.tags if kind == "element"
               else bool(index.carrying.get(name)) for kind, namespace, name in needs)


def rules_for(grammar: Path, doc: Document, folder: Path) -> Path | None:
    """A Schematron file with every pattern of `grammar` that can fire on `doc` (None: none can)."""
    return plan_for(grammar, doc, folder, saxon_only=True).rules


def _written_rules(grammar: Path, shared: bytes, kept: list[bytes], folder: Path) -> Path:
    schema = etree.fromstring(shared)
    for text in kept:
        schema.append(etree.fromstring(text))
    data = etree.tostring(schema, xml_declaration=True, encoding="UTF-8")
    digest = hashlib.sha256(data).hexdigest()[:24]
    with _lock:
        found = _written.get(digest)
        if found is not None and found.is_file():
            return found
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{Path(grammar).stem}-{digest}.sch"
        if not path.is_file():
            temporary = path.with_name(path.name + f".{os.getpid()}.{threading.get_ident()}.tmp")
            temporary.write_bytes(data)
            temporary.replace(path)
        _written[digest] = path
        return path
