"""Stage 5: archival packages. A TEI edition becomes a self-verifying BagIt 1.0 bag.

An archive that receives a deposit needs to know three things without teikit:
that nothing is missing or corrupt (BagIt manifests, SHA-256 and SHA-512), what
the deposit is (Dublin Core, DataCite and METS records derived from the
teiHeader by the stylesheets in xslt/metadata/), and that the source is the
valid document its reading copies were made from (the schemas it was validated
with and the validation report travel inside the bag). Layout of a bag:

    bagit.txt  bag-info.txt  manifest-sha{256,512}.txt  tagmanifest-sha{256,512}.txt
    mets.xml                  tag file: METS describing every payload file
    data/tei/NAME.xml         the TEI source, byte for byte (and XIncluded files)
    data/schemas/             the RELAX NG and Schematron files it was validated with
    data/output/              NAME.html, NAME.pdf (PDF/A), NAME.txt (and HTML assets)
    data/reports/             validation.json (teikit.report) and validation.junit.xml
    data/metadata/            oai_dc.xml (Dublin Core), datacite.xml (DataCite 4.5)

METS is a tag file, not payload, so that it can list the checksum of every payload
file (a payload file cannot list its own); the tag manifests protect it.

Packages are reproducible: the same inputs give byte-identical files. Every date
comes from SOURCE_DATE_EPOCH or, when that is unset, from the TEI's latest
publication or revision date; files are listed in sorted order; archives have
fixed times, owners and permissions; nothing records an absolute path.

A bag is assembled in a hidden directory beside the target and renamed into
place only when complete, so a failure never leaves a half-written package.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import stat
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import bagit
from lxml import etree

from teikit import __version__, report, transform
from teikit.diagnostics import Diagnostic, Severity, has_errors
from teikit.errors import EXIT_INVALID, InputError, OutputError, TeikitError, ToolMissingError
from teikit.load import DEFAULT_LIMITS, Document, Limits, display_path, load, make_parser
from teikit.validate import ValidationOptions, Validator
from teikit.write import FORMATS, BuildOptions

ALGORITHMS = ("sha256", "sha512")
logging.getLogger("bagit").addHandler(logging.NullHandler())  # findings are Diagnostics, not log lines
ARCHIVES = ("zip", "tar")
EPOCH_1980 = 315532800  # 1980-01-01T00:00:00Z: the earliest time a zip entry can carry
METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"

TEI_DIR = "data/tei"
SCHEMA_DIR = "data/schemas"
OUTPUT_DIR = "data/output"
REPORT_JSON = "data/reports/validation.json"
REPORT_JUNIT = "data/reports/validation.junit.xml"
DC_FILE = "data/metadata/oai_dc.xml"
DATACITE_FILE = "data/metadata/datacite.xml"
METS_FILE = "mets.xml"

MIMETYPES = {
    ".xml": "application/xml", ".rng": "application/xml", ".sch": "application/xml",
    ".xsd": "application/xml", ".html": "text/html", ".htm": "text/html", ".pdf": "application/pdf",
    ".txt": "text/plain", ".json": "application/json", ".css": "text/css", ".js": "text/javascript",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".woff2": "font/woff2", ".woff": "font/woff",
}


class InvalidEditionError(TeikitError):
    """The edition has validation errors and --allow-invalid was not given."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str, diagnostics: list[Diagnostic], hint: str = ""):
        super().__init__(message, hint=hint)
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class PackageOptions:
    schemas: tuple[Path, ...] = ()  # RELAX NG; empty = what `teikit validate` would use
    schematron: tuple[Path, ...] = ()
    limits: Limits = DEFAULT_LIMITS
    formats: tuple[str, ...] = FORMATS  # the deposit needs all three; fewer only for development
    build: BuildOptions = field(default_factory=BuildOptions)
    allow_invalid: bool = False
    force: bool = False
    archive: str | None = None  # None (a directory), "zip" or "tar"
    source_date_epoch: int | None = None  # None = $SOURCE_DATE_EPOCH, else the TEI's date


@dataclass
class PackageResult:
    path: Path  # the bag directory or archive written
    diagnostics: list[Diagnostic]  # validation findings of the source (errors only with allow_invalid)
    payload: list[str]  # payload files, relative to the bag root, sorted
    timestamp: int  # the fixed time every date in the package derives from

    @property
    def valid(self) -> bool:
        return not has_errors(self.diagnostics)


# --------------------------------------------------------------------------- which schemas


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


def _schema_closure(schema: Path) -> list[Path]:
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


# --------------------------------------------------------------------------- packaging


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

    header = _header_fields(doc)
    timestamp = _timestamp(options, header)
    _prepare_parent(target)
    staging = _make_staging(target)
    try:
        payload = _assemble(staging, source, doc, rng, sch, diagnostics, header, timestamp, options)
        if options.archive:
            _publish_archive(staging, target, options.archive, timestamp)
        else:
            _publish_dir(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return PackageResult(target, diagnostics, payload, timestamp)


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
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
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


def _header_fields(doc: Document) -> list[tuple[str, str]]:
    """bag-info.txt fields from the teiHeader, by xslt/metadata/bag-info.xsl, in its order."""
    text = transform.run("metadata/bag-info", doc)
    fields = []
    for line in text.splitlines():
        label, sep, value = line.partition(": ")
        if sep and value.strip():
            fields.append((label.strip(), value.strip()))
    return fields


def _timestamp(options: PackageOptions, header: list[tuple[str, str]]) -> int:
    """SOURCE_DATE_EPOCH, else the TEI's latest publication/revision date (midnight UTC), else 1980."""
    if options.source_date_epoch is not None:
        return max(int(options.source_date_epoch), EPOCH_1980)
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env:
        try:
            return max(int(env), EPOCH_1980)
        except ValueError:
            raise InputError(f"SOURCE_DATE_EPOCH={env!r} is not a number of seconds",
                             hint="set it to an integer, e.g. $(git log -1 --format=%ct)") from None
    date = dict(header).get("TEI-Date")
    if date:
        with contextlib.suppress(ValueError):
            day = dt.datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=dt.UTC)
            return max(int(day.timestamp()), EPOCH_1980)
    return EPOCH_1980


def _iso(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextlib.contextmanager
def _source_date_epoch(timestamp: int) -> Iterator[None]:
    """Writers that stamp dates (the PDF) read SOURCE_DATE_EPOCH; give them the package's time."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(timestamp)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def _assemble(staging: Path, source: Path, doc: Document, rng: tuple[Path, ...], sch: tuple[Path, ...],
              diagnostics: list[Diagnostic], header: list[tuple[str, str]], timestamp: int,
              options: PackageOptions) -> list[str]:
    """Write the payload into `staging`, make it a bag, add METS and the tag manifests."""
    from teikit import fsutil
    from teikit.write import build_document

    # Payload files are written at the top of `staging`; bagit moves them into data/.
    names: dict[str, str] = {}  # display path of a source file -> its path in the bag
    tei_name = f"tei/{source.name}"
    _copy(source, staging / tei_name)
    names[display_path(source)] = f"data/{tei_name}"
    for included in doc.includes:
        try:
            relative = Path(included).resolve().relative_to(source.parent.resolve())
        except ValueError:
            raise InputError(f"{display_path(Path(included))}: XInclude target outside the edition's "
                             "folder cannot be packaged",
                             hint="keep included files beside the edition") from None
        _copy(Path(included), staging / "tei" / relative)
        names[display_path(Path(included))] = f"data/tei/{relative.as_posix()}"

    schema_files = _copy_schemas((*rng, *sch), staging / "schemas")
    for original, in_bag in schema_files.items():
        names[display_path(original)] = in_bag

    output = staging / "output"
    with _source_date_epoch(timestamp):
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
        "date": _iso(timestamp),
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
                                                              "year-fallback": _iso(timestamp)[:4]}))

    info: dict[str, str | list[str]] = {}
    for label, value in header:
        info.setdefault(label, [])
        info[label].append(value)  # type: ignore[union-attr]
    errors = sum(d.severity >= Severity.ERROR for d in in_bag)
    info.update({
        "Bagging-Date": _iso(timestamp)[:10],
        "Bag-Software-Agent": f"teikit {__version__} (bagit.py {bagit.VERSION})",
        "Internal-Sender-Identifier": _sender_identifier(source),
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

    payload = _payload_entries(staging)
    files = "".join(f"{path}\t{size}\t{sha}\t{_mimetype(path, tei_in_bag)}\t{_use(path)}\n"
                    for path, size, sha in payload)
    identifier = _datacite_identifier(staging / DATACITE_FILE) or local_id
    mets = transform.run("metadata/mets", doc, {
        "files": files, "create-date": _iso(timestamp), "agent": f"teikit {__version__}",
        "objid": identifier, "dc": DC_FILE, "datacite": DATACITE_FILE, "report": REPORT_JSON,
    })
    (staging / METS_FILE).write_text(mets, encoding="utf-8")
    write_tag_manifests(staging)
    _normalise_modes(staging)
    return [path for path, _size, _sha in payload]


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(Path(source).read_bytes())


def _copy_schemas(schemas: tuple[Path, ...], folder: Path) -> dict[Path, str]:
    """Copy each schema with the files it includes, keeping their relative layout; original -> bag path."""
    copied: dict[Path, str] = {}
    for schema in schemas:
        closure = _schema_closure(Path(schema))
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
            _copy(path, folder / relative)
            copied[path] = in_bag
    return copied


def _sender_identifier(source: Path) -> str:
    """The source's path relative to its project (or working directory); never absolute."""
    from teikit.resources import project_root

    resolved = source.resolve()
    for base in (project_root(), Path.cwd()):
        if base is not None:
            with contextlib.suppress(ValueError):
                return resolved.relative_to(base.resolve()).as_posix()
    return source.name


def _payload_entries(bag_dir: Path) -> list[tuple[str, int, str]]:
    """(path, size, sha256) of every payload file, from the manifest bagit wrote, sorted by path."""
    entries = []
    for line in (bag_dir / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines():
        digest, _, path = line.partition(" ")
        path = path.strip()
        entries.append((path, (bag_dir / path).stat().st_size, digest))
    return sorted(entries)


def _mimetype(path: str, tei: str) -> str:
    if path == tei or path.startswith(f"{TEI_DIR}/"):
        return "application/tei+xml"
    return MIMETYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")


def _use(path: str) -> str:
    if path.startswith(f"{TEI_DIR}/"):
        return "source"
    if path.startswith(f"{SCHEMA_DIR}/"):
        return "schema"
    if path.startswith("data/reports/"):
        return "report"
    if path.startswith("data/metadata/"):
        return "metadata"
    suffix = PurePosixPath(path).suffix.lower()
    default = "html" if path.startswith(f"{OUTPUT_DIR}/") else "other"
    return {".pdf": "pdf", ".txt": "text"}.get(suffix, default)


def _datacite_identifier(path: Path) -> str | None:
    tree = etree.fromstring(path.read_bytes(), make_parser())
    found = tree.find("{http://datacite.org/schema/kernel-4}identifier")
    return found.text.strip() if found is not None and found.text else None


def write_tag_manifests(bag_dir: Path) -> None:
    """Tag manifests over every tag file, in sorted order (bagit.py lists them in directory order)."""
    tag_files = sorted(
        p.relative_to(bag_dir).as_posix() for p in bag_dir.rglob("*")
        if p.is_file() and not p.relative_to(bag_dir).as_posix().startswith("data/")
        and not p.name.startswith("tagmanifest-"))
    for alg in ALGORITHMS:
        lines = [f"{_digest(bag_dir / name, alg)} {name}\n" for name in tag_files]
        (bag_dir / f"tagmanifest-{alg}.txt").write_text("".join(lines), encoding="utf-8")


def _digest(path: Path, alg: str) -> str:
    h = hashlib.new(alg)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _normalise_modes(bag_dir: Path) -> None:
    os.chmod(bag_dir, 0o755)
    for path in bag_dir.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


def _publish_dir(staging: Path, target: Path) -> None:
    """Rename the finished bag into place; an old bag (--force) is removed only after that succeeded."""
    old = None
    try:
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
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


# --------------------------------------------------------------------------- archives


def _archive_members(bag_dir: Path, top: str) -> list[tuple[str, Path]]:
    """(name in archive, file) for every directory and file, sorted; names start with `top`/."""
    members = [(f"{top}/", bag_dir)]
    for path in sorted(bag_dir.rglob("*"), key=lambda p: p.relative_to(bag_dir).as_posix()):
        name = f"{top}/{path.relative_to(bag_dir).as_posix()}"
        members.append((name + "/" if path.is_dir() else name, path))
    return members


def _publish_archive(staging: Path, target: Path, kind: str, timestamp: int) -> None:
    """Write the bag as one archive with a single top folder named like the file, then rename it in place."""
    top = target.name[: -len(f".{kind}")] if target.name.endswith(f".{kind}") else target.stem
    from teikit import fsutil

    with fsutil.atomic_path(target) as tmp:
        if kind == "zip":
            _write_zip(staging, tmp, top, timestamp)
        else:
            _write_tar(staging, tmp, top, timestamp)


def _write_zip(bag_dir: Path, out: Path, top: str, timestamp: int) -> None:
    when = dt.datetime.fromtimestamp(max(timestamp, EPOCH_1980), dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(out, "w") as archive:
        for name, path in _archive_members(bag_dir, top):
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = 3  # Unix, so the permissions below are read
            if path.is_dir():
                info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
                archive.writestr(info, b"")
            else:
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes(), compresslevel=9)


def _write_tar(bag_dir: Path, out: Path, top: str, timestamp: int) -> None:
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as archive:
        for name, path in _archive_members(bag_dir, top):
            info = tarfile.TarInfo(name.rstrip("/"))
            info.mtime = timestamp
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if path.is_dir():
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                archive.addfile(info)
            else:
                info.mode = 0o644
                info.size = path.stat().st_size
                with open(path, "rb") as handle:
                    archive.addfile(info, handle)


@contextlib.contextmanager
def opened_bag(path: Path) -> Iterator[Path]:
    """A bag directory for `path`: the directory itself, or a zip/tar safely extracted to a temp dir."""
    path = Path(path)
    if path.is_dir():
        yield path
        return
    if not path.is_file():
        raise InputError(f"{display_path(path)}: no such bag (directory, .zip or .tar)",
                         hint="check the path")
    with tempfile.TemporaryDirectory(prefix="teikit-verify-") as tmp:
        root = Path(tmp)
        if zipfile.is_zipfile(path):
            _extract_zip(path, root)
        elif tarfile.is_tarfile(path):
            _extract_tar(path, root)
        else:
            raise InputError(f"{display_path(path)}: not a bag directory, zip or tar archive",
                             hint="name the bag directory, or the .zip/.tar written by teikit package")
        tops = [p for p in root.iterdir()]
        if len(tops) != 1 or not tops[0].is_dir():
            raise InputError(f"{display_path(path)}: a serialized bag holds exactly one top-level folder")
        yield tops[0]


def _safe_member(name: str, archive: Path) -> PurePosixPath:
    member = PurePosixPath(name)
    if member.is_absolute() or ".." in member.parts or not member.parts:
        raise InputError(f"{display_path(archive)}: unsafe member name {name!r}; not extracted")
    return member


def _place(root: Path, name: str, archive: Path, data: bytes | None) -> None:
    """Write one archive member under `root` (a folder when `data` is None), refusing unsafe names."""
    target = root.joinpath(*_safe_member(name, archive).parts)
    if data is None:
        target.mkdir(parents=True, exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _extract_zip(path: Path, root: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            _place(root, info.filename, path, None if info.is_dir() else archive.read(info))


def _extract_tar(path: Path, root: Path) -> None:
    with tarfile.open(path) as archive:
        for info in archive.getmembers():
            if not (info.isdir() or info.isfile()):
                _safe_member(info.name, path)
                raise InputError(f"{display_path(path)}: member {info.name!r} is a link or device; "
                                 "not extracted")
            handle = archive.extractfile(info) if info.isfile() else None
            _place(root, info.name, path, None if info.isdir() else (handle.read() if handle else b""))


# --------------------------------------------------------------------------- verification


def verify(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[Diagnostic]:
    """Check a bag (directory, .zip or .tar): completeness, checksums, METS, and the TEI against its schemas.

    Every problem is a Diagnostic naming the file inside the bag; an empty list means intact.
    """
    shown = display_path(Path(path))
    with opened_bag(Path(path)) as bag_dir:
        found = _verify_bag(bag_dir, shown)
        if has_errors(found):
            return found
        return found + _verify_mets(bag_dir, shown) + _verify_tei(bag_dir, shown, limits)


def _problem(shown: str, inner: str, rule: str, message: str, hint: str = "",
             severity: Severity = Severity.ERROR) -> Diagnostic:
    return Diagnostic(f"{shown}/{inner}" if inner else shown, 0, 0, severity, rule, message, hint=hint,
                      source="bagit")


def _verify_bag(bag_dir: Path, shown: str) -> list[Diagnostic]:
    """bagit's checks, run one by one so that every missing, extra or changed file is named."""
    try:
        bag = bagit.Bag(str(bag_dir))
        bag._validate_structure()
        bag._validate_bagittxt()
    except bagit.BagError as exc:
        return [_problem(shown, "", "bag.invalid", f"not a valid bag: {exc}",
                         "a bag has bagit.txt, manifests and a data/ folder")]
    found: list[Diagnostic] = []
    for step in (bag._validate_completeness, lambda: bag._validate_entries(1)):
        try:
            step()
        except bagit.BagValidationError as exc:
            found += [_detail(shown, detail) for detail in exc.details or []]
            if not exc.details:
                found.append(_problem(shown, "", "bag.invalid", str(exc)))
    if not found:
        try:
            bag._validate_oxum()
        except bagit.BagValidationError as exc:
            found.append(_problem(shown, "bag-info.txt", "bag.oxum", str(exc)))
    return found


def _detail(shown: str, detail: bagit.ManifestErrorDetail) -> Diagnostic:
    inner = str(detail.path)
    restore = "restore the file from another copy of the deposit"
    if isinstance(detail, bagit.ChecksumMismatch):
        return _problem(shown, inner, "bag.checksum",
                        f"{detail.algorithm} checksum mismatch: the file was modified "
                        f"(expected {detail.expected}, found {detail.found})", restore)
    if isinstance(detail, bagit.FileMissing):
        return _problem(shown, inner, "bag.missing", "listed in the manifest but missing", restore)
    if isinstance(detail, bagit.UnexpectedFile):
        return _problem(shown, inner, "bag.unexpected", "file not listed in any manifest",
                        "remove it, or rebuild the package")
    return _problem(shown, inner, "bag.invalid", str(detail))


def _verify_mets(bag_dir: Path, shown: str) -> list[Diagnostic]:
    """The METS fileSec must list exactly the payload files, and every mdRef one of them, with its SHA-256."""
    mets_path = bag_dir / METS_FILE
    if not mets_path.is_file():
        return [_problem(shown, METS_FILE, "bag.mets", "the METS file is missing")]
    tree = etree.fromstring(mets_path.read_bytes(), make_parser())
    listed: dict[str, str] = {}
    for file in tree.iter(f"{{{METS_NS}}}file"):
        flocat = file.find(f"{{{METS_NS}}}FLocat")
        if flocat is not None:
            listed[flocat.get(f"{{{XLINK_NS}}}href", "")] = file.get("CHECKSUM", "")
    actual = {path: sha for path, _size, sha in _payload_entries(bag_dir)}
    found = []
    for ref in tree.iter(f"{{{METS_NS}}}mdRef"):
        href = ref.get(f"{{{XLINK_NS}}}href", "")
        if href not in actual:
            found.append(_problem(shown, href or METS_FILE, "bag.mets",
                                  "metadata referred to by METS is missing"))
        elif ref.get("CHECKSUM") and ref.get("CHECKSUM") != actual[href]:
            found.append(_problem(shown, href, "bag.mets",
                                  "the METS mdRef checksum differs from the manifest"))
    for path in sorted(set(actual) | set(listed)):
        if path not in listed:
            found.append(_problem(shown, path, "bag.mets", "payload file missing from the METS fileSec"))
        elif path not in actual:
            found.append(_problem(shown, path, "bag.mets",
                                  "listed in the METS fileSec but not in the payload"))
        elif listed[path] != actual[path]:
            found.append(_problem(shown, path, "bag.mets", "the METS checksum differs from the manifest"))
    return found


def _verify_tei(bag_dir: Path, shown: str, limits: Limits) -> list[Diagnostic]:
    """Validate the bag's TEI against the schemas stored in the same bag."""
    info = bagit.Bag(str(bag_dir)).info
    tei_name = info.get("TEI-File")
    tei_name = tei_name[0] if isinstance(tei_name, list) else tei_name
    if not tei_name:
        candidates = sorted((bag_dir / TEI_DIR).glob("*.xml"))
        if not candidates:
            return [_problem(shown, TEI_DIR, "bag.tei", "no TEI source in the bag")]
        tei_name = candidates[0].relative_to(bag_dir).as_posix()
    tei = bag_dir / tei_name
    schema_dir = bag_dir / SCHEMA_DIR
    rng = tuple(sorted(schema_dir.glob("*.rng")))
    sch = tuple(sorted(schema_dir.glob("*.sch")))
    options = ValidationOptions(schemas=rng, schematron=sch, limits=limits, project_root=bag_dir / "data")
    recorded_invalid = str(info.get("Teikit-Allow-Invalid", "")).lower() == "yes"
    found = []
    base = str(bag_dir.resolve())
    for d in Validator(options).validate_path(tei):
        file = d.file
        with contextlib.suppress(ValueError):
            file = Path(d.file).resolve().relative_to(base).as_posix()
        if file == d.file and Path(d.file).name == tei.name:
            file = tei_name
        d = replace(d, file=f"{shown}/{file}")
        if recorded_invalid and d.severity >= Severity.ERROR:
            d = replace(d, severity=Severity.WARNING,
                        message=f"{d.message} (recorded as invalid when packaged with --allow-invalid)")
        found.append(d)
    return found


def summarise(result: PackageResult) -> str:
    """One line for the CLI: what was written and how big it is."""
    path = result.path
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    state = "valid" if result.valid else "INVALID (packaged with --allow-invalid)"
    return (f"wrote {display_path(path)}: {len(result.payload)} payload file(s), {size:,} bytes, "
            f"edition {state}, dated {_iso(result.timestamp)}")
