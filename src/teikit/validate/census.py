"""One pass over a document's elements, shared by the checkers that need to see all of them.

Walking every element of a novel in Python costs about a third of parsing it, so it is done
once. The grammar engine needs the sets of element and attribute names (to choose its specialised
grammar), the pointer checks need the xml:ids and the attributes that may be pointers, and the
Schematron checked on the lxml tree (`schematron/xpath1.py`) the elements of some names and those
carrying some attributes: one walk gathers them all, kept on the document for the checkers that
come after. Selecting the same
attributes with libxml2's XPath instead (`//@*[...]`, `//@xml:id`) was measured slower: its
node sets cost more than one lxml iteration (0.32 s and 0.19 s against 0.26 s for all three,
on the 105 shared corpus files; parsing them takes 0.30 s).
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
    # (element, attribute name, value) of each attribute named in `pointer_names`, in document order
    attributes: list[tuple[etree._Element, str, str]] = field(default_factory=list)
    # document-order index of each element with attributes (those the checkers report on), and the
    # number of elements: `Locator` finds their start tags without walking the tree again
    order: dict[etree._Element, int] = field(default_factory=dict)
    count: int = -1  # -1: not counted
    attribute_names: frozenset[str] | None = None  # Clark names of every attribute; None: not gathered
    wanted_tags: frozenset[str] = frozenset()  # the element names gathered into `by_tag`
    wanted_attributes: frozenset[str] = frozenset()  # the attribute names gathered into `carrying`
    by_tag: dict[str, list[etree._Element]] = field(default_factory=dict)  # in document order
    carrying: dict[str, list[etree._Element]] = field(default_factory=dict)  # in document order

    def covers(self, pointer_names: frozenset[str] | None, tags: frozenset[str],
               attributes: frozenset[str]) -> bool:
        """Whether this census holds all that is asked."""
        held = self.pointer_names
        return (pointer_names is None or (held is not None and pointer_names <= held)) \
            and tags <= self.wanted_tags and attributes <= self.wanted_attributes


def kept(doc: Document) -> Census | None:
    """The census a document holds already, if it has the xml:ids and the order (else None)."""
    found: Census | None = getattr(doc, _ATTRIBUTE, None)
    if found is None or found.root is not doc.root or found.pointer_names is None:
        return None
    return found


def of(doc: Document, pointer_names: frozenset[str] | None = None, *, tags: frozenset[str] = frozenset(),
       attributes: frozenset[str] = frozenset()) -> Census:
    """The census of `doc`; with `pointer_names`, also its xml:ids and the attributes of those
    names (`frozenset()`: the ids only); with `tags` and `attributes`, the elements of those names
    and those carrying those attributes.

    Made once per document and kept on it (a document's tree is never changed after loading);
    asking for more than a kept census holds walks the tree again, for all asked before too.
    """
    root = doc.root
    found: Census | None = getattr(doc, _ATTRIBUTE, None)
    if found is not None and found.root is root:
        if found.covers(pointer_names, tags, attributes):
            return found
        if found.pointer_names is not None:
            pointer_names = found.pointer_names | (pointer_names or frozenset())
        tags, attributes = tags | found.wanted_tags, attributes | found.wanted_attributes
    if pointer_names is None and not tags and not attributes:
        found = Census(root, frozenset(el.tag for el in root.iter(etree.Element)))
    else:
        found = _full(root, pointer_names if pointer_names is not None else frozenset(), tags, attributes)
    setattr(doc, _ATTRIBUTE, found)
    return found


def _full(root: etree._Element, pointer_names: frozenset[str], wanted_tags: frozenset[str] = frozenset(),
          wanted_attributes: frozenset[str] = frozenset()) -> Census:
    tags: set[str] = set()
    by_tag: dict[str, list[etree._Element]] = {tag: [] for tag in wanted_tags}
    carrying: dict[str, list[etree._Element]] = {name: [] for name in wanted_attributes}
    ids: dict[str, etree._Element] = {}
    duplicates: list[tuple[etree._Element, etree._Element]] = []
    attributes: list[tuple[etree._Element, str, str]] = []
    order: dict[etree._Element, int] = {}
    names: set[str] = set()
    add_tag = tags.add
    add_name = names.add
    keep = attributes.append
    index = -1
    for index, element in enumerate(root.iter(etree.Element)):  # the index counts them too
        tag = element.tag
        add_tag(tag)
        if tag in by_tag:
            by_tag[tag].append(element)
        items = element.items()
        if not items:  # most elements of a text have no attributes
            continue
        order[element] = index
        for name, value in items:
            add_name(name)
            if name in carrying:
                carrying[name].append(element)
            if name in pointer_names:
                keep((element, name, value))
            elif name == XML_ID:
                first = ids.get(value)
                if first is None:
                    ids[value] = element
                else:
                    duplicates.append((element, first))
    return Census(root, frozenset(tags), pointer_names, ids, duplicates, attributes, order, index + 1,
                  frozenset(names), wanted_tags, wanted_attributes, by_tag, carrying)
