"""Opening a bag for verification: a directory as it is, an archive extracted safely to a temp dir."""

from __future__ import annotations

import contextlib
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from teikit.errors import InputError
from teikit.load import display_path


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
