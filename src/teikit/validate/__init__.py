"""Stage 2: validation. Grammar (RELAX NG), rules (Schematron) and pointer integrity.

A `Validator` holds compiled schemas and is reused for every document a process
validates; problems come back as `Diagnostic` values, never as exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from teikit.diagnostics import Diagnostic
from teikit.errors import DocumentError
from teikit.load import DEFAULT_LIMITS, Document, Limits, display_path, load


@dataclass(frozen=True)
class ValidationOptions:
    schemas: tuple[Path, ...] = ()  # RELAX NG; empty = the document's xml-model or the project schema
    schematron: tuple[Path, ...] = ()
    engine: str = "lxml"
    limits: Limits = DEFAULT_LIMITS
    project_root: Path | None = None


@dataclass
class Validator:
    options: ValidationOptions = field(default_factory=ValidationOptions)

    def validate_path(self, path: Path) -> list[Diagnostic]:
        try:
            doc = load(path, limits=self.options.limits, project_root=self.options.project_root)
        except DocumentError as exc:
            diag = exc.diagnostic or Diagnostic(display_path(Path(path)), message=exc.message)
            return [diag]
        return self.validate_document(doc)

    def validate_document(self, doc: Document) -> list[Diagnostic]:
        return []


_validators: dict[ValidationOptions, Validator] = {}


def validator_for(options: ValidationOptions) -> Validator:
    """One Validator (and so one set of compiled schemas) per options, per process."""
    found = _validators.get(options)
    if found is None:
        found = _validators[options] = Validator(options)
    return found


def _validate_one(args: tuple[Path, ValidationOptions]) -> list[Diagnostic]:
    path, options = args
    return validator_for(options).validate_path(path)


def validate_paths(paths: list[Path], options: ValidationOptions | None = None,
                   jobs: int = 0) -> list[Diagnostic]:
    """Validate many files (in parallel when jobs != 1); diagnostics of all files together."""
    from teikit.runner import run_many

    options = options or ValidationOptions()
    found: list[Diagnostic] = []
    for diags in run_many(_validate_one, [(p, options) for p in paths], jobs):
        found.extend(diags)
    return found
