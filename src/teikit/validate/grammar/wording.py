"""How grammar errors name things: quoted lists of names, did-you-mean, datatype hints."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from teikit.validate.grammar.models import ANY
from teikit.validate.grammar.rng_syntax import XML_NS


def att_name(att: str) -> str:
    q = etree.QName(att)
    if q.namespace == XML_NS:
        return "xml:" + q.localname
    return q.localname


def name_list(names: Iterable[str], what: str, limit: int = 60) -> str:
    shown = sorted({att_name(n) if what == "attribute" else etree.QName(n).localname
                    for n in names if n != ANY}, key=lambda s: (s.lower(), s))
    if ANY in names:
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


def lacking(names: frozenset[str]) -> str:
    """'missing required element "title"', or the choice when one of several must come first."""
    if len(names) == 1:
        return "missing required " + name_list(names, "element")
    return "first expected " + name_list(names, "element")


def closest(name: str, candidates: Iterable[str]) -> str:
    from teikit.validate.similar import closest as best

    return best(name, list(candidates), 0.75)


def datatype_hint(att: str) -> str:
    local = etree.QName(att).localname
    if local in ("when", "notBefore", "notAfter", "from", "to", "when-iso"):
        return "dates are ISO 8601 (W3C): YYYY, YYYY-MM or YYYY-MM-DD"
    if local in ("target", "ref", "corresp", "ana", "resp", "source", "facs"):
        return "pointers are URIs separated by spaces, e.g. \"#id1 #id2\""
    return "see the attribute's datatype in the schema"
