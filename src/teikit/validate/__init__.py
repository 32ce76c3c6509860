"""Stage 2: validation. Grammar (RELAX NG), rules (Schematron) and pointer integrity.

A `Validator` holds compiled schemas and is reused for every document a process
validates; problems come back as `Diagnostic` values, never as exceptions.

Which schemas apply to a document (the first that applies wins, per kind):

- grammar: the `--schema` files (or the configuration's `schemas`); else the RELAX NG
  schemas the document declares in `<?xml-model?>`; else, for a document that declares
  none, TEI P5 `tei_all` (`schemas/tei_all.rng`, shipped with teikit): any TEI is held
  to TEI, and nothing else, unless it says otherwise.
- rules: the `--schematron` files; else the Schematron the document declares in
  `<?xml-model?>`; else the edition's house rules `schemas/teikit.sch`, for documents
  whose grammar is the edition's customisation `schemas/teikit.rng` (declared, or given
  with `--schema`). A document that declares nothing, or its own schemas, is not held to
  the edition's conventions. Besides these, the Schematron embedded in each `--schema`
  grammar runs too (TEI's own constraints in `tei_all.rng`), as oXygen runs it.
- pointers: always (built in, any TEI document).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from teikit.diagnostics import Diagnostic, Severity, sort_key
from teikit.errors import DocumentError, InputError
from teikit.load import DEFAULT_LIMITS, Document, Limits, display_path, load
from teikit.validate import census, declarations, pointers, schemafiles, xrefs
from teikit.validate.locate import Locator, in_own_files

try:  # the grammar engine lives in its own module; validation degrades to rules + pointers without it
    from teikit.validate import grammar as relaxng
except ImportError:  # pragma: no cover - only while the module is absent from a checkout
    relaxng = None  # type: ignore[assignment]


@dataclass(frozen=True)
class ValidationOptions:
    schemas: tuple[Path, ...] = ()  # RELAX NG; empty = the document's xml-model or the project schema
    schematron: tuple[Path, ...] = ()  # empty = the document's xml-model or the project rules
    engine: str = "lxml"  # RELAX NG engine: lxml or jing
    phase: str = "#DEFAULT"  # Schematron phase
    svrl_dir: Path | None = None  # write each document's SVRL report here
    pointers: bool = True
    limits: Limits = DEFAULT_LIMITS
    project_root: Path | None = None  # XInclude and cross-file pointers stay inside it
    pointer_folders: tuple[Path, ...] = ()  # where bare file names in pointers are looked up too


def project_rules() -> Path:
    """The edition's Schematron rules."""
    from teikit.resources import schemas_dir

    return schemas_dir() / "teikit.sch"


def project_schema() -> Path | None:
    """The edition's own customisation (schemas/teikit.rng): its house rules go with it."""
    if relaxng is not None:
        return relaxng.project_schema()
    from teikit.resources import schemas_dir

    return schemas_dir() / "teikit.rng"


def default_schema() -> Path:
    """TEI P5 tei_all, for documents that declare no schema."""
    from teikit.resources import schemas_dir

    return schemas_dir() / "tei_all.rng"


def embeds_schematron(schema: Path) -> bool:
    """Whether a RELAX NG grammar carries Schematron patterns (read once per schema and process)."""
    return _embeds(Path(schema).resolve())


@functools.cache
def _embeds(schema: Path) -> bool:
    try:
        with schema.open("rb") as handle:
            for _event, element in etree.iterparse(handle, events=("start",), resolve_entities=False,
                                                   no_network=True, load_dtd=False, huge_tree=True):
                if element.tag in (SCH_PATTERN, SCH_PATTERN_OLD):
                    return True
    except (OSError, etree.XMLSyntaxError):
        return False  # the grammar checker reports an unreadable schema
    return False


SCH_PATTERN = "{http://purl.oclc.org/dsdl/schematron}pattern"
SCH_PATTERN_OLD = "{http://www.ascc.net/xml/schematron}pattern"


def declares_schematron(doc: Document) -> bool:
    """Whether an <?xml-model?> before the root names Schematron (resolvable or not)."""
    node = doc.root.getprevious()
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model":
            text = node.text or ""
            if "dsdl/schematron" in text or re.search(r"""href\s*=\s*["'][^"']*\.sch["']""", text):
                return True
        node = node.getprevious()
    return False


def svrl_name(doc: Document, rules: Path, several: bool) -> str:
    """A file name for a document's SVRL report, unique per document path (and rules file)."""
    stem = re.sub(r"[^\w.-]+", "_", doc.display.lstrip("./")).strip("_") or "document"
    stem = stem.removesuffix(".xml")
    return f"{stem}.{rules.stem}.svrl" if several else f"{stem}.svrl"


@dataclass
class Validator:
    options: ValidationOptions = field(default_factory=ValidationOptions)
    _explicit_ok: set[str] = field(default_factory=set, repr=False)  # --schema files already checked

    def validate_path(self, path: Path) -> list[Diagnostic]:
        try:
            doc = load_for(path, self.options)
        except DocumentError as exc:
            diag = exc.diagnostic or Diagnostic(display_path(Path(path)), message=exc.message)
            return [diag]
        return self.validate_document(doc)

    def validate_document(self, doc: Document, *, grammar: bool = True) -> list[Diagnostic]:
        """Every problem of one document: grammar, rules and pointers, sorted by position.

        `grammar=False` leaves the grammar to the caller (a batch run of Jing). A document
        that is not TEI (read only when rules alone were asked for) gets the rules only.
        """
        locator = Locator(doc)
        if not doc.is_tei:
            return sorted(self.rules(doc, locator), key=sort_key)
        # one walk of the tree for the grammar's names, the pointers and the grammar's own rules
        tags, attributes = self._embedded_needs()
        names = pointers.MAY_POINT if self.options.pointers else None
        census.of(doc, names, tags=tags, attributes=attributes)
        found = self.grammar(doc) if grammar else []
        found += self.rules(doc, locator)
        if self.options.pointers:
            found += pointers.check(doc, locator)
            found += xrefs.check(doc, locator, project_root=self.options.project_root,
                                 folders=self.options.pointer_folders, limits=self.options.limits)
        return sorted(in_own_files(doc, found), key=sort_key)  # problems in XIncluded files: there

    @functools.cached_property
    def _embedded_rules(self) -> tuple[Path, ...]:
        return tuple(Path(p) for p in self.options.schemas if embeds_schematron(Path(p)))

    def _embedded_needs(self) -> tuple[frozenset[str], frozenset[str]]:
        """What the Schematron embedded in the --schema grammars looks at (see `embedded.needs`)."""
        if not self._embedded_rules or self.options.phase not in ("", "#DEFAULT"):
            return frozenset(), frozenset()
        from teikit.validate import embedded

        tags: frozenset[str] = frozenset()
        attributes: frozenset[str] = frozenset()
        for grammar in self._embedded_rules:
            more_tags, more_attributes = embedded.needs(Path(grammar).resolve())
            tags, attributes = tags | more_tags, attributes | more_attributes
        return tags, attributes

    # ------------------------------------------------------------------ grammar

    def grammar_schemas(self, doc: Document) -> tuple[list[Path], list[Diagnostic]]:
        """The RELAX NG schemas that apply to `doc`, and problems with its declarations."""
        if self.options.schemas:
            return list(self.options.schemas), []
        declared = self._declared(doc, "rng")
        if declared:
            return ([d.path for d in declared if d.path is not None],
                    [d.problem for d in declared if d.problem is not None])
        default = default_schema()
        return ([default] if default.is_file() else []), []

    def _declared(self, doc: Document, kind: str) -> list[declarations.Declared]:
        return declarations.declared(doc, kind, self.options.project_root, self.options.limits.max_bytes)

    def _checked_explicit(self, schema: Path) -> None:
        """A --schema/--schematron file and what it includes must be regular local files within
        --max-bytes (the user chose them, so any folder is allowed): exit 2 otherwise."""
        key = str(Path(schema).resolve())
        if key not in self._explicit_ok:
            schemafiles.schema_closure(Path(schema), None, self.options.limits.max_bytes)
            self._explicit_ok.add(key)

    def grammar(self, doc: Document) -> list[Diagnostic]:
        schemas, found = self.grammar_schemas(doc)
        if not schemas:
            return found
        if relaxng is None:
            raise InputError("RELAX NG validation is not available in this installation")
        for schema in schemas:
            if not Path(schema).is_file():
                raise InputError(f"{display_path(Path(schema))}: no such schema", hint="check --schema")
            if self.options.schemas:
                self._checked_explicit(Path(schema))
            found += relaxng.grammar_checker(Path(schema), self.options.engine).check(doc)
        return found

    # ------------------------------------------------------------------ rules

    def rule_files(self, doc: Document) -> list[Path]:
        """The Schematron files that apply to `doc` (see the module docstring)."""
        embedded = list(self._embedded_rules)
        if self.options.schematron:
            return _unique([*self.options.schematron, *embedded])
        if declares_schematron(doc):
            declared = [d.path for d in self._declared(doc, "sch") if d.path is not None]
            return _unique([*declared, *embedded])
        house = project_schema()
        if self.options.schemas:
            grammars = [Path(p) for p in self.options.schemas]
        else:
            grammars = [d.path for d in self._declared(doc, "rng") if d.path is not None]
        rules = project_rules()
        if house is not None and rules.is_file() and house.resolve() in [p.resolve() for p in grammars]:
            return _unique([rules, *embedded])
        return _unique(embedded)

    def rules(self, doc: Document, locator: Locator) -> list[Diagnostic]:
        from teikit.validate import schematron

        files = self.rule_files(doc)
        found: list[Diagnostic] = []
        if not self.options.schematron and declares_schematron(doc):
            found += [d.problem for d in self._declared(doc, "sch") if d.problem is not None]
        node = None
        embedded_in = {Path(p).resolve() for p in self.options.schemas}
        for rules in files:
            if self.options.schematron and Path(rules).resolve() not in embedded_in:
                self._checked_explicit(Path(rules))
            source: Path | None = Path(rules)
            if source.resolve() in embedded_in and self.options.phase in ("", "#DEFAULT"):
                # a grammar's own rules: those XPath 1.0 means alike checked on the lxml tree,
                # the others only if they can fire on this document (an SVRL report needs all on Saxon)
                from teikit.validate import embedded
                from teikit.validate.schematron import xpath1

                plan = embedded.plan_for(source, doc, _rules_cache(),
                                         saxon_only=self.options.svrl_dir is not None)
                found += xpath1.check(list(plan.fast), doc, locator, plan.prefixes)
                source = plan.rules
                if source is None:
                    continue
            compiled = schematron.compile_rules(source, self.options.phase)
            # the rules read lookup files from the project, found as for the document's schemas
            # (the configured root for a document inside it; for one elsewhere, its own project's)
            inside = self.options.project_root is not None and doc.path.resolve().is_relative_to(
                Path(self.options.project_root).resolve())
            root = declarations.project_root_for(doc.path, self.options.project_root if inside else None)
            if node is None:
                from teikit import sandbox
                from teikit.transform import to_xdm

                # one Saxon tree per document, shared by every rules file, with its URI in the root
                node = to_xdm(doc, sandbox.virtual_uri(doc.path, root))
            diags, svrl = schematron.check(doc, compiled.path, self.options.phase, locator, node, root=root)
            found += diags
            if self.options.svrl_dir is not None and svrl:
                from teikit import fsutil

                name = svrl_name(doc, Path(rules), len(files) > 1)
                fsutil.write_text(Path(self.options.svrl_dir) / name, svrl)
        return found


def _rules_cache() -> Path:
    """Where the cut-down embedded rules are written (beside the simplified grammars)."""
    from teikit.validate.grammar.simplification import cache_dir

    return cache_dir() / "sch"


def _unique(paths: list[Path]) -> list[Path]:
    return list({Path(p).resolve(): Path(p) for p in paths}.values())


def rules_only(options: ValidationOptions) -> bool:
    """Only Schematron was asked for (--schematron without --schema): any XML document may be checked."""
    return bool(options.schematron) and not options.schemas


def load_for(path: Path, options: ValidationOptions) -> Document:
    """Load a document to validate: TEI, or any XML when only rules were asked for.

    With rules only, a root that means to be TEI (<TEI>, <teiCorpus>) must still be in the
    TEI namespace; an ODD's <TEI>, a METS file, a register of any vocabulary are checked by
    the rules alone (the grammar and pointer checks apply to TEI only).
    """
    from teikit.load import check_is_tei

    relaxed = rules_only(options)
    doc = load(path, limits=options.limits, project_root=options.project_root, require_tei=not relaxed)
    if relaxed and not doc.is_tei and etree.QName(doc.root).localname in ("TEI", "teiCorpus"):
        check_is_tei(doc)
    return doc


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
                   jobs: int = 0, *, cache_dir: Path | None = None, force: bool = False,
                   progress: Callable[[int], Callable[[int], None]] | None = None) -> list[Diagnostic]:
    """Validate many files (in parallel when jobs != 1); diagnostics of all files together.

    With `cache_dir`, results of unchanged documents are reused (see `teikit.cache`;
    not with `svrl_dir`, whose reports must be written); `progress(total)` returns a
    callback told of each finished document.
    """
    from teikit.runner import file_weights, run_many

    options = options or ValidationOptions()
    if options.schematron:
        # Compile (and so check) explicit rules once up front: a broken .sch is a usage error
        # reported before any document, not once per worker.
        from teikit.validate import schematron

        for rules in options.schematron:
            if Path(rules).is_file():
                validator_for(options)._checked_explicit(Path(rules))
            schematron.compile_rules(Path(rules), options.phase)
    if cache_dir is not None and options.svrl_dir is None:
        from teikit.validate.cached import validate_with_cache

        return sorted(validate_with_cache(paths, options, jobs, cache_dir, force, progress,
                                          validate_one=_validate_one,
                                          prepare=lambda: _prepare_afresh(options)), key=sort_key)
    if options.engine == "jing":
        return sorted(_validate_with_jing(paths, options, progress), key=sort_key)
    found: list[Diagnostic] = []
    tick = progress(len(paths)) if progress else None
    prepare_grammars(options)
    for diags in run_many(_validate_one, [(p, options) for p in paths], jobs, weights=file_weights(paths),
                          progress=tick):
        found.extend(diags)
    return sorted(found, key=sort_key)


def _prepare_afresh(options: ValidationOptions) -> None:
    """Drop the schemas and rules compiled earlier in this process, then prepare this batch's.

    Compiled schemas are kept per path for the life of a process, while cached results are
    recorded against the schemas' content: a long-lived process (a library caller) that
    validated, saw a schema edited and validates again must not check against the old
    compilation and record the result under the new content.
    """
    import sys

    for module, attribute in (("teikit.validate", "_validators"), ("teikit.validate.grammar", "_checkers"),
                              ("teikit.validate.schematron", "_compiled")):
        compiled = getattr(sys.modules.get(module), attribute, None)
        if isinstance(compiled, dict):
            compiled.clear()
    prepare_grammars(options)


def prepare_grammars(options: ValidationOptions) -> None:
    """Compile the --schema grammars here, before a batch: a broken schema is reported once, and
    workers forked from this process inherit the compiled checkers (spawned ones at least find
    the simplified schemas cached)."""
    for schema in (*options.schemas, *options.schematron):
        if Path(schema).is_file():  # a FIFO or oversized include is refused before any engine reads it
            validator_for(options)._checked_explicit(Path(schema))
    if options.engine != "lxml" or relaxng is None:
        return
    for schema in options.schemas:
        if Path(schema).is_file():
            relaxng.grammar_checker(Path(schema)).prepare()


JING_BATCH = 200  # documents per Jing process: one JVM start per batch, bounded memory


def _validate_with_jing(paths: list[Path], options: ValidationOptions,
                        progress: Callable[[int], Callable[[int], None]] | None) -> list[Diagnostic]:
    """Jing reads a whole batch in one JVM (starting one per file costs ~1 s each); the rules and
    pointer checks then run in this process on the documents already loaded."""
    validator = validator_for(options)
    prepare_grammars(options)
    tick = progress(len(paths)) if progress else None
    found: list[Diagnostic] = []
    for start in range(0, len(paths), JING_BATCH):
        docs: list[Document] = []
        for path in paths[start:start + JING_BATCH]:
            try:
                docs.append(load_for(path, options))
            except DocumentError as exc:
                found.append(exc.diagnostic or Diagnostic(display_path(Path(path)), message=exc.message))
        by_schema: dict[Path, list[Document]] = {}
        for doc in docs:
            if not doc.is_tei:
                continue
            schemas, problems = validator.grammar_schemas(doc)
            found += problems
            for schema in schemas:
                if not Path(schema).is_file():
                    raise InputError(f"{display_path(Path(schema))}: no such schema", hint="check --schema")
                by_schema.setdefault(Path(schema), []).append(doc)
        for schema, group in by_schema.items():
            for diags in relaxng.grammar_checker(schema, "jing").check_many(group).values():
                found += diags
        for doc in docs:
            found += validator.validate_document(doc, grammar=False)
        if tick:
            tick(len(paths[start:start + JING_BATCH]))
    return found


__all__ = ["Severity", "ValidationOptions", "Validator", "validate_paths", "validator_for"]
