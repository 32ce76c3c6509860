"""A grammar cut down to the element names that the documents at hand use.

Why: compiling tei_all.rng costs libxml2 about 0.8 s even in its simplified form, almost all of
it spent on content models full of elements that a given corpus never uses (the shared test
corpora use 92 of its 590 elements). For a document whose element names all lie in a set V,
an `element` pattern whose name is outside V can match nothing in it, so replacing it with
`notAllowed` changes no verdict on that document. Propagating `notAllowed` as the RELAX NG
specification's simplification does (section 4.19: it absorbs groups, vanishes from choices,
turns `optional` and `zeroOrMore` into `empty`) and dropping what can no longer be reached
leaves a grammar that accepts the document if and only if the original does. It compiles in
milliseconds, and validates faster too (its content models are small).

Attributes cost no compile time, but validation time: libxml2 tries every attribute pattern of an
element against its attributes. `without_unused_attributes` turns, in a specialised grammar,
each optional attribute whose name no document at hand uses into `optional(notAllowed)`
(`optional(attribute x)` matches nothing but the empty sequence in a document without an
attribute x): about 12% less validation time on the shared corpora. Required attributes and
name classes stay, so an element that lacks a required attribute is still reported as such,
and hints name every attribute the original grammar allows (they come from its analysis, not
from the specialised copy).

The output is also normalised (no `group`, `interleave` or `choice` of a single pattern, no
`empty` inside a group): libxml2 2.14's own simplification can loop forever on some of the
shapes that pruning would otherwise leave behind.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from lxml import etree

from teikit.validate.grammar.rng_syntax import R as _R
from teikit.validate.grammar.rng_syntax import attribute_name, element_name
from teikit.validate.grammar.rng_syntax import local as _local
from teikit.validate.grammar.rng_syntax import ns_in_scope as _ns_in_scope

_NAME_CLASSES = frozenset({"name", "anyName", "nsName", "except"})
# never pruned, never notAllowed:
_LEAVES = frozenset({"text", "empty", "data", "value", "attribute", "list"})
# notAllowed as soon as one part is:
_ALL = frozenset({"group", "interleave", "oneOrMore", "mixed", "define", "start"})
# never notAllowed, as they can match nothing:
_MAYBE = frozenset({"optional", "zeroOrMore"})
_FLATTEN = tuple(_R + k for k in ("group", "interleave", "choice", "optional", "zeroOrMore", "oneOrMore"))

IR = tuple  # ("na",) ("ok",) ("ref", name) ("el", clark name or None, IR) ("all", IRs) ("any", IRs)
_OK: IR = ("ok",)
_NA: IR = ("na",)


def pattern_ir(node: etree._Element) -> IR:
    """What of a pattern decides whether it is notAllowed: its refs, element names and combinators."""
    kind = _local(node)
    if kind == "notAllowed":
        return _NA
    if kind == "ref":
        return ("ref", node.get("name"))
    if kind == "element":
        return ("el", element_name(node), ("all", tuple(pattern_ir(c) for c in _patterns(node))))
    if kind == "choice":
        return ("any", tuple(pattern_ir(c) for c in _patterns(node)))
    if kind in _ALL:
        return ("all", tuple(pattern_ir(c) for c in _patterns(node)))
    return _OK  # optional, zeroOrMore, leaves, and anything unknown: kept as it is


def not_allowed(ir: IR, names: frozenset[str], dead: set[str]) -> bool:
    """Whether a pattern is notAllowed when only elements in `names` exist and the defines in
    `dead` are notAllowed."""
    kind = ir[0]
    if kind == "ok":
        return False
    if kind == "na":
        return True
    if kind == "ref":
        return ir[1] in dead
    if kind == "el":
        return (ir[1] is not None and ir[1] not in names) or not_allowed(ir[2], names, dead)
    if kind == "all":
        return any(not_allowed(p, names, dead) for p in ir[1])
    return all(not_allowed(p, names, dead) for p in ir[1])  # "any": a choice


def _patterns(node: etree._Element) -> list[etree._Element]:
    """`node`'s child patterns: RELAX NG elements that are not name classes (no annotations)."""
    return [c for c in node if _local(c) and _local(c) not in _NAME_CLASSES]


def specialisable(tree: etree._ElementTree) -> bool:
    """Whether `Specialiser` handles this grammar: one file, no nested grammars, defines not combined."""
    root = tree.getroot()
    if _local(root) != "grammar":
        return False
    for node in root.iter(_R + "include", _R + "externalRef", _R + "parentRef", _R + "grammar"):
        if node is not root:
            return False
    holders = [*root.iter(_R + "define"), *root.iter(_R + "start")]
    for holder in holders:  # each is copied out on its own: nothing may be inherited from a <div>
        for anc in holder.iterancestors():
            if anc is not root and (anc.get("ns") is not None or anc.get("datatypeLibrary") is not None):
                return False
    names = [d.get("name") for d in root.iter(_R + "define")]
    return len(names) == len(set(names)) and len(holders) - len(names) == 1


class Specialiser:
    """Makes, for any set of element names, the grammar specialised to it (see the module docstring).

    The analysis of the grammar is done once; each `grammar(names)` then costs time in proportion
    to the part of the grammar those names can reach.
    """

    def __init__(self, tree: etree._ElementTree, analysis: dict | None = None):
        """`analysis`: what `analysis()` returned for the same grammar, to skip that work."""
        if not specialisable(tree):
            raise ValueError("grammar not specialisable")
        self.root = tree.getroot()
        self.start = next(self.root.iter(_R + "start"))
        self.defines = {d.get("name"): d for d in self.root.iter(_R + "define")}
        if analysis is not None:
            self.ir = analysis["ir"]
            self.element_names = frozenset(analysis["element_names"])
        else:
            self.ir = {name: pattern_ir(d) for name, d in self.defines.items()}
            self.element_names = frozenset(n for n in map(element_name, self.root.iter(_R + "element")) if n)
        self._uses: dict[str | None, tuple[set[str], set[str]]] = {}  # define -> its refs, its element names
        self._pieces: dict[tuple, bytes] = {}  # (define, signature) -> pruned copy, serialised
        self._kept_refs: dict[tuple, list[str]] = {}  # (define, signature) -> refs left in that copy
        self.referrers: dict[str, set[str]] = {name: set() for name in self.defines}
        for name, d in self.defines.items():
            for ref in d.iter(_R + "ref"):
                self.referrers.setdefault(ref.get("name"), set()).add(name)

    def analysis(self) -> dict:
        """The grammar's analysis as plain data (JSON), to be kept beside a cached grammar."""
        return {"ir": self.ir, "element_names": sorted(self.element_names)}

    # -- analysis

    def _not_allowed(self, names: frozenset[str]) -> set[str]:
        """The defines that are notAllowed once elements outside `names` are (a least fixpoint)."""
        dead: set[str] = set()
        todo = list(self.ir)
        while todo:
            name = todo.pop()
            if name not in dead and not_allowed(self.ir[name], names, dead):
                dead.add(name)
                todo.extend(self.referrers.get(name, ()))
        return dead

    # -- output

    def grammar(self, names: Iterable[str]) -> etree._ElementTree:
        """The grammar specialised to the element (Clark) names `names`."""
        names = frozenset(names)
        dead = self._not_allowed(names)
        pruner = _Pruner(names, dead)
        parts = [self._pruned(None, self.start, pruner)]
        todo = list(self._kept_refs[(None, self._signature(None, pruner))])
        kept: set[str] = set()
        while todo:
            name = todo.pop()
            if name in kept or name not in self.defines:
                continue  # an undefined name is left for libxml2 to report
            kept.add(name)
            part = self._pruned(name, self.defines[name], pruner)
            parts.append(part)
            todo.extend(self._kept_refs[(name, self._signature(name, pruner))])
        root = self.root
        shell = etree.tostring(etree.Element(root.tag, attrib=dict(root.attrib), nsmap=root.nsmap))
        qname = f"{root.prefix}:grammar" if root.prefix else "grammar"
        text = shell.removesuffix(b"/>") + b">" + b"".join(parts) + f"</{qname}>".encode()
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        return etree.ElementTree(etree.fromstring(text, parser))

    def _signature(self, name: str | None, pruner: _Pruner) -> tuple:
        """What the pruned form of a define depends on: which of its refs are dead, which names live."""
        refs, names = self._uses[name]
        return frozenset(refs & pruner.dead), frozenset(names & pruner.names)

    def _pruned(self, name: str | None, node: etree._Element, pruner: _Pruner) -> bytes:
        """The serialised pruned copy of a define (or the start), reused while its signature holds."""
        if name not in self._uses:
            self._uses[name] = ({r.get("name") for r in node.iter(_R + "ref")},
                                {n for n in map(element_name, node.iter(_R + "element")) if n is not None})
        key = (name, self._signature(name, pruner))
        found = self._pieces.get(key)
        if found is None:
            holder = copy.deepcopy(node)
            if holder.get("ns") is None:  # the copy stands alone: make the inherited namespace its own
                holder.set("ns", _ns_in_scope(node))
            pruner.prune_holder(holder)
            _normalise(holder)
            holder.tail = None
            found = self._pieces[key] = etree.tostring(holder)
            self._kept_refs[key] = [r.get("name") for r in holder.iter(_R + "ref")]
        return found


class _Pruner:
    def __init__(self, names: frozenset[str], dead: set[str]):
        self.names = names
        self.dead = dead

    def na(self, node: etree._Element) -> bool:
        return not_allowed(pattern_ir(node), self.names, self.dead)

    def prune_holder(self, holder: etree._Element) -> None:
        """Prune a start, define or element that is itself allowed."""
        if any(self.na(c) for c in _patterns(holder)):  # a dead define or start: its content is notAllowed
            for c in _patterns(holder):
                holder.remove(c)
            etree.SubElement(holder, _R + "notAllowed")
            return
        self.prune(holder)

    def prune(self, node: etree._Element) -> None:
        """Remove what is notAllowed below `node`, which is not notAllowed itself."""
        is_choice = _local(node) == "choice"
        for child in _patterns(node):
            kind = _local(child)
            if kind in _LEAVES:
                continue
            if is_choice and self.na(child):
                node.remove(child)
            elif kind in _MAYBE and any(self.na(c) for c in _patterns(child)):
                _replace(child, etree.Element(_R + "empty"))  # optional(notAllowed) = empty
            else:
                self.prune(child)


def _replace(old: etree._Element, new: etree._Element) -> None:
    new.tail = old.tail
    parent = old.getparent()
    assert parent is not None
    parent.replace(old, new)


def _normalise(root: etree._Element) -> None:
    """No single-pattern group/interleave/choice, no `empty` among other patterns of a group."""
    for node in reversed(list(root.iter(*_FLATTEN))):
        kind = _local(node)
        parts = _patterns(node)
        if kind in ("group", "interleave"):
            parts = _drop_empties(node, parts)
        if kind in ("group", "interleave", "choice") and len(parts) == 1:
            _replace(node, parts[0])
        elif kind in ("optional", "zeroOrMore", "oneOrMore") and all(_local(p) == "empty" for p in parts):
            _replace(node, etree.Element(_R + "empty"))
    for holder in root.iter(_R + "element", _R + "define", _R + "start"):
        _drop_empties(holder, _patterns(holder))


def _drop_empties(node: etree._Element, parts: list[etree._Element]) -> list[etree._Element]:
    """Remove the `empty` patterns of a group-like `node` (one stays if nothing else would)."""
    empties = [p for p in parts if _local(p) == "empty"]
    for p in empties[1:] if len(empties) == len(parts) else empties:
        node.remove(p)
    return _patterns(node)


def without_unused_attributes(grammar: etree._ElementTree, used: frozenset[str]) -> etree._ElementTree:
    """`grammar` (changed in place) with `optional(notAllowed)` for each optional attribute whose
    (Clark) name is not in `used`: it accepts the same documents among those whose attribute
    names all lie in `used`.

    The `optional` is kept on purpose: libxml2 validates `optional(notAllowed)` (which its own
    simplification leaves alone) faster than the `empty` it means, and faster than the attribute;
    the same grammar with the optional attributes replaced by `empty` and normalised validated the
    shared corpora in 0.99 CPU-s instead of 0.71 s for the unchanged grammar and 0.62 s for this.
    """
    for attribute in list(grammar.getroot().iter(_R + "attribute")):
        name = attribute_name(attribute)
        holder = attribute.getparent()
        if name is None or name in used or holder is None or _local(holder) != "optional":
            continue
        if _patterns(holder) == [attribute]:
            _replace(attribute, etree.Element(_R + "notAllowed"))
    return grammar
