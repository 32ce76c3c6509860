"""Reading source lines and counting start tags, for the columns libxml2 does not give."""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from typing import overload

from lxml import etree


class SourceLines(Sequence[str]):
    """The lines of a source file, each decoded when first asked for.

    Errors sit in a few places of what may be a large file (a novel with errors in its header):
    decoding and splitting all of it cost more than finding the errors. Used only for encodings in
    which a newline is the byte 0x0A and never part of another character, and files without CR
    (whose line ends need XML's normalisation); `of` splits other files whole, as text.
    """

    _BYTEWISE = frozenset({"utf-8", "ascii", "latin-1", "iso8859-15", "cp1252"})

    def __init__(self, data: bytes, encoding: str):
        self._data = data
        self._encoding = encoding
        self._starts = [0]  # byte offsets of the lines found so far
        self._len = data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)

    @classmethod
    def of(cls, data: bytes, encoding: str) -> Sequence[str]:
        if codecs.lookup(encoding).name in cls._BYTEWISE and b"\r" not in data:
            return cls(data, encoding)
        return data.decode(encoding, errors="replace").splitlines()

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._len))]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(index)
        while len(self._starts) <= index + 1:
            end = self._data.find(b"\n", self._starts[-1])
            self._starts.append(len(self._data) + 1 if end < 0 else end + 1)
        return self._data[self._starts[index]:self._starts[index + 1] - 1].decode(self._encoding,
                                                                                  errors="replace")


def same_line_before(el: etree._Element, line: int) -> int:
    """How many elements with `el`'s tag start on `line` before `el` in document order.

    Walks backwards (earlier siblings, then ancestors) and stops at the first node before the line:
    start tags appear in document order, so nothing earlier can be on the line.
    """
    count = 0
    node = el
    while node is not None:
        for sibling in node.itersiblings(preceding=True):
            last = sibling
            while len(last):
                last = last[-1]
            if (last.sourceline or 0) >= line:
                count += sum(1 for e in sibling.iter(el.tag) if e.sourceline == line)
            if (sibling.sourceline or 0) < line:
                return count
        node = node.getparent()
        if node is None or (node.sourceline or 0) < line:
            return count
        if node.tag == el.tag:
            count += 1
    return count

