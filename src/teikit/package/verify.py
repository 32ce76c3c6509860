"""Verification of a bag: completeness, checksums, METS, and the TEI against the schemas inside it."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

import bagit
from lxml import etree

from teikit.diagnostics import Diagnostic, Severity, has_errors
from teikit.load import DEFAULT_LIMITS, Limits, display_path, make_parser
from teikit.package.extract import opened_bag
from teikit.package.manifests import payload_entries
from teikit.package.model import (
    METS_FILE,
    METS_NS,
    SCHEMA_DIR,
    TEI_DIR,
    XLINK_NS,
)
from teikit.validate import ValidationOptions, Validator


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
