"""Line AND column of elements, for messages that point at the exact start tag.

libxml2 records only a line per element (and for a start tag spread over several
lines, the line of its closing '>'), never a column. Checkers that report on
elements (Schematron, pointer integrity) need both, so `Locator` scans the
document's source text once for start tags, skipping comments, processing
instructions, CDATA sections and the DOCTYPE, and aligns them with the parsed
elements in document order. The scan is lazy: a valid document never pays for it.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from pathlib import Path

from lxml import etree

from teikit.diagnostics import Diagnostic
from teikit.load import Document, display_path
from teikit.validate import census

# Positions inside an XIncluded file are handed to the checkers with their line plus k times this
# (k: the file's number in the document's includes), so that every checker keeps reporting
# through `position` and `in_own_files` can name the file afterwards.
INCLUDED_LINE = 100_000_000

# One alternative per construct that may contain '<' without being a start tag.
_TOKENS = re.compile(
    r"""<!--.*?-->
      | <\?.*?\?>
      | <!\[CDATA\[.*?\]\]>
      | <!DOCTYPE(?:[^\[>]|\[.*?\])*>
      | <(?P<name>[^\s/>!?]+)[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""",
    re.DOTALL | re.VERBOSE,
)


# The same tokens, for documents without XIncludes, where only where a start tag begins matters: as
# '<' cannot occur inside a well-formed start tag, it need not be scanned to its end (2x faster).
_STARTS = re.compile(
    r"<(?:(?P<name>[^\s/>!?]+)|!--.*?-->|\?.*?\?>|!\[CDATA\[.*?\]\]>|!DOCTYPE(?:[^\[>]|\[.*?\])*>)",
    re.DOTALL,
)


_NAME = re.compile(r"<([^\s/>!?]+)")  # the name of the start tag at a position


class Locator:
    """Maps elements of one `Document` to (line, column) of their start tags, 1-based."""

    def __init__(self, doc: Document, source: bytes | None = None, *, own_files: bool = True):
        """With `own_files`, XIncluded elements are located in their own files (encoded positions,
        turned back by `in_own_files`); else at the element of this file that includes them."""
        self.doc = doc
        self.own_files = own_files
        self._source = source
        self._positions: dict[etree._Element, tuple[int, int]] | None = None
        self._included: dict[etree._Element, dict[etree._Element, tuple[int, int]]] = {}

    def position(self, node: etree._Element | None) -> tuple[int, int]:
        """(line, column) of `node`'s start tag; (line, 0) when the column is unknown."""
        if node is None:
            return 0, 0
        if not isinstance(node.tag, str):  # comment or PI: only libxml2's line is known
            return node.sourceline or 0, 0
        if self._positions is None:
            self._positions = self._scan()
        found = self._positions.get(node)
        if found:
            return found
        if self.doc.origins and self.own_files:
            origin = next((e for e in (node, *node.iterancestors()) if e in self.doc.origins), None)
            if origin is not None:  # XIncluded: at the line and column in the file it came from
                return self._included_position(origin, node)
        if self.doc.includes and self._positions:
            # Most likely XIncluded content: its own line numbers belong to another file, so
            # report the nearest element of this file that contains it.
            for ancestor in node.iterancestors():
                if ancestor in self._positions:
                    return self._positions[ancestor]
        return node.sourceline or 0, 0

    def _included_position(self, origin: etree._Element, node: etree._Element) -> tuple[int, int]:
        """A position in an included file, its line encoded with the file (see `INCLUDED_LINE`)."""
        path = self.doc.origins[origin]
        if origin not in self._included:
            self._included[origin] = _align(origin, _decoded(path))
        line, column = self._included[origin].get(node, (node.sourceline or 0, 0))
        return (self.doc.includes.index(path) + 1) * INCLUDED_LINE + line, column

    def _read(self) -> str | None:
        data = self._source
        if data is None:
            try:
                data = Path(self.doc.path).read_bytes()
            except OSError:
                return None
            import hashlib

            if hashlib.sha256(data).hexdigest() != self.doc.digest:
                return None  # the file changed since it was parsed: columns would lie
        encoding = self.doc.tree.docinfo.encoding or "utf-8"
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            return data.decode("utf-8", errors="replace")

    def _scan(self) -> _Positions | dict[etree._Element, tuple[int, int]]:
        text = self._read()
        if text is None:
            return {}
        if not self.doc.includes:
            return _Positions(text, self.doc.root, census.kept(self.doc))
        return _align(self.doc.root, text)


class _Positions:
    """Start tags of a document without XIncludes, aligned with its elements in document order.

    The k-th start tag in the text is the k-th element of the tree, as long as their names agree
    (after a disagreement the text and the tree cannot be trusted to correspond, and libxml2's
    lines are used); when the counts agree and no entity is declared, they agree by construction.
    The index of an element is taken from the document's census when it has one (the elements
    with attributes, those pointer checks report on); the tree is walked for the others, once.
    Line and column are computed only for the elements asked for.
    """

    def __init__(self, text: str, root: etree._Element, known: census.Census | None = None):
        self._text = text
        self._root = root
        # where each start tag begins (`name`, the only group, matched: a start tag)
        self._starts = [m.start() for m in _STARTS.finditer(text) if m.lastindex]
        self._entities = "<!ENTITY" in text[:self._starts[0] if self._starts else 0]
        self._order: dict[etree._Element, int] | None = None
        if known is not None and known.count == len(self._starts) and not self._entities:
            self._order = known.order  # one start tag per element, in order: nothing to compare
        self._index: dict[etree._Element, int] | None = None
        self._newlines: list[int] | None = None

    def _aligned(self) -> dict[etree._Element, int]:
        """Every element with the offset of its start tag (the tree walked once, when first needed)."""
        if self._index is None:
            starts = self._starts
            elements = list(self._root.iter(etree.Element))
            agree = min(len(starts), len(elements))
            if len(starts) != len(elements) or self._entities:
                # an entity may stand for markup, or loading took an element out: compare the names
                names = [_NAME.match(self._text, start)[1].rpartition(":")[2] for start in starts]
                locals_ = [e.tag.rpartition("}")[2] for e in elements]
                if names[:agree] != locals_[:agree]:
                    agree = next(i for i, (a, b) in enumerate(zip(names, locals_, strict=False)) if a != b)
            # else the parser made one element of each start tag, in order: nothing to compare
            self._index = dict(zip(elements[:agree], starts[:agree], strict=True))
        return self._index

    def __bool__(self) -> bool:
        return bool(self._starts) and (self._order is not None or bool(self._aligned()))

    def __contains__(self, element: etree._Element) -> bool:
        return self.get(element) is not None

    def __getitem__(self, element: etree._Element) -> tuple[int, int]:
        found = self.get(element)
        if found is None:
            raise KeyError(element)
        return found

    def get(self, element: etree._Element) -> tuple[int, int] | None:
        index = self._order.get(element) if self._order is not None else None
        start = self._starts[index] if index is not None else self._aligned().get(element)
        if start is None:
            return None
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self._text)]
        line = bisect.bisect_left(self._newlines, start)  # newlines before the tag
        line_start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, start - line_start + 1


def in_own_files(doc: Document, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """`diagnostics` with every position inside an XIncluded file given as that file's own
    (file, line, column): checkers report through `Locator.position`, which encodes them."""
    if not doc.origins:
        return diagnostics
    out = []
    for d in diagnostics:
        if d.line >= INCLUDED_LINE and d.file == doc.display and d.line // INCLUDED_LINE <= len(doc.includes):
            path = doc.includes[d.line // INCLUDED_LINE - 1]
            d = dataclasses.replace(d, file=display_path(path), line=d.line % INCLUDED_LINE)
        out.append(d)
    return out


def _decoded(path: Path) -> str | None:
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    declared = re.match(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)""", data)
    try:
        return data.decode(declared[1].decode() if declared else "utf-8")
    except (LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace")


def _align(top: etree._Element, text: str | None) -> dict[etree._Element, tuple[int, int]]:
    """Start tags of `text` matched to the elements of `top` in document order, for a tree with
    XIncluded parts or a part of a file: a tag matches an element only where the line of its '>'
    is the element's line, and the others are skipped; `top` starts at its own tag."""
    if text is None:
        return {}
    tags: list[tuple[str, int, int, int]] = []  # (local name, line, column, line of '>')
    line, line_start, pos = 1, 0, 0  # counted as the scan goes: tags come in order
    for match in _TOKENS.finditer(text):
        name = match.group("name")
        if name is None:
            continue
        start = match.start()
        between = text.count("\n", pos, start)
        if between:
            line += between
            line_start = text.rindex("\n", pos, start) + 1
        pos = start
        end_line = line + text.count("\n", start, match.end())
        prefix, _, local = name.rpartition(":")
        if prefix and local in ("include", "fallback"):
            continue  # XInclude elements are replaced in the tree by what they include
        tags.append((local, line, start - line_start + 1, end_line))
    positions: dict[etree._Element, tuple[int, int]] = {}
    k = 0
    local = top.tag.rpartition("}")[2]
    while k < len(tags) and not (tags[k][0] == local and tags[k][3] == top.sourceline):
        k += 1  # a part of a file (xpointer): start at the tag of its top element
    for element in top.iter(etree.Element):
        if k >= len(tags):
            break
        local = element.tag.rpartition("}")[2]
        name, line, column, end_line = tags[k]
        if name == local and end_line == element.sourceline:
            positions[element] = (line, column)
            k += 1
    return positions


def step_path(path: str) -> list[tuple[str, str, int]]:
    """Split an SVRL location such as /Q{ns}TEI[1]/Q{ns}text[1]/@when into (kind, name, index) steps.

    kind is 'element' (name in Clark notation, {ns}local), 'attribute', 'text', 'comment' or 'pi'.
    """
    steps: list[tuple[str, str, int]] = []
    for match in _STEP.finditer(path):
        if match.group("attr") is not None:
            ns, local = match.group("ans"), match.group("attr")
            steps.append(("attribute", f"{{{ns}}}{local}" if ns else local, 1))
        elif match.group("kind"):
            steps.append((match.group("kind").replace("processing-instruction", "pi"), "",
                          int(match.group("kindidx") or 1)))
        else:
            ns = match.group("ns") or ""
            local = match.group("local")
            steps.append(("element", f"{{{ns}}}{local}" if ns else local, int(match.group("idx") or 1)))
    return steps


_STEP = re.compile(
    r"""/(?:@(?:Q\{(?P<ans>[^}]*)\})?(?P<attr>[^/\[]+)
        | (?P<kind>text|comment|processing-instruction)\(\)(?:\[(?P<kindidx>\d+)\])?
        | (?:Q\{(?P<ns>[^}]*)\})?(?P<local>[^/\[@()]+)(?:\[(?P<idx>\d+)\])?)""",
    re.VERBOSE,
)


def resolve_location(root: etree._Element, path: str) -> etree._Element | None:
    """The element a positional path designates; for an attribute or text node, its parent element.

    Returns None when the path does not fit the tree (e.g. a location written by another tool).
    """
    steps = step_path(path)
    if not steps or steps[0][0] != "element" or steps[0][1] != root.tag or steps[0][2] != 1:
        return None
    node = root
    for kind, name, index in steps[1:]:
        if kind != "element":
            return node  # attribute / text / comment: report the element that holds it
        found = None
        for count, child in enumerate(node.iterchildren(name), start=1):
            if count == index:
                found = child
                break
        if found is None:
            return None
        node = found
    return node
