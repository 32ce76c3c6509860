"""The schemas a bag stores: those the edition is validated with, and every file they include."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from teikit.errors import InputError
from teikit.load import Document, display_path, make_parser
from teikit.package.model import (
    PackageOptions,
)
from teikit.validate import ValidationOptions, Validator


def schemas_for(doc: Document | None, options: PackageOptions) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """The RELAX NG and Schematron files the source is validated with, as `teikit validate` picks them.

    The Validator decides (explicit options, else the document's <?xml-model?>, else the
    project's schemas/teikit.rng and teikit.sch); the package stores exactly those.
    """
    validator = Validator(ValidationOptions(schemas=tuple(options.schemas),
                                            schematron=tuple(options.schematron), limits=options.limits))
    if doc is None:  # not loadable: validation reports the problem
        return tuple(options.schemas), tuple(options.schematron)
    rng, _problems = validator.grammar_schemas(doc)
    sch = validator.rule_files(doc)
    return (tuple(Path(p) for p in rng if p is not None and Path(p).is_file()),
            tuple(Path(p) for p in sch if Path(p).is_file()))


def schema_closure(schema: Path) -> list[Path]:
    """The schema and every file it includes (rng:include/externalRef, sch:include/extends), in order."""
    found: dict[Path, None] = {}

    def visit(path: Path) -> None:
        path = path.resolve()
        if path in found or not path.is_file():
            return
        found[path] = None
        try:
            tree = etree.fromstring(path.read_bytes(), make_parser())
        except (OSError, etree.XMLSyntaxError):
            return  # the validator reports unreadable schemas; packaging copies what exists
        for element in tree.iter("{*}include", "{*}externalRef", "{*}extends"):
            href = element.get("href")
            if href and "://" not in href:
                visit(path.parent / href)

    visit(schema)
    return list(found)


def copy_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(Path(source).read_bytes())


def copy_schemas(schemas: tuple[Path, ...], folder: Path) -> dict[Path, str]:
    """Copy each schema with the files it includes, keeping their relative layout; original -> bag path."""
    copied: dict[Path, str] = {}
    for schema in schemas:
        closure = schema_closure(Path(schema))
        if not closure:
            raise InputError(f"{display_path(Path(schema))}: schema not found",
                             hint="check --schema/--schematron")
        base = closure[0].parent
        for path in closure:
            try:
                relative = path.relative_to(base)
            except ValueError:
                relative = Path(path.name)
            in_bag = f"data/schemas/{relative.as_posix()}"
            if in_bag in copied.values() and copied.get(path) != in_bag:
                raise InputError(f"two schemas would be stored as {in_bag}",
                                 hint="give the schemas different file names")
            copy_file(path, folder / relative)
            copied[path] = in_bag
    return copied
