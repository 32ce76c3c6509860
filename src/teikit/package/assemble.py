"""Making a bag: validate the edition, build its outputs, write the payload and metadata, publish."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

import bagit

from teikit import __version__, fsutil, report, transform
from teikit.diagnostics import Diagnostic, Severity, has_errors, printable
from teikit.errors import InputError, OutputError, TeikitError, ToolMissingError
from teikit.load import Document, display_path, load
from teikit.package.archives import publish_archive
from teikit.package.manifests import normalise_modes, payload_entries, write_tag_manifests
from teikit.package.metadata import (
    choose_timestamp,
    datacite_identifier,
    file_use,
    header_fields,
    iso,
    mimetype,
    sender_identifier,
    source_date_epoch,
)
from teikit.package.model import (
    ALGORITHMS,
    ARCHIVES,
    DATACITE_FILE,
    DC_FILE,
    METS_FILE,
    REPORT_JSON,
    InvalidEditionError,
    PackageOptions,
    PackageResult,
)
from teikit.package.schemas import copy_file, copy_schemas, schemas_for
from teikit.validate import ValidationOptions, Validator


def default_target(source: Path, out: Path | None, archive: str | None) -> Path:
    """The bag directory (or archive file) to write; archives get their extension added."""
    target = out if out is not None else Path("build") / f"{source.stem}-bag"
    if archive and not target.name.endswith(f".{archive}"):
        target = target.with_name(f"{target.name}.{archive}")
    return target


def package(source: Path, target: Path, options: PackageOptions | None = None) -> PackageResult:
    """Validate `source`, build its outputs and write the bag (or archive) at `target`.

    Raises InvalidEditionError (exit 1) for an invalid edition unless allow_invalid,
    InputError/OutputError (exit 2) for a missing source or an unusable target.
    """
    options = options or PackageOptions()
    source = Path(source)
    if not source.is_file():
        raise InputError(f"{display_path(source)}: no such edition file",
                         hint="name the TEI file to package, e.g. tei/edition.xml")
    if options.archive not in (None, *ARCHIVES):
        raise InputError(f"unknown archive format {options.archive!r}", hint="use zip or tar")
    _check_target(target, options.force)  # before the slow part: fail fast on an existing output

    try:  # parsed once, for choosing the schemas, validating and building
        doc: Document | None = load(source, limits=options.limits)
    except TeikitError:
        doc = None
    rng, sch = schemas_for(doc, options)
    for path in (source, *(doc.includes if doc is not None else ()), *rng, *sch):
        _check_storable(Path(path))
    validator = Validator(ValidationOptions(schemas=rng, schematron=sch, limits=options.limits))
    diagnostics = sorted(validator.validate_document(doc) if doc is not None
                         else validator.validate_path(source))
    if has_errors(diagnostics) and not options.allow_invalid:
        count = sum(d.severity >= Severity.ERROR for d in diagnostics)
        raise InvalidEditionError(
            f"{display_path(source)}: not packaged: the edition has {count} validation error(s)",
            diagnostics,
            hint="fix them (teikit validate shows them), or package anyway with --allow-invalid, "
                 "which is recorded in the bag")
    if doc is None:
        doc = load(source, limits=options.limits)  # raises the parse error: nothing to build from
    missing = [fmt for fmt in options.formats if not _writer_available(fmt)]
    if missing:
        raise ToolMissingError(f"cannot package: no writer for {', '.join(missing)} in this installation",
                               hint="install teikit completely; a deposit holds HTML, PDF and text")

    header = header_fields(doc)
    timestamp = choose_timestamp(options, header)
    _prepare_parent(target)
    fsutil.remove_stale(target.parent, Path(tempfile.gettempdir()))  # what killed runs left
    staging = _make_staging(target)
    try:
        payload = _assemble(staging, source, doc, rng, sch, diagnostics, header, timestamp, options)
        if options.archive:
            publish_archive(staging, target, options.archive, timestamp)
        else:
            _publish_dir(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return PackageResult(target, diagnostics, payload, timestamp)


_UNSTORABLE = re.compile(r"[\x00-\x1f\x7f-\x9f%\\]")


def _check_storable(path: Path) -> None:
    """A file name the bag can record unambiguously, or InputError (exit 2) before anything is written.

    BagIt manifests are lines of `checksum path` with CR, LF and % percent-encoded, and METS
    lists files in tab-separated rows; bagit.py (which archives and `--verify` use) neither
    encodes "%" nor reads a literal "%0A" back as written. Rather than write a bag that
    fails its own verification, such names are refused.
    """
    bad = _UNSTORABLE.search(path.name)
    if bad:
        raise InputError(f"{printable(display_path(path))}: the file name contains '{printable(bad[0])}', "
                         "which a BagIt manifest cannot record unambiguously; not packaged",
                         hint="rename the file (and what refers to it) without control characters, "
                              "'%' or '\\'")


def _check_target(target: Path, force: bool) -> None:
    if target.exists() or target.is_symlink():
        if not force:
            kind = "directory" if target.is_dir() else "file"
            raise OutputError(f"{display_path(target)}: {kind} already exists; not overwritten",
                              hint="choose another --out, or replace it with --force")
        if target.is_dir() and not (target / "bagit.txt").is_file():
            raise OutputError(f"{display_path(target)}: exists and is not a bag; --force replaces only bags",
                              hint="choose another --out")
    blocker = next((p for p in (target.parent, *target.parent.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise OutputError(f"{display_path(blocker)}: is a file, so the output directory cannot be created",
                          hint="choose a writable directory with --out")


def _prepare_parent(target: Path) -> None:
    """Create the output's directory (only once the edition passed validation) and check it is writable."""
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{display_path(parent)}: cannot create output directory: {exc.strerror or exc}",
                          hint="choose a writable directory with --out") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{display_path(parent)}: output directory is not writable",
                          hint="choose a writable directory with --out")


def _make_staging(target: Path) -> Path:
    try:
        return Path(tempfile.mkdtemp(prefix=fsutil.temp_prefix(target.name), suffix=".tmp",
                                     dir=target.parent))
    except OSError as exc:
        raise OutputError(f"{display_path(target.parent)}: cannot write: {exc.strerror or exc}",
                          hint="check permissions and free space of the output directory") from None


def _writer_available(fmt: str) -> bool:
    from teikit.write import writer

    try:
        writer(fmt)
    except (ImportError, ValueError):
        return False
    return True


def _assemble(staging: Path, source: Path, doc: Document, rng: tuple[Path, ...], sch: tuple[Path, ...],
              diagnostics: list[Diagnostic], header: list[tuple[str, str]], timestamp: int,
              options: PackageOptions) -> list[str]:
    """Write the payload into `staging`, make it a bag, add METS and the tag manifests."""
    from teikit import fsutil
    from teikit.write import build_document

    # Payload files are written at the top of `staging`; bagit moves them into data/.
    names: dict[str, str] = {}  # display path of a source file -> its path in the bag
    tei_name = f"tei/{source.name}"
    copy_file(source, staging / tei_name)
    names[display_path(source)] = f"data/{tei_name}"
    for included in doc.includes:
        try:
            relative = Path(included).resolve().relative_to(source.parent.resolve())
        except ValueError:
            raise InputError(f"{display_path(Path(included))}: XInclude target outside the edition's "
                             "folder cannot be packaged",
                             hint="keep included files beside the edition") from None
        copy_file(Path(included), staging / "tei" / relative)
        names[display_path(Path(included))] = f"data/tei/{relative.as_posix()}"

    schema_files = copy_schemas((*rng, *sch), staging / "schemas", source, options)
    for original, in_bag in schema_files.items():
        names[display_path(original)] = in_bag

    output = staging / "output"
    with source_date_epoch(timestamp):
        build_document(doc, output, options.formats, options.build)

    tei_in_bag = f"data/{tei_name}"
    in_bag = [replace(d, file=names.get(d.file, PurePosixPath(d.file).name)) for d in diagnostics]
    report_data = json.loads(report.render(in_bag, [tei_in_bag], "json"))
    report_data["package"] = {
        "source": tei_in_bag,
        "schemas": sorted(v for v in schema_files.values() if v.endswith(".rng")),
        "schematron": sorted(v for v in schema_files.values() if v.endswith(".sch")),
        "valid": not has_errors(in_bag),
        "allow_invalid": options.allow_invalid,
        "packaged_with_errors": has_errors(in_bag),
        "date": iso(timestamp),
    }
    fsutil.write_text(staging / "reports" / "validation.json",
                      json.dumps(report_data, ensure_ascii=False, indent=2) + "\n")
    fsutil.write_text(staging / "reports" / "validation.junit.xml",
                      report.render(in_bag, [tei_in_bag], "junit"))

    fields = dict(header)
    local_id = f"{source.stem}-{doc.digest[:16]}"
    fsutil.write_text(staging / "metadata" / "oai_dc.xml", transform.run("metadata/oai_dc", doc))
    fsutil.write_text(staging / "metadata" / "datacite.xml",
                      transform.run("metadata/datacite", doc, {"identifier-fallback": local_id,
                                                              "year-fallback": iso(timestamp)[:4]}))

    info: dict[str, str | list[str]] = {}
    for label, value in header:
        info.setdefault(label, [])
        info[label].append(value)  # type: ignore[union-attr]
    errors = sum(d.severity >= Severity.ERROR for d in in_bag)
    info.update({
        "Bagging-Date": iso(timestamp)[:10],
        "Bag-Software-Agent": f"teikit {__version__} (bagit.py {bagit.VERSION})",
        "Internal-Sender-Identifier": sender_identifier(source),
        "Internal-Sender-Description": f"TEI P5 edition \"{fields.get('TEI-Title', source.stem)}\" with its "
                                       "schemas, HTML, PDF/A and text outputs and validation report",
        "TEI-File": tei_in_bag,
        "Teikit-Validation": (
            "valid" if not errors
            else f"INVALID: {errors} error(s), packaged with --allow-invalid; see {REPORT_JSON}"),
    })
    if options.allow_invalid:
        info["Teikit-Allow-Invalid"] = "yes"
    info.setdefault("External-Identifier", [local_id])

    try:
        bagit.make_bag(str(staging), bag_info=info, checksums=list(ALGORITHMS), processes=1)
    except (bagit.BagError, OSError) as exc:
        raise OutputError(f"{display_path(staging)}: cannot make the bag: {exc}",
                          hint="check permissions and free space of the output directory") from None
    (staging / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
                                       encoding="utf-8")

    payload = payload_entries(staging)
    files = "".join(f"{path}\t{size}\t{sha}\t{mimetype(path, tei_in_bag)}\t{file_use(path)}\n"
                    for path, size, sha in payload)
    identifier = datacite_identifier(staging / DATACITE_FILE) or local_id
    mets = transform.run("metadata/mets", doc, {
        "files": files, "create-date": iso(timestamp), "agent": f"teikit {__version__}",
        "objid": identifier, "dc": DC_FILE, "datacite": DATACITE_FILE, "report": REPORT_JSON,
    })
    (staging / METS_FILE).write_text(mets, encoding="utf-8")
    write_tag_manifests(staging)
    normalise_modes(staging)
    return [path for path, _size, _sha in payload]


def _publish_dir(staging: Path, target: Path) -> None:
    """Rename the finished bag into place; an old bag (--force) is removed only after that succeeded."""
    old = None
    try:
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")  # fsutil.remove_stale knows it
            os.replace(target, old)
        os.replace(staging, target)
    except OSError as exc:
        if old is not None and not target.exists():
            os.replace(old, target)
        raise OutputError(f"{display_path(target)}: cannot write: {exc.strerror or exc}") from None
    if old is not None:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def summarise(result: PackageResult) -> str:
    """One line for the CLI: what was written and how big it is."""
    path = result.path
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    state = "valid" if result.valid else "INVALID (packaged with --allow-invalid)"
    return (f"wrote {display_path(path)}: {len(result.payload)} payload file(s), {size:,} bytes, "
            f"edition {state}, dated {iso(result.timestamp)}")
