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
import re
from pathlib import Path

from lxml import etree

from teikit.load import Document

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


class Locator:
    """Maps elements of one `Document` to (line, column) of their start tags, 1-based."""

    def __init__(self, doc: Document, source: bytes | None = None):
        self.doc = doc
        self._source = source
        self._positions: dict[etree._Element, tuple[int, int]] | None = None

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
        if self.doc.includes and self._positions:
            # Most likely XIncluded content: its own line numbers belong to another file, so
            # report the nearest element of this file that contains it.
            for ancestor in node.iterancestors():
                if ancestor in self._positions:
                    return self._positions[ancestor]
        return node.sourceline or 0, 0

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
            return _Positions(text, self.doc.root)
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
        for element in self.doc.root.iter(etree.Element):
            if k >= len(tags):
                break
            local = element.tag.rpartition("}")[2]
            name, line, column, end_line = tags[k]
            if name == local and end_line == element.sourceline:
                positions[element] = (line, column)
                k += 1
        return positions


class _Positions:
    """Start tags of a document without XIncludes, aligned with its elements in document order.

    The k-th start tag in the text is the k-th element of the tree, as long as their names agree
    (after a disagreement the text and the tree cannot be trusted to correspond, and libxml2's
    lines are used); when the counts agree and no entity is declared, they agree by construction.
    Line and column are computed only for the elements asked for.
    """

    def __init__(self, text: str, root: etree._Element):
        self._text = text
        found = [(m.start(), m["name"]) for m in _STARTS.finditer(text)]
        tags = [(start, name) for start, name in found if name is not None]
        starts = [start for start, _ in tags]
        elements = list(root.iter(etree.Element))
        agree = min(len(tags), len(elements))
        if len(tags) != len(elements) or "<!ENTITY" in text[:starts[0] if starts else 0]:
            # an entity may stand for markup, or loading took an element out: compare the names
            names = [name.rpartition(":")[2] for _, name in tags]
            locals_ = [e.tag.rpartition("}")[2] for e in elements]
            if names[:agree] != locals_[:agree]:
                agree = next(i for i, (a, b) in enumerate(zip(names, locals_, strict=False)) if a != b)
        # else the parser made one element of each start tag, in order: nothing to compare
        self._index = dict(zip(elements[:agree], starts[:agree], strict=True))
        self._newlines: list[int] | None = None

    def __bool__(self) -> bool:
        return bool(self._index)

    def __contains__(self, element: etree._Element) -> bool:
        return element in self._index

    def __getitem__(self, element: etree._Element) -> tuple[int, int]:
        found = self.get(element)
        if found is None:
            raise KeyError(element)
        return found

    def get(self, element: etree._Element) -> tuple[int, int] | None:
        start = self._index.get(element)
        if start is None:
            return None
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self._text)]
        line = bisect.bisect_left(self._newlines, start)  # newlines before the tag
        line_start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, start - line_start + 1


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
