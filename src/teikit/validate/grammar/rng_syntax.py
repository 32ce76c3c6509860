"""Reading the XML syntax of RELAX NG: the names of patterns and of what they match.

Shared by the grammar checker (`teikit.validate.grammar`), the specialiser (`specialise`) and the ODD
generator (`teikit.schema`), which all walk RELAX NG grammars as lxml trees.
"""

from __future__ import annotations

from lxml import etree

RNG_NS = "http://relaxng.org/ns/structure/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
R = f"{{{RNG_NS}}}"

_LOCAL: dict[object, str] = {}  # tag -> local name; grammars repeat a few dozen tags


def rng(tag: str) -> str:
    """The Clark name of the RELAX NG element `tag` (`rng("define")`)."""
    return R + tag


def local(node: etree._Element) -> str:
    """The local name of a RELAX NG element; "" for anything else (annotations, comments)."""
    tag = node.tag
    try:
        return _LOCAL[tag]
    except KeyError:
        found = _LOCAL[tag] = tag[len(R):] if isinstance(tag, str) and tag.startswith(R) else ""
        return found


def ns_in_scope(node: etree._Element) -> str:
    """The `ns` in scope for a name in the RELAX NG XML syntax (inherited from ancestors)."""
    for anc in node.iterancestors():
        if anc.get("ns") is not None:
            return anc.get("ns") or ""
    return ""


def name_of(node: etree._Element, default_ns: str) -> str | None:
    """Clark name of an <element>/<attribute> with a single name; None for name classes.

    `default_ns` applies to a `name` attribute without an `ns` of its own: the `ns` in scope for
    an element, "" for an attribute.
    """
    name = node.get("name")
    if name is None:
        first = next((c for c in node if local(c) == "name"), None)
        if first is None:
            return None
        name, ns = (first.text or "").strip(), first.get("ns", ns_in_scope(first))
    else:
        ns = node.get("ns", default_ns)
    if ":" in name:
        prefix, name = name.split(":", 1)
        ns = node.nsmap.get(prefix, XML_NS if prefix == "xml" else "")
    return f"{{{ns}}}{name}" if ns else name


def element_name(node: etree._Element) -> str | None:
    """Clark name of an <element> with a single name; None for name classes."""
    return name_of(node, ns_in_scope(node))


def attribute_name(node: etree._Element) -> str | None:
    """Clark name of an <attribute> with a single name (no namespace unless it says so)."""
    return name_of(node, "")
