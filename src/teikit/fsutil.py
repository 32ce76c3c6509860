"""Atomic output: a file is either the previous good version or the complete new one.

Outputs are written to a temporary file in the destination directory and renamed
over the target, so an interrupted or failed build never leaves a truncated file,
and a full or read-only disk leaves the previous outputs untouched.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
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
    """Hold Ctrl-C and SIGTERM while a temporary file is created and registered, then deliver them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, _frame: caught.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sig in caught:
            handler = previous[sig]
            if callable(handler):
                handler(sig, None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), sig)


class Terminated(KeyboardInterrupt):
    """SIGTERM (what `timeout` and CI cancellation send), handled like Ctrl-C: cleanup runs."""


def _raise_terminated(signum: int, _frame: object) -> None:
    raise Terminated()


def terminate_like_interrupt() -> None:
    """Make SIGTERM unwind like Ctrl-C, so `finally` blocks and the atexit cleanup remove temporaries."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)


# --------------------------------------------------------------------------- leftovers of killed runs

# Temporary names carry the writing process's id: `.NAME.PID-XXXX.tmp` beside an output (files and
# package staging folders), `.NAME.old-PID` (a bag being replaced), `teikit-KIND-PID-XXXX` in TMPDIR.
_STALE = re.compile(r"^(?:\..+\.(?P<a>\d+)-[\w]+\.tmp|\..+\.old-(?P<b>\d+)|teikit-[a-z]+-(?P<c>\d+)-[\w]+)$")


def temp_prefix(name: str) -> str:
    """The prefix of a temporary file or folder beside `name`, recognisable by `remove_stale`."""
    return f".{name}.{os.getpid()}-"


def scratch_prefix(kind: str) -> str:
    """The prefix of a scratch folder in TMPDIR (`teikit-pdf-PID-`), recognisable by `remove_stale`."""
    return f"teikit-{kind}-{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or a number that is no pid): not ours to judge
    return True


def remove_stale(*folders: Path | None) -> None:
    """Remove temporaries a killed teikit run left (kill -9 leaves no chance to clean up).

    Only names teikit itself makes (see `_STALE`), owned by this user, whose process is gone.
    """
    uid = os.getuid() if hasattr(os, "getuid") else None
    for folder in folders:
        if folder is None:
            continue
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                match = _STALE.match(entry.name)
                if not match:
                    continue
                pid = int(match["a"] or match["b"] or match["c"])
                with contextlib.suppress(OSError):
                    if (pid != os.getpid() and not _alive(pid)
                            and (uid is None or entry.stat(follow_symlinks=False).st_uid == uid)):
                        _remove(Path(entry.path))


@contextlib.contextmanager
def atomic_path(target: Path, durable: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target`.

    `durable=False` skips syncing the directory: for caches, whose files are checked when read
    and remade when damaged, the rename alone is enough.
    """
    ensure_dir(target.parent)
    tmp: Path | None = None
    try:
        with _interrupts_deferred():
            try:
                fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".tmp",
                                                dir=target.parent)
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
        if durable:
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


def write_bytes(target: Path, data: bytes, durable: bool = True) -> Path:
    """Write `data` atomically; `durable` also syncs it to disk (see `atomic_path`)."""
    with atomic_path(target, durable) as tmp:
        try:
            with open(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                if durable:
                    os.fsync(handle.fileno())
        except OSError as exc:
            raise OutputError(f"{target}: cannot write: {exc.strerror or exc}",
                              hint="check free space; the previous file is unchanged") from None
    return target


def write_text(target: Path, text: str, durable: bool = True) -> Path:
    return write_bytes(target, text.encode("utf-8"), durable)
