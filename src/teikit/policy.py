"""Findings policy: which rules are reported, at which severity (configuration and --ignore).

Rules are named as in reports (`rng`, `pointer.unresolved`, `entity-kind`, …); a
selector matches a rule by its full name or by a prefix ending at a dot
(`pointer` and `pointer.` both match `pointer.unresolved`). As with ruff's
`select`/`ignore`, the most specific selector wins, so `ignore = ["pointer"]`
with `select = ["pointer.duplicate-id"]` keeps only duplicate ids among the
pointer findings. Fatal findings (a document that could not be read) are never
dropped or downgraded: nothing else about that document is known.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from teikit.diagnostics import Diagnostic, Severity

LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


def matches(selector: str, rule: str) -> int:
    """How specifically `selector` matches `rule`: its length, or -1 when it does not match."""
    stem = selector.rstrip(".")
    if not stem:
        return -1
    return len(stem) if rule == stem or rule.startswith(stem + ".") else -1


@dataclass(frozen=True)
class Policy:
    select: tuple[str, ...] = ()  # empty = every rule
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = field(default=())  # (selector, level)

    @classmethod
    def of(cls, select: Sequence[str] = (), ignore: Sequence[str] = (),
           severity: Mapping[str, str] | None = None) -> Policy:
        return cls(tuple(select), tuple(ignore), tuple(sorted((severity or {}).items())))

    def keeps(self, rule: str) -> bool:
        """Kept when selected (everything is, without `select`) more specifically than ignored;
        at equal specificity `ignore` wins, as in ruff."""
        selected = max((matches(s, rule) for s in self.select), default=-1) if self.select else 0
        ignored = max((matches(s, rule) for s in self.ignore), default=-1)
        return selected >= 0 and selected > ignored

    def level(self, rule: str) -> Severity | None:
        best, found = -1, None
        for selector, level in self.severity:
            score = matches(selector, rule)
            if score > best:
                best, found = score, LEVELS[level]
        return found

    def apply(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        if not (self.select or self.ignore or self.severity):
            return list(diagnostics)
        kept = []
        for d in diagnostics:
            if d.severity is Severity.FATAL:
                kept.append(d)
                continue
            rule = d.rule or d.source
            if not self.keeps(rule):
                continue
            level = self.level(rule)
            kept.append(d if level is None else dataclasses.replace(d, severity=level))
        return kept
