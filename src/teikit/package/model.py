"""What a package is made of: its layout in the bag, its options and its result."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from teikit.diagnostics import Diagnostic, has_errors
from teikit.errors import EXIT_INVALID, TeikitError
from teikit.load import DEFAULT_LIMITS, Limits
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
