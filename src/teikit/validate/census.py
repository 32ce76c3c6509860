"""One pass over a document's elements, shared by the checkers that need to see all of them.

Walking every element of a novel in Python costs about as much as parsing it. The grammar
engine needs the set of element names (to choose its specialised grammar) and the pointer
check needs the xml:ids and the elements that carry attributes that may be pointers: one walk
gathers both, kept on the document for the checkers that come after.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from teikit.load import XML_NS, Document

XML_ID = f"{{{XML_NS}}}id"
_ATTRIBUTE = "_teikit_census"  # where a document keeps its census


@dataclass
class Census:
    root: etree._Element
    tags: frozenset[str]  # Clark names of every element
    pointer_names: frozenset[str] | None = None  # None: only `tags` was gathered
    ids: dict[str, etree._Element] = field(default_factory=dict)  # xml:id -> its first element
    duplicates: list[tuple[etree._Element, etree._Element]] = field(default_factory=list)  # (again, first)
    candidates: list[etree._Element] = field(default_factory=list)  # elements with a may-be pointer


def of(doc: Document, pointer_names: frozenset[str] | None = None) -> Census:
    """The census of `doc`; with `pointer_names`, also its xml:ids and the elements with an attribute
    of those names (`frozenset()`: the ids only).

    Made once per document and kept on it (a document's tree is never changed after loading);
    asking for more than a kept census holds walks the tree again.
    """
    root = doc.root
    found: Census | None = getattr(doc, _ATTRIBUTE, None)
    kept = found.pointer_names if found is not None and found.root is root else None
    if found is not None and found.root is root and (pointer_names is None or (
            kept is not None and pointer_names <= kept)):
        return found
    if pointer_names is None:
        found = Census(root, frozenset(el.tag for el in root.iter(etree.Element)))
    else:
        found = _full(root, pointer_names)
    setattr(doc, _ATTRIBUTE, found)
    return found


def _full(root: etree._Element, pointer_names: frozenset[str]) -> Census:
    tags: set[str] = set()
    ids: dict[str, etree._Element] = {}
    duplicates: list[tuple[etree._Element, etree._Element]] = []
    candidates: list[etree._Element] = []
    add_tag = tags.add
    disjoint = pointer_names.isdisjoint
    for element in root.iter(etree.Element):  # most elements of a text have no attributes
        add_tag(element.tag)
        attributes = element.keys()
        if not attributes:
            continue
        if not disjoint(attributes):
            candidates.append(element)
        value = element.get(XML_ID)
        if value is not None:
            first = ids.setdefault(value, element)
            if first is not element:
                duplicates.append((element, first))
    return Census(root, frozenset(tags), pointer_names, ids, duplicates, candidates)
