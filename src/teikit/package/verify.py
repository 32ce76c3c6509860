"""Verification of a bag: completeness, checksums, METS, and the TEI against the schemas inside it."""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import bagit

from teikit import fsutil
from teikit.diagnostics import Diagnostic, Severity, has_errors
from teikit.errors import DocumentError, InputError
from teikit.load import DEFAULT_LIMITS, Limits, display_path, parse_bytes
from teikit.package.extract import DEFAULT_ARCHIVE_LIMITS, ArchiveLimits, opened_bag
from teikit.package.manifests import payload_entries
from teikit.package.model import ALGORITHMS, METS_FILE, METS_NS, SCHEMA_DIR, TEI_DIR, XLINK_NS
from teikit.validate import ValidationOptions, Validator


@dataclass
class Verification:
    """What `--verify` found: the problems, and what the summary line may claim."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)  # payload and tag manifests checked
    tei_checked: bool = False  # the TEI was validated against the bag's schemas
    recorded_invalid: bool = False  # packaged with --allow-invalid

    @property
    def intact(self) -> bool:
        return not has_errors(self.diagnostics)

    def summary(self, shown: str) -> str:
        """The last line of `teikit package --verify`: only what was actually checked."""
        if not self.intact:
            bad = len({d.file for d in self.diagnostics if d.severity >= Severity.ERROR})
            return f"{shown}: verification FAILED: {bad} file(s) with problems"
        checked = ", ".join(self.manifests)
        if self.recorded_invalid:
            errors = sum(d.severity == Severity.WARNING and d.rule != "bag.no-tag-manifest"
                         for d in self.diagnostics)
            tei = (f"TEI NOT valid: packaged with --allow-invalid, {errors} finding(s) shown as warnings")
        else:
            tei = "TEI valid against its schemas"
        return f"{shown}: bag complete, checksums match ({checked}), {tei}"


def verify(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[Diagnostic]:
    """Check a bag (directory, .zip or .tar): completeness, checksums, METS, and the TEI against its schemas.

    Every problem is a Diagnostic naming the file inside the bag; an empty list means intact.
    """
    return verify_bag(path, limits).diagnostics


def verify_bag(path: Path, limits: Limits = DEFAULT_LIMITS,
               archive_limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) -> Verification:
    """`verify`, with what was checked, for the summary line."""
    shown = display_path(Path(path))
    fsutil.remove_stale(Path(tempfile.gettempdir()))  # what killed runs left
    result = Verification()
    with opened_bag(Path(path), archive_limits) as bag_dir:
        result.diagnostics = _verify_bag(bag_dir, shown, result)
        if has_errors(result.diagnostics):
            return result
        result.diagnostics += _verify_mets(bag_dir, shown)
        result.diagnostics += _verify_tei(bag_dir, shown, limits, result)
    return result


def _problem(shown: str, inner: str, rule: str, message: str, hint: str = "",
             severity: Severity = Severity.ERROR) -> Diagnostic:
    return Diagnostic(f"{shown}/{inner}" if inner else shown, 0, 0, severity, rule, message, hint=hint,
                      source="bagit")


def _verify_bag(bag_dir: Path, shown: str, result: Verification) -> list[Diagnostic]:
    """bagit's checks, run one by one so that every missing, extra or changed file is named once."""
    try:
        bag = bagit.Bag(str(bag_dir))
        bag._validate_structure()
        bag._validate_bagittxt()
    except (bagit.BagError, UnicodeError, ValueError) as exc:
        return [_problem(shown, "", "bag.invalid", f"not a valid bag: {exc}",
                         "a bag has bagit.txt, manifests and a data/ folder")]
    found = _manifests_present(bag_dir, bag, shown, result)
    missing: set[str] = set()
    for step in (bag._validate_completeness, lambda: bag._validate_entries(1)):
        try:
            step()
        except bagit.BagValidationError as exc:
            for detail in exc.details or []:
                if isinstance(detail, bagit.FileMissing):
                    missing.add(str(detail.path))
                elif isinstance(detail, bagit.ChecksumMismatch) and str(detail.path) in missing:
                    continue  # a deleted file has no checksum: it is missing, not modified
                found.append(_detail(shown, detail))
            if not exc.details:
                found.append(_problem(shown, "", "bag.invalid", str(exc)))
    if not has_errors(found):
        try:
            bag._validate_oxum()
        except bagit.BagValidationError as exc:
            found.append(_problem(shown, "bag-info.txt", "bag.oxum", str(exc)))
    return found


def _manifests_present(bag_dir: Path, bag: bagit.Bag, shown: str, result: Verification) -> list[Diagnostic]:
    """A bag by teikit has both payload manifests and both tag manifests, and the tag manifests list
    every tag file: a deleted manifest must not turn a check into no check."""
    found: list[Diagnostic] = []
    by_teikit = str(bag.info.get("Bag-Software-Agent", "")).startswith("teikit")
    payload = [a for a in ALGORITHMS if (bag_dir / f"manifest-{a}.txt").is_file()]
    tags = [a for a in ALGORITHMS if (bag_dir / f"tagmanifest-{a}.txt").is_file()]
    expected = ALGORITHMS if by_teikit else ()
    for alg in expected:
        for name, present in ((f"manifest-{alg}.txt", alg in payload),
                              (f"tagmanifest-{alg}.txt", alg in tags)):
            if not present:
                found.append(_problem(shown, name, "bag.manifest-missing",
                                      f"{name} is missing; teikit writes SHA-256 and SHA-512 manifests and "
                                      "tag manifests, so the bag was altered",
                                      "restore the bag from another copy of the deposit"))
    if not tags and not by_teikit:
        found.append(_problem(shown, "", "bag.no-tag-manifest",
                              "no tag manifest: bag-info.txt and mets.xml are not protected by checksums",
                              severity=Severity.WARNING))
    tag_files = sorted(p.relative_to(bag_dir).as_posix() for p in bag_dir.rglob("*")
                       if p.is_file() and not p.relative_to(bag_dir).as_posix().startswith("data/")
                       and not p.name.startswith("tagmanifest-"))
    for alg in tags:
        listed = set()
        for line in (bag_dir / f"tagmanifest-{alg}.txt").read_text(encoding="utf-8",
                                                                     errors="replace").splitlines():
            listed.add(line.partition(" ")[2].strip())
        for name in tag_files:
            if name not in listed:
                found.append(_problem(shown, name, "bag.unprotected",
                                      f"tag file not listed in tagmanifest-{alg}.txt",
                                      "rebuild the package: a tag file no tag manifest lists is unchecked"))
    result.manifests = [f"manifest-{a}" for a in payload] + [f"tagmanifest-{a}" for a in tags]
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
    try:
        tree = parse_bytes(mets_path.read_bytes(), mets_path)
    except (DocumentError, InputError) as exc:
        message = exc.diagnostic.message if exc.diagnostic else exc.message
        return [_problem(shown, METS_FILE, "bag.mets", f"the METS file cannot be read: {message}",
                         "restore the bag from another copy of the deposit")]
    listed: dict[str, str] = {}
    for file in tree.iter(f"{{{METS_NS}}}file"):
        flocat = file.find(f"{{{METS_NS}}}FLocat")
        if flocat is not None:
            listed[flocat.get(f"{{{XLINK_NS}}}href", "")] = file.get("CHECKSUM", "")
    actual = {path: sha for path, _size, sha in payload_entries(bag_dir)}
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


def _verify_tei(bag_dir: Path, shown: str, limits: Limits, result: Verification) -> list[Diagnostic]:
    """Validate the bag's TEI against the schemas stored in the same bag."""
    info = bagit.Bag(str(bag_dir)).info
    tei_name = info.get("TEI-File")
    tei_name = tei_name[0] if isinstance(tei_name, list) else tei_name
    if tei_name:
        payload = {path for path, _size, _sha in payload_entries(bag_dir)}
        target = (bag_dir / tei_name).resolve()
        if (tei_name not in payload or not tei_name.startswith(f"{TEI_DIR}/")
                or not target.is_relative_to((bag_dir / TEI_DIR).resolve())):
            return [_problem(shown, "bag-info.txt", "bag.tei",
                             f"TEI-File: {tei_name} is not a payload file under {TEI_DIR}/; not validated",
                             "restore bag-info.txt from another copy of the deposit")]
    else:
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
    result.tei_checked, result.recorded_invalid = True, recorded_invalid
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
