"""Pointer integrity for any TEI document: local pointers resolve, xml:ids are unique,
register records are referenced.

Neither RELAX NG nor the TEI's own Schematron checks that `ref="#putin"` names an element
that exists; a typo there silently breaks every link, index and register of an edition.
This checker is built in and needs no schema, so it also runs on third-party corpora.

What counts as a pointer: the attributes whose datatype is `teidata.pointer` in the TEI P5
Guidelines (the attribute classes att.global.linking, att.global.analytic, att.global.facs,
att.global.responsibility, att.global.source, att.global.rendition, att.global.change,
att.canonical, att.pointing, att.declaring, att.spanning, att.ascribed(.directed),
att.edition, att.witnessed, att.written, att.handFeatures, att.datable(.custom),
att.naming, and element-specific pointers such as relation/@active, span/@from,
catRef/@scheme, handShift/@new, note/@targetEnd), see POINTER_ATTRIBUTES below.
Each whitespace-separated token is one pointer (teidata.pointer lists).

- '#id' is a local pointer and must match an xml:id in the document.
- 'prefix:value' is expanded with the document's <prefixDef> (matchPattern /
  replacementPattern); a result starting with '#' is checked locally, anything else is
  external. A prefix without a prefixDef is treated as a URI scheme (viaf:, wd:) and
  not checked: that is how ELTeC and many projects use them.
- Absolute URLs and relative references to other files ('other.xml#id') are external
  and not checked.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from teikit.diagnostics import Diagnostic, Severity
from teikit.load import TEI_NS, XML_NS, Document
from teikit.validate import census
from teikit.validate import similar as similarity
from teikit.validate.locate import Locator

XML_ID = f"{{{XML_NS}}}id"

# teidata.pointer attributes that are pointers on every element that carries them
# (source: TEI P5 Guidelines, "teidata.pointer" reference page, list of attributes using it).
POINTER_ATTRIBUTES: frozenset[str] = frozenset({
    # att.global.linking
    "corresp", "synch", "sameAs", "copyOf", "next", "prev", "exclude", "select",
    # att.global.analytic, att.global.facs, att.global.responsibility, att.global.source,
    # att.global.rendition, att.global.change
    "ana", "facs", "resp", "source", "rendition", "change",
    # att.canonical, att.pointing (ptr, ref, note, link, join, alt, annotation, ...)
    "ref", "target", "targetEnd", "domains",
    # att.declaring, att.spanning, att.ascribed, att.ascribed.directed, att.edition, att.witnessed
    "decls", "spanTo", "who", "toWhom", "edRef", "wit",
    # att.written (add, del, damage, ...), att.handFeatures, handShift
    "hand", "scribeRef", "scriptRef", "new",
    # att.datable, att.datable.custom
    "period", "calendar", "datingMethod", "datingPoint",
    # att.naming, relation, timeline/when, certainty, f/fs, msItem, move
    "nymRef", "active", "passive", "mutual", "origin", "since", "given", "fVal", "feats", "class",
    "where", "mergedIn",
})

# Attributes that are pointers only on some elements (elsewhere the same name means something else:
# date/@from is a date, rendition/@scheme a keyword, locus/@from a folio, msItem's @class a pointer).
ELEMENT_POINTER_ATTRIBUTES: dict[str, frozenset[str]] = {
    "span": frozenset({"from", "to"}),
    "catRef": frozenset({"scheme"}),
    "classCode": frozenset({"scheme"}),
    "keywords": frozenset({"scheme"}),
}
# Names in POINTER_ATTRIBUTES that are pointers only on the elements listed here.
_NOT_POINTERS_ANYWHERE_BUT: dict[str, frozenset[str]] = {
    # e.g. @class is a pointer on msItem but a keyword in many customisations; @new only on handShift.
    "class": frozenset({"msItem", "msItemStruct"}),
    "where": frozenset({"move"}),
    "new": frozenset({"handShift"}),
    "given": frozenset({"certainty"}),
    "fVal": frozenset({"f"}),
    "feats": frozenset({"fs"}),
    "origin": frozenset({"timeline"}),
    "since": frozenset({"when"}),
}

# Registers and the kinds of record they hold (records nothing points to are reported).
REGISTERS: dict[str, frozenset[str]] = {
    "listPerson": frozenset({"person", "personGrp"}),
    "listPlace": frozenset({"place"}),
    "listOrg": frozenset({"org"}),
    "listEvent": frozenset({"event"}),
    "listBibl": frozenset({"bibl", "biblStruct", "biblFull", "msDesc"}),
    "listObject": frozenset({"object"}),
    "listNym": frozenset({"nym"}),
}

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class PrefixDef:
    ident: str
    match: re.Pattern[str] | None
    replacement: str


_TEI = f"{{{TEI_NS}}}"

MAY_POINT = POINTER_ATTRIBUTES.union(*ELEMENT_POINTER_ATTRIBUTES.values())


def _local(element: etree._Element) -> str:
    return element.tag.rpartition("}")[2]


_POINTERS_ON: dict[str, frozenset[str]] = {}  # TEI local name -> its attributes that are pointers


def _pointers_on(local: str) -> frozenset[str]:
    """The attribute names that hold pointers on TEI element `local` (see the tables above)."""
    found = _POINTERS_ON.get(local)
    if found is None:
        names = {n for n in POINTER_ATTRIBUTES
                 if local in _NOT_POINTERS_ANYWHERE_BUT.get(n, (local,))}
        names |= ELEMENT_POINTER_ATTRIBUTES.get(local, frozenset())
        if local == "rendition":
            names.discard("scheme")
        found = _POINTERS_ON[local] = frozenset(names)
    return found


_BY_TAG: dict[str, frozenset[str]] = {}  # Clark name -> its attributes that are pointers


def pointer_names(element: etree._Element) -> frozenset[str]:
    """The names of the attributes that hold TEI pointers on `element` (none off TEI elements)."""
    tag = element.tag
    found = _BY_TAG.get(tag)  # type: ignore[arg-type]
    if found is None:
        if not isinstance(tag, str):
            return frozenset()
        # namespaced attributes (xml:id, xml:lang, foreign) are never in the tables: not TEI pointers
        found = _BY_TAG[tag] = _pointers_on(tag[len(_TEI):]) if tag.startswith(_TEI) else frozenset()
    return found


def pointer_attributes(element: etree._Element) -> list[tuple[str, str]]:
    """(attribute name, value) of the attributes of `element` that hold TEI pointers, in order."""
    names = pointer_names(element)
    return [(name, value) for name, value in element.items() if name in names] if names else []


def _prefix_defs(root: etree._Element) -> dict[str, list[PrefixDef]]:
    defs: dict[str, list[PrefixDef]] = defaultdict(list)
    for node in root.iter(f"{{{TEI_NS}}}prefixDef"):
        ident = node.get("ident", "")
        try:
            match = re.compile(node.get("matchPattern", "")) if node.get("matchPattern") else None
        except re.error:
            match = None
        defs[ident].append(PrefixDef(ident, match, node.get("replacementPattern", "")))
    return defs


def _expand(token: str, defs: dict[str, list[PrefixDef]]) -> tuple[str | None, bool]:
    """The URI a prefixed pointer stands for: (expansion or None, whether the prefix is declared)."""
    prefix, _, rest = token.partition(":")
    options = defs.get(prefix)
    if not options:
        return None, False
    for pd in options:
        if pd.match is None:
            continue
        m = pd.match.fullmatch(rest)
        if m:
            # XPath-style $1..$9 in replacementPattern
            groups = (m.group(0), *m.groups())
            return re.sub(r"\$(\d)", lambda g, gs=groups: (gs[int(g.group(1))] if int(g.group(1)) < len(gs)
                                                          else "") or "", pd.replacement), True
    return None, True


def _suggest(name: str, ids: list[str], lowered: tuple[str, list[int]],
             by_length: tuple[list[str], list[int]]) -> str:
    """The id the author most likely meant, for a did-you-mean hint.

    An id containing the name ('putin' -> 'pers-putin') is the likeliest; otherwise the closest
    by difflib among at most 500 ids of similar length (a play with 30,000 word ids stays fast).
    `lowered`: the ids in lower case joined by newlines (searched in one go), and where each begins;
    `by_length`: the ids ordered by length (then as in `ids`), and the length of each.
    """
    if not ids or not name:
        return ""
    needle = name.lower()
    joined, starts = lowered
    containing = []
    at = joined.find(needle)
    while at >= 0:  # each id that contains the name, in order
        index = bisect.bisect_right(starts, at) - 1
        containing.append(ids[index])
        at = joined.find(needle, starts[index + 1]) if index + 1 < len(starts) else -1
    if containing:
        return min(containing, key=len)
    slack = max(3, len(name) // 3)
    ordered, lengths = by_length
    first = bisect.bisect_left(lengths, max(1, len(name) - slack))
    last = bisect.bisect_right(lengths, len(name) + slack)
    return similarity.closest(name, ordered[first:min(last, first + 500)], 0.7)


def _external_or_expanded(token: str, name: str, element: etree._Element, ids: dict[str, etree._Element],
                          defs: dict[str, list[PrefixDef]], diag: Callable[..., None]) -> str | None:
    """A pointer not starting with '#': its local target ('#id', from a prefixDef), or None when it
    points elsewhere (reporting a prefix that does not match and a bare id that lacks its '#')."""
    target = token
    if _URL.match(token) and "//" not in token[:12]:
        expanded, declared = _expand(token, defs)
        if declared and expanded is None:
            diag(element, Severity.ERROR, "pointer.prefix",
                 f"@{name} '{token}' does not match the pattern of <prefixDef ident="
                 f"\"{token.partition(':')[0]}\">",
                 "fix the value or the prefixDef's matchPattern")
            return None
        if expanded is None:
            return None  # an undeclared prefix is a URI scheme (viaf:, wd:): external
        target = expanded
    if not target.startswith("#"):
        if token in ids and not _URL.match(token) and "/" not in token and "." not in token:
            diag(element, Severity.WARNING, "pointer.missing-hash",
                 f"@{name} '{token}' is a relative URL, but the document has xml:id '{token}'",
                 f"a local pointer starts with '#': write '#{token}'")
        return None
    return target


class _Hints:
    """Did-you-mean ids for unresolved pointers, prepared only when the first one is needed.

    Hints are given for the first 100 distinct names: beyond that the pattern is clear.
    """

    def __init__(self, ids: dict[str, etree._Element]):
        self._ids = ids
        self._given: dict[str, str] = {}
        self._sorted: list[str] | None = None
        self._lowered: tuple[str, list[int]] = ("", [])
        self._by_length: tuple[list[str], list[int]] = ([], [])

    def _prepare(self) -> None:
        """The ids sorted, lowered and joined, and ordered by length: a few C calls for 30,000 ids."""
        ids = self._sorted = sorted(self._ids)
        joined = "\n".join(ids)
        lowered = joined.lower()
        if len(lowered) != len(joined):  # a letter whose lower case is longer ('İ'): id by id
            parts = [i.lower() for i in ids]
            lowered, lengths_low = "\n".join(parts), list(map(len, parts))
        else:
            lengths_low = list(map(len, ids))
        starts = list(itertools.accumulate(map((1).__add__, lengths_low[:-1]), initial=0))
        self._lowered = (lowered, starts)
        ordered = sorted(ids, key=len)  # stable: ids of one length stay sorted
        self._by_length = (ordered, list(map(len, ordered)))

    def suggest(self, name: str) -> str:
        found = self._given.get(name)
        if found is None:
            found = ""
            if len(self._given) < 100:
                if self._sorted is None:
                    self._prepare()
                found = _suggest(name, self._sorted, self._lowered, self._by_length)
            self._given[name] = found
        return found


def check(doc: Document, locator: Locator | None = None, unreferenced: bool = True) -> list[Diagnostic]:
    """All pointer problems of one document, located at the element that carries them."""
    locator = locator or Locator(doc)
    root = doc.root
    shown = doc.display
    found: list[Diagnostic] = []

    def diag(element: etree._Element, severity: Severity, rule: str, message: str, hint: str = "") -> None:
        line, column = locator.position(element)
        found.append(Diagnostic(shown, line, column, severity, rule, message, hint, source="pointers"))

    scan = census.of(doc, MAY_POINT)
    ids = scan.ids
    for element, first in scan.duplicates:
        value = element.get(XML_ID)
        line, column = locator.position(first)
        diag(element, Severity.ERROR, "pointer.duplicate-id",
             f"xml:id '{value}' is used twice: first on <{_local(first)}> at line {line}"
             + (f", column {column}" if column else "") + f", again here on <{_local(element)}>",
             "xml:id values must be unique in a document; rename one and update the pointers to it")

    defs = _prefix_defs(root)
    hints = _Hints(ids)
    referenced: dict[str, list[etree._Element]] = defaultdict(list)
    names: frozenset[str] = frozenset()
    last = None
    for element, name, value in scan.attributes:  # the may-be pointers, in document order
        if element is not last:
            last = element
            names = pointer_names(element)
        if name not in names:
            continue
        for token in value.split():
            if token[:1] == "#":
                target = token
                if token[1:] in ids:  # by far the most common case: a local pointer that resolves
                    referenced[token[1:]].append(element)
                    continue
            else:
                target = _external_or_expanded(token, name, element, ids, defs, diag)
                if target is None:
                    continue
                if target[1:] in ids:
                    referenced[target[1:]].append(element)
                    continue
            name_id = target[1:]
            suggestion = hints.suggest(name_id)
            via = f" (expanded from '{token}')" if target != token else ""
            diag(element, Severity.ERROR, "pointer.unresolved",
                 f"@{name} points to '{target}'{via}, but no element has xml:id '{name_id}'",
                 f"did you mean '#{suggestion}'?" if suggestion
                 else "add the target (e.g. a register record) or fix the pointer")

    if unreferenced:
        seen: set[etree._Element] = set()
        for register in root.iter(*(f"{{{TEI_NS}}}{r}" for r in REGISTERS)):
            kinds = REGISTERS[_local(register)]
            for record in register:
                if not isinstance(record.tag, str) or etree.QName(record).namespace != TEI_NS:
                    continue
                if _local(record) not in kinds:
                    continue
                for item in record.iter(*(f"{{{TEI_NS}}}{k}" for k in kinds)):
                    ident = item.get(XML_ID)
                    if ident is None or item in seen:
                        continue
                    seen.add(item)
                    if not any(not _within(e, item) for e in referenced.get(ident, ())):
                        diag(item, Severity.WARNING, "pointer.unreferenced",
                             f"<{_local(item)} xml:id=\"{ident}\"> in <{_local(register)}> is never "
                             "referenced",
                             f"point to it (ref=\"#{ident}\") from the text, or remove the record")
    return found


def _within(element: etree._Element, ancestor: etree._Element) -> bool:
    node: etree._Element | None = element
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False
