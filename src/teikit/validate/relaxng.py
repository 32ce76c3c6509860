"""Grammar checking: RELAX NG with libxml2 (lxml, default) or Jing.

Two engines, one result type. Both return every error they find as `Diagnostic`
values with line, column and a hint of what the schema allows at that point.

libxml2 has two weaknesses for large schemas such as tei_all.rng: compiling it
is slow, and validation stops at the first error. teikit answers the first with
a per-process cache (`grammar_checker`) of a schema compiled from a *simplified*
copy that accepts exactly the same documents (`simplify`, kept on disk by SHA-256),
further specialised to the element names the documents use (`specialise`), and the
second by locating each error in a private copy of the tree, repairing it there and
validating again (`_Diagnosis`), so one run reports up to `MAX_ERRORS`
errors, each at the line and column of the original source.
"""

from __future__ import annotations

import abc
import bisect
import codecs
import contextlib
import copy
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload
from urllib.parse import unquote, urlparse

from lxml import etree

from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import InputError, TeikitError, ToolMissingError
from teikit.load import Document, display_path, make_parser, remove_keeping_text
from teikit.validate.rng_syntax import RNG_NS, XML_NS, attribute_name, element_name
from teikit.validate.rng_syntax import R as _R
from teikit.validate.rng_syntax import local as _local
from teikit.validate.rng_syntax import rng as _rng
from teikit.validate.specialise import Specialiser, specialisable

SCHEMATRON_NS = "http://purl.oclc.org/dsdl/schematron"
RNG_TYPES = {"application/xml", "application/relax-ng+xml", "application/x-relax-ng+xml"}
ENGINES = ("lxml", "jing")
MAX_ERRORS = 100  # per document; the rest would be consequences of earlier ones

_checkers: dict[tuple[Path, str], GrammarChecker] = {}
_lock = threading.Lock()
compile_count = 0  # how many schemas this process compiled: the cache's observable effect


def project_schema() -> Path:
    """The edition's own customisation, generated from schemas/teikit.odd."""
    from teikit.resources import schemas_dir

    return schemas_dir() / "teikit.rng"


def grammar_checker(schema: Path, engine: str = "lxml") -> GrammarChecker:
    """The checker for `schema`, compiled once per process and engine, then reused."""
    if engine not in ENGINES:
        raise InputError(f"unknown grammar engine {engine!r}", hint=f"use one of: {', '.join(ENGINES)}")
    key = (Path(schema).resolve(), engine)
    with _lock:
        found = _checkers.get(key)
        if found is None:
            found = _checkers[key] = (LxmlChecker if engine == "lxml" else JingChecker)(key[0])
        return found


@dataclass
class GrammarChecker(abc.ABC):
    """A compiled RELAX NG schema that checks documents; subclasses are the engines."""

    schema: Path

    @abc.abstractmethod
    def check(self, doc: Document) -> list[Diagnostic]:
        """Every grammar error of `doc` (rule "rng", severity ERROR, source "relaxng")."""

    def check_many(self, docs: list[Document]) -> dict[str, list[Diagnostic]]:
        """Diagnostics per `doc.display`; engines with a start-up cost override this."""
        return {doc.display: self.check(doc) for doc in docs}


# --------------------------------------------------------------------------- schema analysis

SIMPLIFY_VERSION = "3"  # bump when `simplify` changes, so cached copies are rebuilt
_ORIGINAL_START = "{urn:x-teikit}original-start"


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
    rootable_defs = _element_defines(root, defines)
    for name in rootable_defs.values():
        by_name[name] = by_name.get(name, 0) + 1
    all_names = [n for n in (element_name(e) for e in root.iter(_rng("element"))) if n]
    counts: dict[str, int] = {}
    for n in all_names:
        counts[n] = counts.get(n, 0) + 1
    for start in root.iter(_rng("start")):
        if start.get(_ORIGINAL_START) is not None:  # a simplified copy: judge by the original start
            names = start.get(_ORIGINAL_START).split()
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


def _element_defines(root: etree._Element, defines: dict[str, list[etree._Element]]) -> dict[str, str]:
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


# --------------------------------------------------------------------------- content models


_EMPTY = ("empty",)
_NONE = ("none",)
_ANY = "*"  # a wildcard name (anyName / nsName)


class ContentModels:
    """What may come next among an element's children: RELAX NG derivatives over element names only.

    Hints like Jing's ("expected the element end-tag or element ...") need the allowed names at one
    position, which libxml2 does not tell. This is Brzozowski/Clark derivation restricted to the
    sequence of child elements: attributes, text and data are treated as matching nothing (empty),
    so it can only say what is expected next, never judge validity (libxml2 does that).
    Patterns are hash-consed tuples; functions are memoised per process.
    """

    def __init__(self, tree: etree._ElementTree):
        self._defines: dict[str, list[etree._Element]] = {}
        self._elements: dict[str, list[etree._Element]] = {}
        root = tree.getroot()
        for d in root.iter(_rng("define")):
            self._defines.setdefault(d.get("name"), []).append(d)
        for el in root.iter(_rng("element")):
            name = element_name(el)
            if name:
                self._elements.setdefault(name, []).append(el)
        self._refs: dict[str, tuple] = {}
        self._nullable: dict[tuple, bool] = {}
        self._first: dict[tuple, frozenset[str]] = {}
        self._deriv: dict[tuple[tuple, str], tuple] = {}

    # -- building patterns from the XML syntax

    def content(self, name: str) -> tuple | None:
        nodes = self._elements.get(name)
        if not nodes:
            return None
        result = _NONE
        for node in nodes:
            kids = [k for k in node if _local(k)]
            if node.get("name") is None and kids:
                kids = kids[1:]  # the name class
            result = _choice(result, self._seq(kids))
        return result

    def _seq(self, nodes: list[etree._Element]) -> tuple:
        result = _EMPTY
        for node in nodes:
            result = _group(result, self._pattern(node))
        return result

    def _pattern(self, node: etree._Element) -> tuple:
        kind = _local(node)
        kids = [k for k in node if _local(k)]
        if kind == "element":
            name = element_name(node)
            return ("el", name or _ANY)
        if kind in ("attribute", "text", "data", "value", "list", "empty"):
            return _EMPTY
        if kind == "notAllowed":
            return _NONE
        if kind == "ref":
            return ("ref", node.get("name"))
        if kind in ("group", "define", "mixed"):
            return self._seq(kids)
        if kind == "choice":
            result = _NONE
            for k in kids:
                result = _choice(result, self._pattern(k))
            return result
        if kind == "interleave":
            result = _EMPTY
            for k in kids:
                result = _inter(result, self._pattern(k))
            return result
        if kind == "optional":
            return _choice(self._seq(kids), _EMPTY)
        if kind == "oneOrMore":
            return _more(self._seq(kids))
        if kind == "zeroOrMore":
            return _choice(_more(self._seq(kids)), _EMPTY)
        return _EMPTY  # annotations and the like

    def _ref(self, name: str) -> tuple:
        found = self._refs.get(name)
        if found is None:
            self._refs[name] = _NONE  # refs recurse only through elements, which are atomic here
            found = _NONE
            for d in self._defines.get(name, []):
                found = _choice(found, self._seq([k for k in d if _local(k)]))
            self._refs[name] = found
        return found

    # -- derivatives

    def nullable(self, p: tuple) -> bool:
        found = self._nullable.get(p)
        if found is None:
            kind = p[0]
            if kind == "empty":
                found = True
            elif kind in ("none", "el"):
                found = False
            elif kind == "ref":
                found = self.nullable(self._ref(p[1]))
            elif kind == "choice":
                found = self.nullable(p[1]) or self.nullable(p[2])
            elif kind in ("group", "inter"):
                found = self.nullable(p[1]) and self.nullable(p[2])
            else:  # more
                found = self.nullable(p[1])
            self._nullable[p] = found
        return found

    def first(self, p: tuple) -> frozenset[str]:
        found = self._first.get(p)
        if found is None:
            kind = p[0]
            if kind in ("empty", "none"):
                found = frozenset()
            elif kind == "el":
                found = frozenset([p[1]])
            elif kind == "ref":
                found = self.first(self._ref(p[1]))
            elif kind in ("choice", "inter"):
                found = self.first(p[1]) | self.first(p[2])
            elif kind == "group":
                found = self.first(p[1]) | (self.first(p[2]) if self.nullable(p[1]) else frozenset())
            else:
                found = self.first(p[1])
            self._first[p] = found
        return found

    def deriv(self, p: tuple, name: str) -> tuple:
        key = (p, name)
        found = self._deriv.get(key)
        if found is None:
            kind = p[0]
            if kind in ("empty", "none"):
                found = _NONE
            elif kind == "el":
                found = _EMPTY if p[1] in (name, _ANY) else _NONE
            elif kind == "ref":
                found = self.deriv(self._ref(p[1]), name)
            elif kind == "choice":
                found = _choice(self.deriv(p[1], name), self.deriv(p[2], name))
            elif kind == "group":
                found = _group(self.deriv(p[1], name), p[2])
                if self.nullable(p[1]):
                    found = _choice(found, self.deriv(p[2], name))
            elif kind == "inter":
                found = _choice(_inter(self.deriv(p[1], name), p[2]), _inter(p[1], self.deriv(p[2], name)))
            else:  # more
                found = _group(self.deriv(p[1], name), _choice(p, _EMPTY))
            self._deriv[key] = found
        return found

    def required_attributes(self, name: str) -> frozenset[str]:
        """Attributes every definition of element `name` requires (outside optional, choice, repetition)."""
        found: frozenset[str] | None = None
        for node in self._elements.get(name, []):
            names = frozenset(self._required(node, set()))
            found = names if found is None else found & names
        return found or frozenset()

    def _required(self, node: etree._Element, seen: set[str]) -> set[str]:
        out: set[str] = set()
        for child in node:
            kind = _local(child)
            if kind == "attribute":
                name = attribute_name(child)
                if name:
                    out.add(name)
            elif kind == "ref" and child.get("name") not in seen:
                seen.add(child.get("name"))
                for d in self._defines.get(child.get("name"), []):
                    out |= self._required(d, seen)
            elif kind in ("group", "interleave", "oneOrMore", "mixed"):
                out |= self._required(child, seen)
        return out

    def expected(self, parent: str, before: list[str]) -> tuple[frozenset[str], bool] | None:
        """(names allowed next, whether the end-tag is allowed) after the children `before`;
        None when the schema has no definition for `parent` or `before` already fails."""
        p = self.content(parent)
        if p is None:
            return None
        for name in before:
            p = self.deriv(p, name)
            if p == _NONE:
                return None
        return self.first(p), self.nullable(p)


def _choice(a: tuple, b: tuple) -> tuple:
    if a == _NONE:
        return b
    if b == _NONE or a == b:
        return a
    return ("choice", a, b)


def _both(kind: str, a: tuple, b: tuple) -> tuple:
    """A group or interleave of two patterns, simplified the same way for both."""
    if _NONE in (a, b):
        return _NONE
    if a == _EMPTY:
        return b
    if b == _EMPTY:
        return a
    return (kind, a, b)


def _group(a: tuple, b: tuple) -> tuple:
    return _both("group", a, b)


def _inter(a: tuple, b: tuple) -> tuple:
    return _both("inter", a, b)


def _more(p: tuple) -> tuple:
    return p if p in (_EMPTY, _NONE) else ("more", p)


# --------------------------------------------------------------------------- simplification


# Elements whose mixed content keeps its original form, which libxml2 compiles into an automaton:
# validating with an automaton is several times faster than libxml2's interpreter for interleave, and
# these elements carry most of the running text of any TEI document (prose, verse, drama, phrases),
# so they are most of what is validated. Each one costs ~30 ms of compile time per process (TEI's
# mixed content), too much for elements that are rare, which get the interleave form (see `simplify`).
COMPILED_MIXED = frozenset({"p", "l", "ab", "seg", "hi", "head", "speaker", "stage"})
_INTERLEAVED = ".teikit-interleaved"  # suffix of the copies of defines with mixed content rewritten


def simplify(tree: etree._ElementTree) -> etree._ElementTree:
    """A copy of a grammar that libxml2 compiles fast and that accepts exactly the same documents.

    Why compiling tei_all.rng takes libxml2 ~10 s: for every element whose content model it can turn
    into a finite automaton, it builds one and checks it for determinism, pairwise over the transitions
    leaving each state. TEI's mixed content (`zeroOrMore(choice(text, ...hundreds of elements...))`)
    makes states with hundreds of transitions, in hundreds of elements. Two rewrites, both equalities
    of the RELAX NG semantics, avoid that:

    1. `zeroOrMore(choice(text, p1, ..., pn))` becomes `interleave(text, zeroOrMore(choice(p1, ..., pn)))`.
       This is how the specification itself defines `<mixed>` (section 4.13): `text` matches any run
       of text nodes, and interleaving it with a pattern allows text anywhere between what that
       pattern matches, which is what `text` as one more alternative of the repetition allows.
       libxml2 does not compile interleaves into automata; it validates them ~6x slower, so the
       rewrite applies to every element except those named in `COMPILED_MIXED`. Defines shared by
       both kinds (TEI's macro.paraContent) are copied: the copy, named with `_INTERLEAVED`, is
       rewritten and referenced from the other elements' content.
    2. Defines that no `start` reaches are dropped (they cannot change what is valid).

    A third change serves error reporting: `start` also offers every element that is the sole content
    of a define, so subtrees can be validated on their own (`LxmlChecker` checks the root against
    the original start names, so validity of whole documents is unchanged).
    Grammars with include/externalRef are returned unchanged (their parts live in other files).
    """
    tree = copy.deepcopy(tree)
    root = tree.getroot()
    if _local(root) != "grammar" or any(True for _ in root.iter(_rng("include"), _rng("externalRef"),
                                                                   _rng("parentRef"))):
        return tree
    _interleave_mixed(root)
    defines: dict[str, list[etree._Element]] = {}
    for d in root.iter(_rng("define")):
        defines.setdefault(d.get("name"), []).append(d)
    element_defs = _element_defines(root, defines)
    starts = list(root.iter(_rng("start")))
    if len(starts) == 1 and starts[0].get("combine") is None:
        start = starts[0]
        content = [k for k in start if isinstance(k.tag, str)]
        refs = [r for r in start.iter(_rng("ref"))]
        if all(_local(n) in ("choice", "ref") for k in content for n in k.iter(etree.Element)):
            # remember what the original start allowed (a foreign attribute, ignored by RELAX NG)
            start.set(_ORIGINAL_START, " ".join(r.get("name") for r in refs))
        choice = etree.SubElement(start, _rng("choice"))
        for k in content:
            choice.append(k)
        for name in sorted(element_defs):
            etree.SubElement(choice, _rng("ref"), name=name)
    reachable: set[str] = set()
    todo = [r.get("name") for s in root.iter(_rng("start")) for r in s.iter(_rng("ref"))]
    while todo:
        name = todo.pop()
        if name in reachable:
            continue
        reachable.add(name)
        for d in defines.get(name, []):
            todo.extend(r.get("name") for r in d.iter(_rng("ref")))
    for name, nodes in defines.items():
        if name not in reachable:
            for d in nodes:
                d.getparent().remove(d)
    return tree


def _as_interleave(rep: etree._Element) -> bool:
    """Rewrite one `zeroOrMore(choice(text, ...))` in place (see `simplify`); False if it is not one."""
    kids = [k for k in rep if isinstance(k.tag, str)]
    if len(kids) != 1 or _local(kids[0]) != "choice":
        return False
    choice = kids[0]
    texts = [k for k in choice if _local(k) == "text"]
    others = [k for k in choice if isinstance(k.tag, str) and _local(k) != "text"]
    if not texts or not others:
        return False
    for t in texts:
        choice.remove(t)
    inter = etree.Element(_rng("interleave"))
    rep.addprevious(inter)
    inter.tail, rep.tail = rep.tail, None
    etree.SubElement(inter, _rng("text"))
    inter.append(rep)
    return True


def _interleave_mixed(root: etree._Element) -> None:
    """Rewrite the mixed content of every element not in `COMPILED_MIXED`, copying shared defines."""
    defines: dict[str, list[etree._Element]] = {}
    for d in root.iter(_rng("define")):
        defines.setdefault(d.get("name"), []).append(d)
    copies: dict[str, str] = {}  # define name -> the name its content's rewritten copy goes by

    def own_patterns(node: etree._Element) -> Iterable[etree._Element]:
        """The patterns of `node`'s content, not descending into nested elements."""
        for child in node:
            if isinstance(child.tag, str) and child.tag.startswith(_R):
                yield child
                if _local(child) != "element":
                    yield from own_patterns(child)

    def rewrite(body: etree._Element) -> bool:
        changed = False
        for node in list(own_patterns(body)):
            kind = _local(node)
            if kind == "zeroOrMore" and _as_interleave(node):
                changed = True
            elif kind == "ref":
                renamed = rewritten(node.get("name"))
                if renamed != node.get("name"):
                    node.set("name", renamed)
                    changed = True
        return changed

    def rewritten(name: str) -> str:
        if name in copies:
            return copies[name]
        copies[name] = name  # recursion passes through elements only, which are rewritten on their own
        nodes = defines.get(name, [])
        duplicates = [copy.deepcopy(d) for d in nodes]
        if any([rewrite(d) for d in duplicates]):
            for original, duplicate in zip(nodes, duplicates, strict=True):
                duplicate.set("name", name + _INTERLEAVED)
                original.addnext(duplicate)
            copies[name] = name + _INTERLEAVED
        return copies[name]

    for el in list(root.iter(_rng("element"))):
        name = element_name(el)
        if name is None or etree.QName(name).localname not in COMPILED_MIXED:
            rewrite(el)


def cache_dir() -> Path:
    """Where simplified schemas are kept: $TEIKIT_CACHE_DIR, $XDG_CACHE_HOME/teikit or ~/.cache/teikit."""
    env = os.environ.get("TEIKIT_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "teikit"


def simplified(schema: Path) -> Path:
    """The simplified copy of `schema`, made once and kept on disk keyed by the schema's SHA-256.

    Making it includes compiling the whole grammar once, so that errors in the schema are reported
    even where no document's vocabulary reaches (see `LxmlChecker`).
    """
    import hashlib

    from teikit import fsutil

    try:
        data = schema.read_bytes()
    except OSError as exc:
        raise InputError(f"{display_path(schema)}: cannot read the schema: {exc.strerror or exc}",
                         hint="check the --schema path") from None
    recipe = SIMPLIFY_VERSION + " " + " ".join(sorted(COMPILED_MIXED))  # what `simplify` does
    key = hashlib.sha256(data + recipe.encode()).hexdigest()
    target = cache_dir() / "rng" / f"{key}.rng"
    if target.is_file():
        return target
    try:
        tree = etree.ElementTree(etree.fromstring(data, make_parser(), base_url=schema.resolve().as_uri()))
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{display_path(schema)}: the schema is not well-formed XML: {exc}") from None
    if any(True for _ in tree.getroot().iter(_rng("include"), _rng("externalRef"))):
        return schema  # relative references must resolve next to the original
    simple = simplify(tree)
    try:  # once per schema: the whole grammar must compile, though checks use specialised copies
        etree.RelaxNG(simple)
    except etree.RelaxNGParseError as exc:
        raise InputError(f"{display_path(schema)}: not a usable RELAX NG schema: {exc}",
                         hint="check the --schema path; teikit reads RELAX NG's XML syntax") from None
    out = etree.tostring(simple, xml_declaration=True, encoding="utf-8")
    try:
        fsutil.write_bytes(target, out)
    except (OSError, TeikitError):
        return _private_copy(out, key)
    return target


def _private_copy(data: bytes, key: str) -> Path:
    """An unwritable cache is no error: keep the simplified schema in a temporary file instead."""
    import tempfile

    path = Path(tempfile.gettempdir()) / f"teikit-{os.getuid()}-{key}.rng"
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- lxml engine

_MSG = [  # libxml2's wording -> (kind, groups)
    ("unexpected", re.compile(r"Did not expect element (\S+) there")),
    ("extra", re.compile(r"Element (\S+) has extra content: (\S+)")),
    ("expecting", re.compile(r"Expecting element (\S+), got (\S+)")),
    ("missing", re.compile(r"Expecting an element (\S*) ?, got nothing")),
    ("text", re.compile(r"Expecting an element got text")),
    ("badattr", re.compile(r"Invalid attribute (\S+) for element (\S+)")),
    ("attrs", re.compile(r"Element (\S+) failed to validate attributes")),
    ("interleave", re.compile(r"Extra element (\S+) in interleave")),
    ("ns", re.compile(r"Expecting (?:no namespace for element|element) (\S+)(?: to be in namespace)?")),
]


@dataclass
class LxmlChecker(GrammarChecker):
    """libxml2 through lxml, from the simplified schema; reports every error it can find.

    The schema is compiled specialised to the element names of the documents checked so far
    (`teikit.validate.specialise`): a new document whose names are all known reuses the compiled
    grammar, one with new names widens it and compiles again (milliseconds, not the ~0.8 s that
    the whole of tei_all.rng costs). Grammars the specialiser cannot handle are compiled whole.

    A valid document costs one validation. For an invalid one, a private copy of the tree is
    examined bottom-up: a subtree that validates on its own is fine; otherwise its children are
    examined first, then the element itself, whose offending child or attribute is removed from
    the copy so validation can go on and find the next error (up to MAX_ERRORS).
    """

    info: SchemaInfo = field(init=False, repr=False)
    models: ContentModels = field(init=False, repr=False)
    _whole: etree.RelaxNG | None = field(init=False, repr=False, default=None)
    _specialiser: Specialiser | None = field(init=False, repr=False, default=None)
    _vocabulary: frozenset[str] = field(init=False, repr=False, default=frozenset())
    _compiled: etree.RelaxNG | None = field(init=False, repr=False, default=None)
    _names_file: Path | None = field(init=False, repr=False, default=None)
    _grammar: etree._ElementTree | None = field(init=False, repr=False, default=None)  # specialised
    _hollow: dict[str, etree.RelaxNG] = field(init=False, repr=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        compiled_path = simplified(self.schema)
        try:
            tree = etree.parse(str(compiled_path), make_parser())
        except (etree.XMLSyntaxError, OSError) as exc:
            raise self._unusable(exc) from None
        cached = _load_analysis(compiled_path) if compiled_path != self.schema else None
        self.info = cached[0] if cached else analyse(tree)
        self.models = ContentModels(tree)
        if specialisable(tree):
            self._specialiser = Specialiser(tree, cached[1] if cached else None)
            if compiled_path != self.schema:  # a cached simplified copy: what is learnt is kept beside it
                if cached is None:
                    _store_analysis(compiled_path, self.info, self._specialiser)
                self._names_file = compiled_path.with_suffix(".names")
                self._vocabulary = self._remembered()
                if self._vocabulary:  # compiled now, so that workers forked from here inherit it
                    self._specialise()
        else:
            self._compiled = self._compile(tree)
        if compiled_path != self.schema and not self.info.exact_start:
            # the root cannot be judged by name alone: keep the original start for the verdict
            self._whole = self._compile(etree.parse(str(self.schema), make_parser()))

    def _unusable(self, exc: Exception) -> InputError:
        return InputError(f"{display_path(self.schema)}: not a usable RELAX NG schema: {exc}",
                          hint="check the --schema path; teikit reads RELAX NG's XML syntax")

    def _compile(self, tree: etree._ElementTree, count: bool = True) -> etree.RelaxNG:
        """Compile a grammar; `count` it in `compile_count` unless it is a by-product (hollow)."""
        global compile_count
        try:
            compiled = etree.RelaxNG(tree)
        except etree.RelaxNGParseError as exc:
            raise self._unusable(exc) from None
        compile_count += count
        return compiled

    def relaxng_for(self, doc: Document) -> etree.RelaxNG:
        """The compiled grammar for `doc`: specialised to a set of names that includes all of its own."""
        if self._specialiser is None:
            assert self._compiled is not None
            return self._compiled
        names = {el.tag for el in doc.root.iter(etree.Element)}
        with self._lock:
            if self._compiled is None or not names <= self._vocabulary:
                known = self._vocabulary
                self._vocabulary = known | names
                self._specialise()
                if not self._vocabulary <= known:
                    self._remember()
            return self._compiled

    def _specialise(self) -> None:
        assert self._specialiser is not None
        self._grammar = self._specialiser.grammar(self._vocabulary)
        self._compiled = self._compile(self._grammar)
        self._hollow = {}

    def _by_parts(self, root: etree._Element) -> bool:
        """Whether `root` can be judged as its children, each alone, plus itself with them hollow.

        That needs a unique definition for the root and for each child (so that the child's
        pattern in the root's content is the one it is validated against alone), and no child
        named like the root (whose definition stays whole in the hollow grammar).
        """
        if self._grammar is None or self._whole is not None or root.tag not in self.info.rootable:
            return False
        rootable = self.info.rootable
        return all(c.tag in rootable and c.tag != root.tag for c in root.iterchildren(etree.Element))

    def hollow_for(self, root_name: str) -> etree.RelaxNG:
        """The specialised grammar with every element but `root_name` reduced to an empty element:
        it checks the root's attributes and the sequence of its children, not what they contain."""
        found = self._hollow.get(root_name)
        if found is None:
            assert self._grammar is not None
            grammar = copy.deepcopy(self._grammar)
            for define in grammar.getroot().iter(_rng("define")):
                parts = [c for c in define if isinstance(c.tag, str)]
                if len(parts) != 1 or _local(parts[0]) != "element" or parts[0].get("name") is None:
                    continue
                element = parts[0]
                if element_name(element) in (root_name, None):
                    continue
                for part in list(element):
                    element.remove(part)
                etree.SubElement(element, _rng("empty"))
            found = self._hollow[root_name] = self._compile(grammar, count=False)
        return found

    def _remembered(self) -> frozenset[str]:
        """The element names of the documents checked against this schema before, in any process.

        Starting from them, one compilation usually serves a whole run (each new name costs one).
        Only names the grammar defines are kept, so the file cannot make the grammar any larger
        than the whole schema.
        """
        assert self._names_file is not None and self._specialiser is not None
        try:
            text = self._names_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return frozenset()
        return frozenset(text.split()) & self._specialiser.element_names

    def _remember(self) -> None:
        """Add this process's vocabulary to the file (an unwritable cache is no error)."""
        from teikit import fsutil

        assert self._names_file is not None
        assert self._specialiser is not None
        names = self._vocabulary & self._specialiser.element_names
        with contextlib.suppress(OSError, TeikitError):
            fsutil.write_text(self._names_file, "\n".join(sorted(names | self._remembered())) + "\n")

    def check(self, doc: Document) -> list[Diagnostic]:
        relaxng = self.relaxng_for(doc)
        root = doc.root
        invalid: list[etree._Element] | None = None
        with self._lock:
            by_parts = self._by_parts(root)
            hollow = self.hollow_for(root.tag) if by_parts else None
        if hollow is not None:
            # The root's children one by one, then the root with them hollow: the same work as one
            # validation of the whole, but it says which children are invalid, so that an error in
            # the header never costs a second validation of the whole text.
            invalid = [c for c in root.iterchildren(etree.Element) if not relaxng.validate(c)]
            root_ok = not invalid and hollow.validate(_shallow(root))
        else:
            root_ok = relaxng.validate(doc.tree)
        if self._whole is not None:
            whole_ok = self._whole.validate(doc.tree)
        else:
            whole_ok = root_ok and (not self.info.start or root.tag in self.info.start)
        if whole_ok:
            return []
        return _Diagnosis(self, relaxng, doc, hollow, invalid).run(root_ok)


ANALYSIS_VERSION = "1"  # bump when SchemaInfo or the specialiser's analysis changes


def _load_analysis(compiled_path: Path) -> tuple[SchemaInfo, dict] | None:
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


def _store_analysis(compiled_path: Path, info: SchemaInfo, specialiser: Specialiser) -> None:
    """Keep the analysis of a simplified schema beside it: later processes skip ~0.1 s of work."""
    import json

    from teikit import fsutil

    data = {
        "version": ANALYSIS_VERSION,
        "info": {
            "children": {k: sorted(v) for k, v in info.children.items()},
            "text": sorted(info.text),
            "attributes": {k: sorted(v) for k, v in info.attributes.items()},
            "values": [[e, a, list(v)] for (e, a), v in sorted(info.values.items())],
            "start": sorted(info.start),
            "rootable": sorted(info.rootable),
            "exact_start": info.exact_start,
        },
        "specialiser": specialiser.analysis(),
    }
    with contextlib.suppress(OSError, TeikitError):
        fsutil.write_text(compiled_path.with_suffix(".json"), json.dumps(data))


class _Diagnosis:
    """One invalid document: finds, explains and repairs errors in a private copy of its tree."""

    def __init__(self, checker: LxmlChecker, relaxng: etree.RelaxNG, doc: Document,
                 hollow: etree.RelaxNG | None = None, invalid: list[etree._Element] | None = None):
        """`hollow` and `invalid`: the root was checked by parts (see `LxmlChecker.check`), and these
        of its children are invalid; the others are valid and need no examination."""
        from teikit.validate.locate import Locator

        self.rng = relaxng
        self.hollow = hollow
        self.invalid_children = invalid
        self.info = checker.info
        self.models = checker.models
        self._missing: set[tuple[etree._Element, str]] = set()  # reported as "not allowed yet; missing X"
        self.doc = doc
        self.tree = copy.deepcopy(doc.tree)
        # copy node -> source node, found when a position is needed (mapping every node of a novel
        # up front costs more than the few reports need); _gone keeps the source indices of removals
        self.original: dict[etree._Element, etree._Element] = {self.tree.getroot(): doc.root}
        self._gone: dict[etree._Element, list[int]] = {}
        self.locator = Locator(doc)
        self.found: list[Diagnostic] = []
        self._lines: Sequence[str] | None = None

    # -- driving

    def run(self, root_ok: bool) -> list[Diagnostic]:
        root = self.tree.getroot()
        if root_ok:  # every subtree fits some definition, but the root is not a start element
            self._report(root, f"element {self._show(root.tag)} is not allowed as the document element",
                         "expected " + _names(self.info.start, "element"))
            return self.found
        examined = self._examine_by_parts(root) if self.hollow is not None else \
            self._examine(root, known_invalid=True)
        if not examined and not self.found:
            self.rng.validate(root)
            self._report(root, self._first_message() or "the document does not match the schema", "")
        return self.found[:MAX_ERRORS]

    def _full(self) -> bool:
        return len(self.found) >= MAX_ERRORS

    def _examine(self, el: etree._Element, known_invalid: bool = False) -> bool:
        """Examine a subtree; True when the copy of it is now valid (after repairs).

        `known_invalid` spares a validation whose answer is known (the whole document's).
        """
        rootable = el.tag in self.info.rootable
        if rootable and not known_invalid and self.rng.validate(el):
            return True
        children = list(el.iterchildren(etree.Element))
        children_ok = True
        if rootable and len(children) > 1:
            # Examine first the children libxml2 reported errors in; if `el` is valid once they are
            # repaired, so is every other child, which then costs no validation of its own (in a
            # TEI document with an error in its header, that spares validating the whole <text>).
            suspects = self._suspects(el, children)
            if suspects:
                for child in suspects:
                    children.remove(child)
                    if self._full():
                        return False
                    children_ok = self._examine_child(el, child) and children_ok
                if children_ok and not self._full() and self.rng.validate(el):
                    return True
        for child in children:
            if self._full():
                return False
            children_ok = self._examine_child(el, child) and children_ok
        if not rootable:
            return children_ok  # its own content is judged with its parent
        if not children_ok:
            return False  # an unrepairable descendant would only cause consequential errors here
        for _ in range(MAX_ERRORS):
            if self._full():
                return False
            if self.rng.validate(el):
                return True
            if not self._explain(el):
                return False
        return False

    def _examine_by_parts(self, root: etree._Element) -> bool:
        """`_examine` for a root checked by parts: only its invalid children are examined, and the
        root itself is judged with its children hollow (no validation of the valid ones again)."""
        assert self.hollow is not None and self.invalid_children is not None
        invalid = {id(c) for c in self.invalid_children}
        children_ok = True
        for child, source in zip(root.iterchildren(etree.Element), self.doc.root.iterchildren(etree.Element),
                                 strict=True):
            if id(source) in invalid:
                if self._full():
                    return False
                children_ok = self._examine_child(root, child) and children_ok
        if not children_ok:
            return False
        for _ in range(MAX_ERRORS):
            if self._full():
                return False
            if self.hollow.validate(_shallow(root)):
                return True
            self.rng.validate(root)  # the root's own error, in the words of the whole grammar
            if not self._explain(root):
                return False
        return False

    def _examine_child(self, el: etree._Element, child: etree._Element) -> bool:
        if child.tag not in self.info.children:  # no definition at all: misspelt or foreign
            self._not_allowed(el, child)
            self._remove(child)
            return True
        return self._examine(child)

    def _suspects(self, el: etree._Element, children: list[etree._Element]) -> list[etree._Element]:
        """The children of `el` whose lines hold the errors of the validation of `el` that just failed.

        Only an order of examination: any answer is correct, a wrong one merely costs time.
        Empty when lines cannot tell (libxml2 caps them at 65535, XIncluded content, no errors).
        """
        starts = [c.sourceline or 0 for c in children]
        if not all(0 < a < b < 65535 for a, b in itertools.pairwise(starts)) or self.doc.includes:
            return []
        lines = {e.line for e in self.rng.error_log if 0 < e.line < 65535}
        found = {bisect.bisect_right(starts, line) - 1 for line in lines}
        found.discard(-1)  # on the start tag of `el`
        if len(found) >= len(children):
            return []
        return [children[i] for i in sorted(found)]

    # -- explaining one error of `el` itself (its children are valid on their own)

    def _explain(self, el: etree._Element) -> bool:
        """Report the first error libxml2 found in `el`; repair it in the copy if possible."""
        if self._unknown_attribute(el):
            return True
        sequence = self._sequence(el)
        if sequence is not None:
            return sequence
        entry, kind, groups = None, "", ()
        own = etree.QName(el).localname
        for candidate in self.rng.error_log:
            for name, pattern in _MSG:  # noqa: B007 - the loop finds which pattern matched
                m = pattern.search(candidate.message)
                if m:
                    break
            else:
                name, m = "", None
            got = m.groups()[-1] if m and m.groups() else ""
            if name in ("unexpected", "expecting", "ns") and got == own and candidate.line == el.sourceline:
                continue  # libxml2 saying that the subtree's root did not match: the cause comes later
            entry, kind, groups = candidate, name, m.groups() if m else ()
            break
        message = entry.message if entry else ""
        line = entry.line if entry else 0
        if kind in ("unexpected", "extra", "expecting", "interleave"):
            got = groups[-1]
            if got in ("text", "#text"):
                return self._stray_text(el)
            child = self._child(el, got, line)
            if child is not None:
                self._not_allowed(el, child, expected=groups[0] if kind == "expecting" else "")
                self._remove(child)
                return True
        if kind == "text":
            return self._stray_text(el)
        if kind in ("badattr", "attrs"):
            return self._attributes(el)
        if kind == "ns":
            child = self._child(el, groups[0], line)
            if child is not None:
                self._not_allowed(el, child)
                self._remove(child)
                return True
        # libxml2's message for interleaves (mixed content) may name a wrong cause: rule out attributes
        if self._attributes(el, quiet=True):
            return True
        if self._stray_text(el, only_if_disallowed=True):
            return True
        if kind == "missing" or (kind == "" and not message.strip()):
            if self._missing_children(el):
                return False
            missing = f"missing required element {self._show_local(groups[0], el)}" if groups else \
                "a required element is missing"
            self._report(el, f"element {self._show(el.tag)} incomplete; {missing}",
                         self._allowed_children(el))
            return False
        self._report(el, f"element {self._show(el.tag)}: " + (message or "content does not match the schema"),
                     self._allowed_children(el))
        return False

    def _sequence(self, el: etree._Element) -> bool | None:
        """Check the order of `el`'s children with the content models, which are never stricter than
        the schema (they ignore attributes and text), so an error found here is certain.

        True: an out-of-place child was reported and removed; False: a missing child was reported;
        None: the sequence of child names is fine, the error lies elsewhere.
        """
        pattern = self.models.content(el.tag)
        if pattern is None:
            return None
        for child in el.iterchildren(etree.Element):
            following = self.models.deriv(pattern, child.tag)
            if following == _NONE:
                self._not_allowed(el, child)
                self._remove(child)
                return True
            pattern = following
        if not self.models.nullable(pattern) and self._missing_children(el):
            return False
        return None

    def _unknown_attribute(self, el: etree._Element) -> bool:
        allowed = self.info.attributes.get(el.tag)
        if allowed is None:
            return False
        for att in el.attrib:
            if att not in allowed:
                shown = _att_name(att)
                close = _close(shown, [_att_name(a) for a in allowed])
                self._report(el, f"attribute \"{shown}\" not allowed on element {self._show(el.tag)}",
                             (f"did you mean \"{close}\"? " if close else "")
                             + "expected " + _names(allowed, "attribute"), attribute=att)
                del el.attrib[att]
                return True
        return False

    def _attributes(self, el: etree._Element, quiet: bool = False) -> bool:
        """Find the attribute that makes `el` invalid: unknown names first, then by trying without each."""
        allowed = self.info.attributes.get(el.tag, frozenset())
        if self._unknown_attribute(el):
            return True
        for att, value in list(el.attrib.items()):
            del el.attrib[att]
            ok = self.rng.validate(el)
            el.set(att, value)
            if ok:
                values = self.info.values.get((el.tag, att))
                hint = ("allowed values: " + ", ".join(f'"{v}"' for v in values)) if values else \
                    _datatype_hint(att)
                self._report(el, f"value \"{value}\" of attribute \"{_att_name(att)}\" is invalid",
                             hint, attribute=att)
                del el.attrib[att]
                return True
        missing = sorted(a for a in self.models.required_attributes(el.tag) if a not in el.attrib)
        if missing:
            self._report(el, f"element {self._show(el.tag)} missing required "
                             + _names(missing, "attribute"), f"add {_att_name(missing[0])}=\"…\"")
            return False
        if quiet:
            return False
        self._report(el, f"element {self._show(el.tag)}: its attributes do not match the schema",
                     "allowed attributes: " + _names(allowed, "attribute"))
        return False

    def _stray_text(self, el: etree._Element, only_if_disallowed: bool = False) -> bool:
        if only_if_disallowed and el.tag in self.info.text:
            return False
        holder, text = None, el.text
        if text is None or not text.strip():
            for child in el.iterchildren():
                if child.tail and child.tail.strip():
                    holder, text = child, child.tail
                    break
            else:
                return False
        snippet = " ".join(text.split())[:40]
        self._report(holder if holder is not None else el,
                     f"text not allowed here (in element {self._show(el.tag)}): \"{snippet}\"",
                     "move the text into an element that allows it, e.g. <p>, or delete it; "
                     + self._allowed_children(el), text=text.strip())
        if holder is None:
            el.text = None
        else:
            holder.tail = None
        return True

    def _not_allowed(self, parent: etree._Element, child: etree._Element, expected: str = "") -> None:
        known = child.tag in self.info.children
        allowed = self.info.children.get(parent.tag, frozenset())
        local = etree.QName(child).localname
        close = _close(local, [etree.QName(a).localname for a in allowed])
        hint = f"did you mean \"{close}\"? " if close and not known else ""
        same_name = [a for a in allowed if etree.QName(a).localname == local]
        if same_name and not known:  # right name, wrong namespace
            ns = etree.QName(same_name[0]).namespace
            hint = f'"{local}" is defined in namespace {ns}: declare it with xmlns="{ns}"; '
        before = [c.tag for c in child.itersiblings(etree.Element, preceding=True)][::-1]
        position = self.models.expected(parent.tag, before)
        message = f"element {self._show(child.tag)} not allowed {'here' if known else 'anywhere'}"
        if position is not None:
            names, end_ok = position
            if child.tag in allowed and not end_ok and names and child.tag not in names:
                # allowed later: what is missing first is the real error (as Jing says it)
                message = f"element {self._show(child.tag)} not allowed yet; " + _lacking(names)
                self._missing.update((parent, n) for n in names)
            hint += self._expected(names, end_ok)
        else:
            if expected:
                hint += f"expected element {self._show_local(expected, parent)} at this position; "
            hint += self._allowed_children(parent)
        self._report(child, f"{message} (in element {self._show(parent.tag)})", hint)

    def _expected(self, names: frozenset[str], end_ok: bool) -> str:
        """Jing's wording: 'expected the element end-tag, text or element "a" or "b"'."""
        parts = []
        if end_ok:
            parts.append("the element end-tag")
        if names:
            parts.append(_names(names, "element"))
        return "expected " + (" or ".join(parts) if parts else "nothing more: the content is complete")

    def _missing_children(self, el: etree._Element) -> bool:
        """Report what `el` lacks at its end, unless already said; False when the model cannot tell."""
        children = [c.tag for c in el.iterchildren(etree.Element)]
        position = self.models.expected(el.tag, children)
        if position is None or position[1] or not position[0]:
            return False
        names = position[0]
        if all((el, n) in self._missing for n in names):
            return True  # reported with the element that came too early
        self._report(el, f"element {self._show(el.tag)} incomplete; " + _lacking(names),
                     self._expected(names, False))
        return True

    # -- helpers

    def _allowed_children(self, el: etree._Element) -> str:
        allowed = self.info.children.get(el.tag)
        if allowed is None:
            return ""
        text = "text and " if el.tag in self.info.text else ""
        if not allowed:
            return f"{self._show(el.tag)} allows " + ("text, no child elements" if text else "no content")
        return f"{self._show(el.tag)} may contain {text}" + _names(allowed, "element")

    def _child(self, el: etree._Element, name: str, line: int) -> etree._Element | None:
        local = name.rpartition(":")[2]
        same = [c for c in el.iterchildren(etree.Element) if etree.QName(c).localname == local]
        return next((c for c in same if c.sourceline == line), same[0] if same else None)

    def _first_message(self) -> str:
        return self.rng.error_log[0].message if len(self.rng.error_log) else ""

    def _show(self, tag: str) -> str:
        q = etree.QName(tag)
        if q.namespace is None and self.doc.is_tei:
            return f'"{q.localname}" (in no namespace)'
        if q.namespace in (None, self._tei_ns()):
            return f'"{q.localname}"'
        return f'"{q.localname}" ({q.namespace})'

    def _show_local(self, name: str, context: etree._Element) -> str:
        return f'"{name.rpartition(":")[2]}"'

    @staticmethod
    def _tei_ns() -> str:
        return "http://www.tei-c.org/ns/1.0"

    def _source_lines(self) -> Sequence[str]:
        if self._lines is None:
            encoding = self.doc.tree.docinfo.encoding or "utf-8"
            try:
                data = self.doc.path.read_bytes()
                self._lines = _SourceLines.of(data, encoding)
            except (OSError, LookupError):
                self._lines = []
        return self._lines

    def _remove(self, node: etree._Element) -> None:
        """Remove `node` from the copy, remembering where it was in the source."""
        parent = node.getparent()
        if parent is not None and self._source_of(node) is not None:
            self._gone.setdefault(parent, []).append(self._source_index(node))
        remove_keeping_text(node)

    def _source_index(self, node: etree._Element) -> int:
        """`node`'s index among its parent's children in the source (removed siblings counted)."""
        parent = node.getparent()
        assert parent is not None
        index = parent.index(node)
        for gone in sorted(self._gone.get(parent, ())):
            if gone <= index:
                index += 1
        return index

    def _source_of(self, node: etree._Element) -> etree._Element | None:
        """The source node of a node of the copy (None if the two trees do not correspond)."""
        found = self.original.get(node)
        if found is not None:
            return found
        parent = node.getparent()
        source_parent = self._source_of(parent) if parent is not None else None
        if source_parent is None:
            return None
        index = self._source_index(node)
        if index >= len(source_parent):
            return None
        found = self.original[node] = source_parent[index]
        return found

    def _position(self, node: etree._Element, attribute: str = "", text: str = "") -> tuple[int, int]:
        original = self._source_of(node)
        if original is None:
            line, column = node.sourceline or 0, 0
        else:
            line, column = self._start_tag(original) or self.locator.position(original)
        if text and line and column:  # the text itself: the first place after the start tag it occurs
            return self._find_text(line, column, text.splitlines()[0].strip()) or (line, column)
        if attribute and line and column:
            att = _att_name(attribute)
            lines = self._source_lines()
            pattern = re.compile(r"\s" + re.escape(att) + r"\s*=")
            for offset in range(0, 50):
                index = line - 1 + offset
                if index >= len(lines):
                    break
                text = lines[index]
                start = column - 1 if offset == 0 else 0
                m = pattern.search(" " + text[start:] if offset else text[start:])
                if m:
                    col = (start + m.start() + 2) if offset == 0 else m.start() + 1
                    return index + 1, col
                if ">" in text[start:]:
                    break
        return line, column

    def _start_tag(self, el: etree._Element) -> tuple[int, int] | None:
        """Where `el`'s start tag begins, found near libxml2's line without scanning the whole file.

        libxml2 gives the line of the start tag's end; the tag is the k-th `<name` there (k counting
        earlier siblings of the same name on that line), or the last one on an earlier line when the
        tag spans lines. None when unsure (XIncluded content, no match): then `Locator` decides.
        """
        line = el.sourceline or 0
        lines = self._source_lines()
        if self.doc.includes or not line or line > len(lines):
            return None
        local = etree.QName(el).localname
        tag = re.compile(r"<(?:[\w.\-]+:)?" + re.escape(local) + r"(?=[\s/>]|$)")
        same_line_before = _same_line_before(el, line)
        found = [m.start() for m in tag.finditer(lines[line - 1])]
        if len(found) > same_line_before:
            return line, found[same_line_before] + 1
        if found:
            return None
        for index in range(line - 2, max(-1, line - 30), -1):
            found = [m.start() for m in tag.finditer(lines[index])]
            if found:
                return index + 1, found[-1] + 1
        return None

    def _find_text(self, line: int, column: int, needle: str) -> tuple[int, int] | None:
        lines = self._source_lines()
        for index in range(line - 1, min(len(lines), line + 200)):
            start = column - 1 if index == line - 1 else 0
            found = lines[index].find(needle, start)
            if found >= 0:
                return index + 1, found + 1
        return None

    def _report(self, node: etree._Element, message: str, hint: str, attribute: str = "",
                text: str = "") -> None:
        line, column = self._position(node, attribute, text)
        self.found.append(Diagnostic(self.doc.display, line, column, Severity.ERROR, "rng", message,
                                     hint=hint, source="relaxng"))


class _SourceLines(Sequence[str]):
    """The lines of a source file, each decoded when first asked for.

    Errors sit in a few places of what may be a large file (a novel with errors in its header):
    decoding and splitting all of it cost more than finding the errors. Used only for encodings in
    which a newline is the byte 0x0A and never part of another character, and files without CR
    (whose line ends need XML's normalisation); `of` splits other files whole, as text.
    """

    _BYTEWISE = frozenset({"utf-8", "ascii", "latin-1", "iso8859-15", "cp1252"})

    def __init__(self, data: bytes, encoding: str):
        self._data = data
        self._encoding = encoding
        self._starts = [0]  # byte offsets of the lines found so far
        self._len = data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)

    @classmethod
    def of(cls, data: bytes, encoding: str) -> Sequence[str]:
        if codecs.lookup(encoding).name in cls._BYTEWISE and b"\r" not in data:
            return cls(data, encoding)
        return data.decode(encoding, errors="replace").splitlines()

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._len))]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(index)
        while len(self._starts) <= index + 1:
            end = self._data.find(b"\n", self._starts[-1])
            self._starts.append(len(self._data) + 1 if end < 0 else end + 1)
        return self._data[self._starts[index]:self._starts[index + 1] - 1].decode(self._encoding,
                                                                                  errors="replace")


def _same_line_before(el: etree._Element, line: int) -> int:
    """How many elements with `el`'s tag start on `line` before `el` in document order.

    Walks backwards (earlier siblings, then ancestors) and stops at the first node before the line:
    start tags appear in document order, so nothing earlier can be on the line.
    """
    count = 0
    node = el
    while node is not None:
        for sibling in node.itersiblings(preceding=True):
            last = sibling
            while len(last):
                last = last[-1]
            if (last.sourceline or 0) >= line:
                count += sum(1 for e in sibling.iter(el.tag) if e.sourceline == line)
            if (sibling.sourceline or 0) < line:
                return count
        node = node.getparent()
        if node is None or (node.sourceline or 0) < line:
            return count
        if node.tag == el.tag:
            count += 1
    return count


def _shallow(el: etree._Element) -> etree._Element:
    """`el` with its attributes, text and children, but the children empty and without attributes."""
    shallow = etree.Element(el.tag, attrib=dict(el.attrib), nsmap=el.nsmap)
    shallow.text = el.text
    last: etree._Element | None = None
    for child in el:
        if isinstance(child.tag, str):
            last = etree.SubElement(shallow, child.tag)
            last.tail = child.tail
        elif child.tail:  # a comment or processing instruction: only the text after it counts
            if last is None:
                shallow.text = (shallow.text or "") + child.tail
            else:
                last.tail = (last.tail or "") + child.tail
    return shallow


def _att_name(att: str) -> str:
    q = etree.QName(att)
    if q.namespace == XML_NS:
        return "xml:" + q.localname
    return q.localname


def _names(names: Iterable[str], what: str, limit: int = 60) -> str:
    shown = sorted({_att_name(n) if what == "attribute" else etree.QName(n).localname
                    for n in names if n != _ANY}, key=lambda s: (s.lower(), s))
    if _ANY in names:
        shown.append("(any name)")
    if not shown:
        return f"no {what}"
    quoted = [f'"{n}"' for n in shown[:limit]]
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    if len(quoted) == 1:
        return f"{what} {quoted[0]}"
    if more:
        return f"{what} " + ", ".join(quoted) + more
    return f"{what} " + ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _lacking(names: frozenset[str]) -> str:
    """'missing required element "title"', or the choice when one of several must come first."""
    if len(names) == 1:
        return "missing required " + _names(names, "element")
    return "first expected " + _names(names, "element")


def _close(name: str, candidates: Iterable[str]) -> str:
    import difflib

    found = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return found[0] if found else ""


def _datatype_hint(att: str) -> str:
    local = etree.QName(att).localname
    if local in ("when", "notBefore", "notAfter", "from", "to", "when-iso"):
        return "dates are ISO 8601 (W3C): YYYY, YYYY-MM or YYYY-MM-DD"
    if local in ("target", "ref", "corresp", "ana", "resp", "source", "facs"):
        return "pointers are URIs separated by spaces, e.g. \"#id1 #id2\""
    return "see the attribute's datatype in the schema"

# --------------------------------------------------------------------------- Jing engine

_JING_LINE = re.compile(
    r"^(?P<file>.*?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|fatal): (?P<msg>.*)$")


def jing_command() -> list[str]:
    """How to start Jing here, or ToolMissingError saying how to install it."""
    jing = shutil.which("jing")
    if jing and shutil.which("java"):
        return [jing]
    jar = os.environ.get("TEIKIT_JING_JAR")
    if jar and Path(jar).is_file() and shutil.which("java"):
        return ["java", "-jar", jar]
    raise ToolMissingError("the jing engine needs Jing and a Java runtime, which are not installed",
                           hint="install them (Debian: apt-get install jing default-jre-headless), "
                                "set TEIKIT_JING_JAR to a jing.jar, or use --engine lxml")


@dataclass
class JingChecker(GrammarChecker):
    """Jing in a subprocess: all documents of a batch in one JVM, so the schema is read once."""

    def __post_init__(self) -> None:
        jing_command()  # fail early, before any document is read

    def check(self, doc: Document) -> list[Diagnostic]:
        return self.check_many([doc])[doc.display]

    def check_many(self, docs: list[Document]) -> dict[str, list[Diagnostic]]:
        """Jing reads the files itself: it sees the bytes on disk (XIncludes unexpanded)."""
        result: dict[str, list[Diagnostic]] = {doc.display: [] for doc in docs}
        if not docs:
            return result
        by_path = {str(doc.path.resolve()): doc for doc in docs}
        with tempfile.TemporaryDirectory(prefix="teikit-jing-") as scratch:
            # Jing parses files with Java's own parser, which would fetch a DOCTYPE's external DTD:
            # it gets copies with the DOCTYPE blanked out instead (lines and columns unchanged).
            given: dict[str, str] = {}
            for index, (name, doc) in enumerate(by_path.items()):
                given[_without_doctype(doc, Path(scratch) / str(index))] = name
            proc = subprocess.run([*jing_command(), str(self.schema), *given], capture_output=True,
                                  text=True, timeout=3600)
        output = proc.stdout + proc.stderr
        for scratch_copy, name in given.items():
            output = output.replace(scratch_copy, name)
        for diag in parse_jing_output(output, by_path, self.schema):
            result.setdefault(diag.file, []).append(diag)
        if proc.returncode not in (0, 1) or (proc.returncode == 1 and not any(result.values())):
            raise ToolMissingError(f"Jing failed (exit {proc.returncode}): {output.strip()[:500]}",
                                   hint="check the schema with `jing SCHEMA` or use --engine lxml")
        return result


_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]|\[(?:[^\]\"']|\"[^\"]*\"|'[^']*')*\])*>")


def _without_doctype(doc: Document, folder: Path) -> str:
    """The path Jing should read for `doc`: the file itself, or a copy without its DOCTYPE."""
    original = str(doc.path.resolve())
    try:
        data = doc.path.read_bytes()
    except OSError:
        return original
    match = _DOCTYPE.search(data)
    if match is None:
        if b"<!DOCTYPE" not in data[:4096] and b"<\x00!\x00D\x00" not in data[:8192]:
            return original
        # Not ASCII-compatible (UTF-16) or unusual: hand Jing the safe parser's tree instead.
        blanked = etree.tostring(doc.tree, encoding="UTF-8", xml_declaration=True)
    else:
        span = data[match.start():match.end()]
        blanked = data[:match.start()] + bytes(b if b in b"\r\n" else 0x20 for b in span) + data[match.end():]
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / doc.path.name
    copy.write_bytes(blanked)
    return str(copy)


def parse_jing_output(output: str, by_path: dict[str, Document], schema: Path) -> list[Diagnostic]:
    """Turn Jing's `file:line:col: error: message` lines into diagnostics."""
    found: list[Diagnostic] = []
    for raw in output.splitlines():
        match = _JING_LINE.match(raw)
        if not match:
            continue
        file = match["file"]
        file = unquote(urlparse(file).path) if file.startswith("file:") else file
        doc = by_path.get(str(Path(file).resolve()))
        shown = doc.display if doc else display_path(Path(file))
        message, hint = split_jing_message(match["msg"])
        severity = Severity.WARNING if match["sev"] == "warning" else Severity.ERROR
        rule = "rng" if doc else "rng.schema"
        found.append(Diagnostic(shown, int(match["line"]), int(match["col"]), severity, rule, message,
                                hint=hint, source="relaxng"))
    return found


def split_jing_message(message: str) -> tuple[str, str]:
    """Jing says 'X not allowed here; expected Y': the second half is the hint."""
    head, sep, tail = message.partition("; expected ")
    if sep:
        return head, "expected " + tail.rstrip(".")
    return message, ""


# --------------------------------------------------------------------------- <?xml-model?>

_PSEUDO_ATTR = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _xml_models(doc: Document) -> Iterable[tuple[etree._Element, dict[str, str]]]:
    """The <?xml-model?> processing instructions before the root element."""
    node = doc.root.getprevious()
    found = []
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model":
            attrs = {m[1]: m[2] if m[2] is not None else m[3] for m in _PSEUDO_ATTR.finditer(node.text or "")}
            found.append((node, attrs))
        node = node.getprevious()
    return reversed(found)


def _is_relaxng(attrs: dict[str, str]) -> bool:
    ns = attrs.get("schematypens", "")
    if ns:
        return ns == RNG_NS
    kind = attrs.get("type", "")
    return kind in RNG_TYPES and attrs.get("href", "").endswith(".rng")


def _is_schematron(attrs: dict[str, str]) -> bool:
    return attrs.get("schematypens", "") == SCHEMATRON_NS or attrs.get("href", "").endswith(".sch")


def _resolve(doc: Document, pi: etree._Element, href: str) -> tuple[Path | None, Diagnostic | None]:
    url = urlparse(href)
    line = pi.sourceline or 1
    if url.scheme not in ("", "file") or url.netloc:
        return None, Diagnostic(doc.display, line, 1, Severity.WARNING, "rng.remote-schema",
                                f"<?xml-model?> names the remote schema {href}; teikit never fetches it, "
                                "so it was skipped",
                                hint="download it once and pass --schema PATH, or point href at a local copy",
                                source="relaxng")
    target = (doc.path.parent / unquote(url.path)).resolve()
    if not target.is_file():
        return None, Diagnostic(doc.display, line, 1, Severity.ERROR, "rng.missing-schema",
                                f"<?xml-model?> names {href}, which does not exist ({display_path(target)})",
                                hint="fix the href (relative to the document) or pass --schema PATH",
                                source="relaxng")
    return target, None


def declared_schemas(doc: Document) -> list[tuple[Path | None, str, Diagnostic | None]]:
    """RELAX NG schemas a document declares with <?xml-model?>: (path or None, href, problem)."""
    found = []
    for pi, attrs in _xml_models(doc):
        href = attrs.get("href", "")
        if not href or not _is_relaxng(attrs):
            continue
        path, problem = _resolve(doc, pi, href)
        found.append((path, href, problem))
    return found


def declared_schematron(doc: Document) -> list[Path]:
    """Local Schematron files a document declares with <?xml-model?> (remote ones are skipped)."""
    found = []
    for pi, attrs in _xml_models(doc):
        href = attrs.get("href", "")
        if href and _is_schematron(attrs) and not _is_relaxng(attrs):
            path, _problem = _resolve(doc, pi, href)
            if path is not None:
                found.append(path)
    return found


