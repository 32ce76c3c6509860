"""What every grammar engine is: a compiled schema that turns a document into diagnostics."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from pathlib import Path

from teikit.diagnostics import Diagnostic
from teikit.load import Document

ENGINES = ("lxml", "jing")
MAX_ERRORS = 100  # per document; the rest would be consequences of earlier ones


@dataclass
class GrammarChecker(abc.ABC):
    """A compiled RELAX NG schema that checks documents; subclasses are the engines."""

    schema: Path

    @abc.abstractmethod
    def check(self, doc: Document) -> list[Diagnostic]:
        """Every grammar error of `doc` (rule "rng", severity ERROR, source "relaxng")."""

    def prepare(self) -> None:
        """Make now what every process would otherwise make for itself on its first document: called
        before workers are forked, which then inherit it. Engines with such state override this."""
        return None

    def check_many(self, docs: list[Document]) -> dict[str, list[Diagnostic]]:
        """Diagnostics per `doc.display`; engines with a start-up cost override this."""
        return {doc.display: self.check(doc) for doc in docs}

