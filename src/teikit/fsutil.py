"""Atomic output: a file is either the previous good version or the complete new one.

Outputs are written to a temporary file in the destination directory and renamed
over the target, so an interrupted or failed build never leaves a truncated file,
and a full or read-only disk leaves the previous outputs untouched.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from teikit.errors import OutputError


def ensure_dir(directory: Path) -> Path:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{directory}: cannot create output directory: {exc.strerror or exc}",
                          hint="choose a writable directory with --out") from None
    return directory


# Temporary files not yet renamed or removed. Ctrl-C can land where no `finally` will run
# (between a context manager's __enter__ and its block); these are removed at exit instead.
_pending: set[Path] = set()


def _remove(tmp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if tmp.is_dir() and not tmp.is_symlink():
            shutil.rmtree(tmp)
        else:
            tmp.unlink()
    _pending.discard(tmp)


@atexit.register
def _remove_pending() -> None:
    for tmp in list(_pending):
        with contextlib.suppress(OSError):
            _remove(tmp)


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C while a temporary file is created and registered, then deliver it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and callable(previous):
            previous(signal.SIGINT, None)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target`."""
    ensure_dir(target.parent)
    tmp: Path | None = None
    try:
        with _interrupts_deferred():
            try:
                fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
                os.close(fd)
            except OSError as exc:
                raise OutputError(f"{target.parent}: cannot write: {exc.strerror or exc}",
                                  hint="check permissions and free space of the output directory") from None
            tmp = Path(tmp_name)
            _pending.add(tmp)
        yield tmp
        os.chmod(tmp, 0o644)
        # os.replace swaps the directory entry: a symlink planted at `target` is replaced,
        # never written through, and readers see the old file or the new one, nothing between.
        os.replace(tmp, target)
        _sync_directory(target.parent)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}",
                          hint="check permissions and free space; the previous file is unchanged") from None
    finally:
        if tmp is not None:
            _remove(tmp)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable, so a crash right after a build cannot undo it."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes(target: Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        try:
            with open(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise OutputError(f"{target}: cannot write: {exc.strerror or exc}",
                              hint="check free space; the previous file is unchanged") from None
    return target


def write_text(target: Path, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))
