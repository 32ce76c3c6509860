"""The schemas a bag stores: those the edition is validated with, and every file they include."""

from __future__ import annotations

from pathlib import Path

from teikit.errors import InputError
from teikit.load import Document
from teikit.package.model import (
    PackageOptions,
)
from teikit.validate import ValidationOptions, Validator
from teikit.validate.declarations import project_root_for
from teikit.validate.schemafiles import SchemaFileError, allowed_roots, schema_closure


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


def copy_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(Path(source).read_bytes())


def copy_schemas(schemas: tuple[Path, ...], folder: Path, source: Path, options: PackageOptions,
                 ) -> dict[Path, str]:
    """Copy each schema with the files it includes, keeping their relative layout; original -> bag path.

    Only RELAX NG's and Schematron's own include elements are followed, and for schemas the
    document chose (not --schema/--schematron), only inside its project
    (`teikit.validate.schemafiles`): a document cannot put /proc/self/environ into a bag.
    """
    explicit = {Path(p).resolve() for p in (*options.schemas, *options.schematron)}
    project = allowed_roots(project_root_for(source, None))
    copied: dict[Path, str] = {}
    for schema in schemas:
        roots = None if Path(schema).resolve() in explicit else project
        try:
            closure = schema_closure(Path(schema), roots, options.limits.max_bytes)
        except SchemaFileError as exc:
            raise InputError(f"not packaged: {exc.message}", hint=exc.hint) from None
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
