"""Facts about the edition recorded in the bag: bag-info fields, the package date, file roles."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from lxml import etree

from teikit import transform
from teikit.errors import InputError
from teikit.load import Document, make_parser
from teikit.package.model import (
    EPOCH_1980,
    MIMETYPES,
    OUTPUT_DIR,
    SCHEMA_DIR,
    TEI_DIR,
    PackageOptions,
)


def header_fields(doc: Document) -> list[tuple[str, str]]:
    """bag-info.txt fields from the teiHeader, by xslt/metadata/bag-info.xsl, in its order."""
    text = transform.run("metadata/bag-info", doc)
    fields = []
    for line in text.splitlines():
        label, sep, value = line.partition(": ")
        if sep and value.strip():
            fields.append((label.strip(), value.strip()))
    return fields


def choose_timestamp(options: PackageOptions, header: list[tuple[str, str]]) -> int:
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


def iso(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextlib.contextmanager
def source_date_epoch(timestamp: int) -> Iterator[None]:
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


def sender_identifier(source: Path) -> str:
    """The source's path relative to its project (or working directory); never absolute."""
    from teikit.resources import project_root

    resolved = source.resolve()
    for base in (project_root(), Path.cwd()):
        if base is not None:
            with contextlib.suppress(ValueError):
                return resolved.relative_to(base.resolve()).as_posix()
    return source.name


def mimetype(path: str, tei: str) -> str:
    if path == tei or path.startswith(f"{TEI_DIR}/"):
        return "application/tei+xml"
    return MIMETYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")


def file_use(path: str) -> str:
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


def datacite_identifier(path: Path) -> str | None:
    tree = etree.fromstring(path.read_bytes(), make_parser())
    found = tree.find("{http://datacite.org/schema/kernel-4}identifier")
    return found.text.strip() if found is not None and found.text else None
