"""Opening a bag for verification: a directory as it is, an archive extracted safely to a temp dir.

An archive handed to `--verify` may come from anywhere, so extraction is bounded before
anything is written: the number of members, each member's size, the total size and the
compression ratio are checked from the archive's directory first, and then enforced
again while each member is streamed to disk (never held in memory). Names must be
relative, without `..`, at most 255 bytes per folder or file name, 4,096 in all and 64
folders deep; two members may not land on the same path. Only regular files and folders
are extracted (no links, devices or sparse files), zip members only stored or deflated
and not encrypted, tar archives only uncompressed (what `teikit package` writes). Every
refusal is an `InputError` (exit 2) saying which limit or rule was hit; nothing of a
refused archive is left behind.
"""

from __future__ import annotations

import contextlib
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from teikit import fsutil
from teikit.errors import InputError
from teikit.load import display_path


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int = 10_000
    max_member_bytes: int = 1 << 30  # 1 GiB: a PDF of a very large edition
    max_total_bytes: int = 2 << 30  # 2 GiB extracted in all
    max_ratio: int = 200  # uncompressed / compressed, for members over 1 MiB (zip bombs reach 1000)
    max_name_bytes: int = 255  # one folder or file name (what file systems allow)
    max_path_bytes: int = 4096
    max_depth: int = 64


DEFAULT_ARCHIVE_LIMITS = ArchiveLimits()
RATIO_FLOOR = 1 << 20  # small members may compress as well as they like


class ArchiveError(InputError):
    """An archive that is refused, with the rule or limit it broke."""


@contextlib.contextmanager
def opened_bag(path: Path, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) -> Iterator[Path]:
    """A bag directory for `path`: the directory itself, or a zip/tar safely extracted to a temp dir."""
    path = Path(path)
    if path.is_dir():
        yield path
        return
    if not path.is_file():
        raise InputError(f"{display_path(path)}: no such bag (directory, .zip or .tar)",
                         hint="check the path")
    with tempfile.TemporaryDirectory(prefix=fsutil.scratch_prefix("verify")) as tmp:
        root = Path(tmp)
        if zipfile.is_zipfile(path):
            _extract_zip(path, root, limits)
        elif _is_plain_tar(path):
            _extract_tar(path, root, limits)
        else:
            raise InputError(f"{display_path(path)}: not a bag directory, zip or uncompressed tar archive",
                             hint="name the bag directory, or the .zip/.tar written by teikit package")
        tops = list(root.iterdir())
        if len(tops) != 1 or not tops[0].is_dir():
            raise InputError(f"{display_path(path)}: a serialized bag holds exactly one top-level folder")
        yield tops[0]


def _is_plain_tar(path: Path) -> bool:
    """An uncompressed tar (tarfile.is_tarfile would also open gzip, bzip2 and xz)."""
    try:
        with tarfile.open(path, "r:"):
            return True
    except (tarfile.TarError, OSError, EOFError):
        return False


def _refuse(archive: Path, message: str, hint: str = "") -> ArchiveError:
    return ArchiveError(f"{display_path(archive)}: {message}; not extracted",
                        hint=hint or "verify the bag as written by teikit package, or unpack it yourself")


class _Extraction:
    """The checks shared by zip and tar: names, clashes, counts and sizes."""

    def __init__(self, archive: Path, root: Path, limits: ArchiveLimits):
        self.archive, self.root, self.limits = archive, root, limits
        self.seen: dict[str, bool] = {}  # path -> is a folder
        self.total = 0  # bytes written
        self.declared = 0  # bytes the headers declare

    def plan(self, count: int, sizes: list[tuple[str, int, int]]) -> None:
        """Check the archive's directory before writing anything: (name, size, compressed size)."""
        if count > self.limits.max_members:
            raise _refuse(self.archive, f"{count:,} members, over the limit of {self.limits.max_members:,}")
        self.declared = 0
        for name, size, packed in sizes:
            self.check_member(name, size, packed)

    def check_member(self, name: str, size: int, packed: int) -> None:
        """One member's declared size against the limits, and the running total of all declared so far."""
        lim = self.limits
        if size > lim.max_member_bytes:
            raise _refuse(self.archive, f"member {name!r} has {size:,} bytes, over the limit of "
                                        f"{lim.max_member_bytes:,} per member")
        if size > RATIO_FLOOR and size > lim.max_ratio * max(packed, 1):
            raise _refuse(self.archive, f"member {name!r} expands {size // max(packed, 1):,} times "
                                        f"({packed:,} to {size:,} bytes), over the limit of "
                                        f"{lim.max_ratio} times")
        self.declared += size
        if self.declared > lim.max_total_bytes:
            raise _refuse(self.archive, f"members add up to more than {lim.max_total_bytes:,} bytes")

    def target(self, name: str, is_dir: bool) -> Path:
        """Where a member goes, after checking its name; clashes with an earlier member are refused."""
        lim = self.limits
        member = PurePosixPath(name)
        if member.is_absolute() or ".." in member.parts or not member.parts or "\\" in name:
            raise _refuse(self.archive, f"unsafe member name {name!r}")
        if len(name.encode("utf-8", "surrogateescape")) > lim.max_path_bytes:
            raise _refuse(self.archive, f"a member name is longer than {lim.max_path_bytes:,} bytes")
        if len(member.parts) > lim.max_depth:
            raise _refuse(self.archive, f"member {name[:80]!r}… is nested {len(member.parts)} folders deep, "
                                        f"over the limit of {lim.max_depth}")
        for part in member.parts:
            if len(part.encode("utf-8", "surrogateescape")) > lim.max_name_bytes:
                raise _refuse(self.archive, f"member {name[:80]!r}… has a name longer than "
                                            f"{lim.max_name_bytes} bytes")
            if "\0" in part:
                raise _refuse(self.archive, f"unsafe member name {name!r}")
        key = member.as_posix()
        for parent in list(member.parents)[:-1]:
            if self.seen.get(parent.as_posix()) is False:
                raise _refuse(self.archive,
                              f"member {name!r} lies inside {parent.as_posix()!r}, which is a file")
            self.seen.setdefault(parent.as_posix(), True)
        if key in self.seen and not (is_dir and self.seen[key]):
            raise _refuse(self.archive, f"two members are named {key!r}")
        self.seen[key] = is_dir
        return self.root.joinpath(*member.parts)

    def write(self, name: str, source: IO[bytes], declared: int) -> None:
        """Stream one file member to disk, never past its declared size or the total limit."""
        target = self.target(name, False)
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with open(target, "xb") as out:
            while chunk := source.read(1 << 20):
                written += len(chunk)
                self.total += len(chunk)
                if written > declared or written > self.limits.max_member_bytes:
                    raise _refuse(self.archive, f"member {name!r} holds more than the {declared:,} bytes "
                                                "its header declares")
                if self.total > self.limits.max_total_bytes:
                    raise _refuse(self.archive, f"members add up to more than "
                                                f"{self.limits.max_total_bytes:,} bytes")
                out.write(chunk)

    def folder(self, name: str) -> None:
        self.target(name, True).mkdir(parents=True, exist_ok=True)


def _extract_zip(path: Path, root: Path, limits: ArchiveLimits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            job = _Extraction(path, root, limits)
            job.plan(len(infos), [(i.filename, i.file_size, i.compress_size) for i in infos])
            for info in infos:
                if info.flag_bits & 0x1:
                    raise _refuse(path, f"member {info.filename!r} is encrypted")
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise _refuse(path, f"member {info.filename!r} uses compression method "
                                        f"{info.compress_type}; only stored and deflated are read")
                if info.is_dir():
                    job.folder(info.filename)
                    continue
                mode = (info.external_attr >> 16) & 0o170000
                if mode not in (0, 0o100000):
                    raise _refuse(path, f"member {info.filename!r} is a link or device")
                with archive.open(info) as handle:
                    job.write(info.filename, handle, info.file_size)
    except ArchiveError:
        raise
    except zipfile.BadZipFile as exc:  # also a CRC mismatch, found at the end of a member
        raise _refuse(path, f"damaged zip archive ({exc})") from None
    except (zlib.error, EOFError) as exc:
        raise _refuse(path, f"damaged zip archive ({exc or 'truncated'})") from None
    except (RuntimeError, NotImplementedError) as exc:  # encryption, unsupported features
        raise _refuse(path, f"unsupported zip archive ({exc})") from None
    except OSError as exc:
        raise _refuse(path, f"cannot extract: {exc.strerror or exc}",
                      "check free space in TMPDIR") from None


def _require_end_marker(path: Path, offset: int) -> None:
    """tarfile ends quietly at a header cut short after the first member; the end-of-archive
    marker (two zero blocks where the next header would be) tells a complete archive."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        tail = handle.read(1024)
    if len(tail) < 1024 or tail.strip(b"\0"):
        raise _refuse(path, "damaged or truncated tar archive (it ends without its end-of-archive marker)")


def _extract_tar(path: Path, root: Path, limits: ArchiveLimits) -> None:
    try:
        with tarfile.open(path, "r:") as archive:
            job = _Extraction(path, root, limits)
            infos = []
            for info in archive:  # the headers, one by one, each checked before the next is read
                infos.append(info)
                if len(infos) > limits.max_members:
                    raise _refuse(path, f"more than {limits.max_members:,} members")
                job.check_member(info.name, info.size, info.size)
            _require_end_marker(path, archive.offset)
            for info in infos:
                if info.issparse():
                    raise _refuse(path, f"member {info.name!r} is a sparse file")
                if info.isdir():
                    job.folder(info.name)
                elif info.isfile():
                    handle = archive.extractfile(info)
                    assert handle is not None  # a regular file always has data
                    job.write(info.name, handle, info.size)
                else:
                    job.target(info.name, False)
                    raise _refuse(path, f"member {info.name!r} is a link or device")
    except ArchiveError:
        raise
    except (tarfile.TarError, EOFError) as exc:
        raise _refuse(path, f"damaged or truncated tar archive ({exc or 'unexpected end'})") from None
    except OSError as exc:
        raise _refuse(path, f"cannot extract: {exc.strerror or exc}", "check free space in TMPDIR") from None
