"""Content models as RELAX NG derivatives over child element names: what may come next.

libxml2 does not say what the schema expects at the position of an error; Jing does ("expected
the element end-tag or element ..."). `ContentModels` computes that from the grammar.
"""

from __future__ import annotations

from lxml import etree

from teikit.validate.grammar.rng_syntax import attribute_name, element_name
from teikit.validate.grammar.rng_syntax import local as _local
from teikit.validate.grammar.rng_syntax import rng as _rng

EMPTY = ("empty",)
NONE = ("none",)
ANY = "*"  # a wildcard name (anyName / nsName)


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
        result = NONE
        for node in nodes:
            kids = [k for k in node if _local(k)]
            if node.get("name") is None and kids:
                kids = kids[1:]  # the name class
            result = _choice(result, self._seq(kids))
        return result

    def _seq(self, nodes: list[etree._Element]) -> tuple:
        result = EMPTY
        for node in nodes:
            result = _group(result, self._pattern(node))
        return result

    def _pattern(self, node: etree._Element) -> tuple:
        kind = _local(node)
        kids = [k for k in node if _local(k)]
        if kind == "element":
            name = element_name(node)
            return ("el", name or ANY)
        if kind in ("attribute", "text", "data", "value", "list", "empty"):
            return EMPTY
        if kind == "notAllowed":
            return NONE
        if kind == "ref":
            return ("ref", node.get("name"))
        if kind in ("group", "define", "mixed"):
            return self._seq(kids)
        if kind == "choice":
            result = NONE
            for k in kids:
                result = _choice(result, self._pattern(k))
            return result
        if kind == "interleave":
            result = EMPTY
            for k in kids:
                result = _inter(result, self._pattern(k))
            return result
        if kind == "optional":
            return _choice(self._seq(kids), EMPTY)
        if kind == "oneOrMore":
            return _more(self._seq(kids))
        if kind == "zeroOrMore":
            return _choice(_more(self._seq(kids)), EMPTY)
        return EMPTY  # annotations and the like

    def _ref(self, name: str) -> tuple:
        found = self._refs.get(name)
        if found is None:
            self._refs[name] = NONE  # refs recurse only through elements, which are atomic here
            found = NONE
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
                found = NONE
            elif kind == "el":
                found = EMPTY if p[1] in (name, ANY) else NONE
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
                found = _group(self.deriv(p[1], name), _choice(p, EMPTY))
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
            if p == NONE:
                return None
        return self.first(p), self.nullable(p)


def _choice(a: tuple, b: tuple) -> tuple:
    if a == NONE:
        return b
    if b == NONE or a == b:
        return a
    return ("choice", a, b)


def _both(kind: str, a: tuple, b: tuple) -> tuple:
    """A group or interleave of two patterns, simplified the same way for both."""
    if NONE in (a, b):
        return NONE
    if a == EMPTY:
        return b
    if b == EMPTY:
        return a
    return (kind, a, b)


def _group(a: tuple, b: tuple) -> tuple:
    return _both("group", a, b)


def _inter(a: tuple, b: tuple) -> tuple:
    return _both("inter", a, b)


def _more(p: tuple) -> tuple:
    return p if p in (EMPTY, NONE) else ("more", p)

