"""Findings as values: every problem teikit finds is a `Diagnostic` with a location.

Stages never print or raise for problems in a document; they return diagnostics,
so a run can collect everything (like a compiler) and report it in one place,
in the format the caller asked for (see `teikit.report`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

# C0 and C1 controls, DEL, line and paragraph separators and bidi overrides: in a terminal or a CI
# log they move the cursor, set the clipboard (OSC 52), start a new line that a CI runner reads as
# a workflow command (`::error ...`) or reorder what is shown. File names, messages and hints come
# from documents, so every human-readable output escapes them.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` on one line with every control character shown as an escape (\\n, \\x1b, \\u202e)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: _NAMED.get(m[0]) or (f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100
                                                       else f"\\u{ord(m[0]):04x}"), text)


class Severity(enum.IntEnum):
    """Ordered so that `max()` over a run gives its worst finding."""

    INFO = 0
    WARNING = 1
    ERROR = 2
    FATAL = 3  # the document could not be processed further (e.g. not well-formed)

    def __str__(self) -> str:
        return "error" if self is Severity.FATAL else self.name.lower()


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, located as precisely as the checker allows (line/column 0 = unknown)."""

    file: str
    line: int = 0
    column: int = 0
    severity: Severity = Severity.ERROR
    rule: str = ""
    message: str = ""
    hint: str = field(default="", compare=False)
    source: str = field(default="", compare=False)  # which checker: xml, relaxng, schematron, ...

    def location(self) -> str:
        parts = [printable(self.file)]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        rule = f"[{self.rule}] " if self.rule else ""
        text = f"{self.location()}: {self.severity}: {printable(rule)}{printable(self.message)}"
        if self.hint:
            text += f"\n    hint: {printable(self.hint)}"
        return text

    def to_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


def worst(diagnostics: Iterable[Diagnostic]) -> Severity | None:
    return max((d.severity for d in diagnostics), default=None)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity >= Severity.ERROR for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple:
    return (d.file, d.line, d.column, -int(d.severity), d.rule, d.message)
