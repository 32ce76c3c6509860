"""Characters XML allows and the outputs must not carry: dropped, each named in a warning.

XML 1.0 allows the C1 control characters (U+007F-U+009F) and the Unicode noncharacters
(U+FDD0-U+FDEF, U+xFFFE and U+xFFFF); HTML forbids them (the Nu checker rejects the
page), and in text or a PDF they are invisible garbage: a C1 control in a TEI file is
almost always a mis-decoded Windows-1252 character (DTA's Rose, *Reise nach dem Ural*, has
a U+008D). Every output is made from one Saxon tree of the document (`output_node`), and
that tree is built without them, so HTML, PDF and text agree; the source is never changed.
The stylesheets may then use noncharacters as private marks (text/scholarly.xsl does).
"""

from __future__ import annotations

import re
import threading
import unicodedata

from lxml import etree
from saxonche import PyXdmNode

from teikit import transform
from teikit.diagnostics import Diagnostic, Severity
from teikit.load import Document
from teikit.write import warn

_NONCHARACTERS = "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
                         for plane in range(17))
FORBIDDEN = re.compile(f"[\x7f-\x9f\ufdd0-\ufdef{_NONCHARACTERS}]")
# What a document is scanned with: ranges are ten times faster to test than the 34 single
# characters (5 ms for 1.5 MB), and every match above U+FFFF is checked afterwards.
_CANDIDATES = re.compile("[\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff]")
_REFERENCE = re.compile(r"&#(x[0-9a-fA-F]+|[0-9]+);")

_lock = threading.Lock()
_last: tuple[int, str] | None = None  # the document last checked (object id, digest)
_last_found: frozenset[str] = frozenset()


def output_node(doc: Document) -> PyXdmNode:
    """The Saxon tree every output of `doc` is made from, without the forbidden characters.

    The first writer of a document to ask reports each forbidden code point once (where it
    first occurs); the others, and documents without any, only get the tree.
    """
    global _last, _last_found
    key = (id(doc), doc.digest)
    with _lock:
        fresh = key != _last
        if fresh:
            _last = key
            candidates = set(_CANDIDATES.findall(etree.tostring(doc.tree, encoding="unicode")))
            _last_found = frozenset(c for c in candidates if FORBIDDEN.match(c))
        found = _last_found
    if fresh:
        for char, (line, column) in sorted(_locations(doc, found).items()):
            warn(Diagnostic(
                doc.display, line, column, Severity.WARNING, "output.character",
                f"U+{ord(char):04X} ({_kind(char)}) is left out of the outputs: "
                "XML allows it, HTML forbids it",
                hint="replace it in the source with the character meant, or delete it (a C1 control "
                     "is usually a character of a Windows-1252 file decoded as Latin-1)",
                source="teikit"))
    drop = re.compile("[" + "".join(sorted(found)) + "]") if found else None
    return transform.document_node(doc, drop=drop)


def _kind(char: str) -> str:
    return "a control character" if unicodedata.category(char) == "Cc" else "a noncharacter"


def _locations(doc: Document, chars: frozenset[str]) -> dict[str, tuple[int, int]]:
    """Line and column of each character's first occurrence in the document's own file,
    written out or as a character reference; else the line of the element holding it
    (text that came from an XInclude), column unknown."""
    if not chars:
        return {}
    try:
        source = doc.path.read_bytes().decode(doc.tree.docinfo.encoding or "utf-8")
    except (OSError, LookupError, UnicodeDecodeError):
        source = ""
    found: dict[str, tuple[int, int]] = {}

    def position(offset: int) -> tuple[int, int]:
        return source.count("\n", 0, offset) + 1, offset - source.rfind("\n", 0, offset)

    for char in chars:
        offset = source.find(char)
        if offset >= 0:
            found[char] = position(offset)
    for m in _REFERENCE.finditer(source):
        value = m.group(1)
        char = chr(int(value[1:], 16) if value[0] == "x" else int(value))
        if char in chars and (char not in found or m.start() < _offset(source, found[char])):
            found[char] = position(m.start())
    for char in chars - found.keys():
        holder = next((e for e in doc.root.iter() if char in (e.text or "") or char in (e.tail or "")
                       or any(char in v for v in e.attrib.values())), None)
        found[char] = (holder.sourceline or 0, 0) if holder is not None else (0, 0)
    return found


def _offset(source: str, where: tuple[int, int]) -> int:
    line, column = where
    start = 0
    for _ in range(line - 1):
        start = source.index("\n", start) + 1
    return start + column - 1
