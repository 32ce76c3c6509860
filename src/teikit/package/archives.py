"""Serialised bags: one .zip or .tar with a single top folder, reproducible entry by entry."""

from __future__ import annotations

import datetime as dt
import stat
import tarfile
import zipfile
from pathlib import Path

from teikit.package.model import (
    EPOCH_1980,
)


def _archive_members(bag_dir: Path, top: str) -> list[tuple[str, Path]]:
    """(name in archive, file) for every directory and file, sorted; names start with `top`/."""
    members = [(f"{top}/", bag_dir)]
    for path in sorted(bag_dir.rglob("*"), key=lambda p: p.relative_to(bag_dir).as_posix()):
        name = f"{top}/{path.relative_to(bag_dir).as_posix()}"
        members.append((name + "/" if path.is_dir() else name, path))
    return members


def publish_archive(staging: Path, target: Path, kind: str, timestamp: int) -> None:
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
