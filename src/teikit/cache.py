"""Incremental runs: skip documents whose outputs (or validation results) are known to be current.

A cache entry is reused only when everything the result depends on is unchanged,
compared by content (SHA-256), never by modification time:

* the source document and every file it XIncludes (``sources``);
* a configuration key: teikit's version and code, the versions of lxml, Saxon and
  Typst, the stylesheets (every file under xslt/: CSS and Typst templates too) or the
  schemas and rules, the options that affect the result, and the output directory;
* for builds, the outputs themselves: each must still exist with the content that
  was written, so a deleted or edited output is rebuilt, never trusted.

Entries live in a JSON index per kind (``build.json``, ``validate.json``) in the
cache directory, ``.teikit-cache/`` inside the output directory by default. The
index is written atomically at the end of a run (also an interrupted one); an
entry that is lost or corrupt only costs a rebuild, because every use is verified.

Entries are signed (HMAC-SHA256) with a random key kept in the user's cache folder
(`~/.cache/teikit/cache-key`, never inside a project): an index committed into a
checkout, or edited by a document's author, carries no valid signature and is
ignored, so it cannot make an invalid document pass or a stale output current.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import stat as stat_module
from collections.abc import Iterable, Mapping
from dataclasses import asdict, fields, is_dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from teikit import __version__, fsutil, resources

CACHE_DIRNAME = ".teikit-cache"
ABSENT = "absent"  # recorded for a file whose absence a result depends on
FORMAT_VERSION = 2  # 2: entries are signed

# Build options that affect only some formats; an option not listed here affects every
# format (the safe default for options added later).
OPTION_FORMATS: dict[str, frozenset[str]] = {
    "width": frozenset({"txt"}),
    "embed_source": frozenset({"pdf"}),
    "css": frozenset({"html"}),
    "pdf": frozenset({"pdf"}),
    "font_dirs": frozenset({"pdf"}),
}

_file_hashes: dict[tuple[str, int, int, int, int], str] = {}


def forget_hashes() -> None:
    """Start a run with no remembered hashes: files may have changed since the last one."""
    _file_hashes.clear()


def file_sha(path: Path) -> str | None:
    """SHA-256 of a file's bytes (None when it is missing).

    Memoised within a run per (path, size, mtime, inode, ctime), so a file included
    by many documents is read once; an atomic replacement changes the inode.
    """
    try:
        info = path.stat()
    except OSError:
        return None
    if not stat_module.S_ISREG(info.st_mode):  # a FIFO or device is never opened: it could block
        return f"special:{stat_module.S_IFMT(info.st_mode):o}"
    key = (str(path), info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)
    found = _file_hashes.get(key)
    if found is None:
        digest = hashlib.sha256()
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            with open(fd, "rb") as handle:
                if not stat_module.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    return "special:swapped"
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
        except OSError:
            return None
        found = _file_hashes[key] = digest.hexdigest()
    return found


def tree_fingerprint(directory: Path) -> str:
    """One hash over every file below `directory` (names and contents), hidden files excepted."""
    digest = hashlib.sha256()
    if directory.is_dir():
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            relative = path.relative_to(directory).as_posix()
            if any(part.startswith(".") or part == "__pycache__" for part in relative.split("/")):
                continue
            digest.update(relative.encode() + b"\0" + (file_sha(path) or "").encode() + b"\0")
    return digest.hexdigest()


def _data_dir_or_none(name: str) -> Path | None:
    try:
        return resources.data_dir(name)
    except FileNotFoundError:
        return None


@cache
def tool_fingerprint() -> str:
    """teikit's version and source code and the versions of the engines it drives.

    Hashing the code (not just the version number) keeps caches honest while teikit
    itself is being developed.
    """
    parts = [f"teikit={__version__}", f"cache={FORMAT_VERSION}",
             f"code={tree_fingerprint(Path(__file__).resolve().parent)}"]
    for package in ("lxml", "saxonche", "typst"):
        try:
            parts.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package}=absent")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def stylesheet_fingerprint(xslt_dir: Path | None = None) -> str:
    """Everything the writers read from xslt/: every stylesheet (imports included), the
    HTML assets (xslt/assets/) and the Typst templates (xslt/typst/)."""
    return tree_fingerprint(xslt_dir or resources.xslt_dir())


def schema_fingerprint(extra: Iterable[Path] = ()) -> str:
    """The project's schemas and rules (schemas/**) and any schema or rules file named explicitly."""
    folder = _data_dir_or_none("schemas")
    parts = [f"schemas={tree_fingerprint(folder) if folder else 'absent'}"]
    parts += [f"{Path(p).resolve()}={file_sha(Path(p))}" for p in extra]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Path):
        return str(value.resolve())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def options_for_format(options: Any, fmt: str) -> dict[str, Any]:
    """The build options that can change output `fmt` (see OPTION_FORMATS)."""
    plain = _plain(options)
    if isinstance(plain.get("stylesheets"), list):  # a project stylesheet changes only its own format
        plain["stylesheets"] = [entry for entry in plain["stylesheets"] if entry[0] == fmt]
    return {k: v for k, v in sorted(plain.items()) if fmt in OPTION_FORMATS.get(k, frozenset({fmt}))}


def make_key(*parts: Any) -> str:
    """A stable hash of JSON-able configuration parts."""
    text = json.dumps([_plain(p) for p in parts], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def hash_files(paths: Iterable[Path], missing: str = "") -> dict[str, str]:
    """{resolved path: sha} for files.

    A missing file maps to `missing`: "" by default, which the cache refuses to
    record (a source that vanished mid-build); ABSENT where a file's absence is
    itself what a result depends on (a declared schema that does not exist).
    """
    return {str(Path(p).resolve()): file_sha(Path(p)) or missing for p in paths}


def user_cache_dir() -> Path:
    """The user's own cache folder ($XDG_CACHE_HOME/teikit or ~/.cache/teikit), outside any project."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "teikit"


def default_validation_cache_dir() -> Path:
    """Where `teikit validate --cache` keeps results: $TEIKIT_CACHE_DIR/validate, else the user's cache."""
    env = os.environ.get("TEIKIT_CACHE_DIR")
    return (Path(env) if env else user_cache_dir()) / "validate"


@cache
def signing_key() -> bytes:
    """This user's random key for signing cache entries, made once (mode 0600).

    When it cannot be stored, a key for this process alone: caches then only work within a run.
    """
    path = user_cache_dir() / "cache-key"
    try:
        data = path.read_bytes()
        if len(data) >= 32 and stat_module.S_ISREG(path.lstat().st_mode):
            return data
    except OSError:
        pass
    key = os.urandom(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(fd, "wb") as handle:
            handle.write(key)
    except FileExistsError:
        with contextlib.suppress(OSError):
            data = path.read_bytes()
            if len(data) >= 32:
                return data
    except OSError:
        pass
    return key


def _signature(name: str, entry: Mapping[str, Any]) -> str:
    body = json.dumps([name, {k: v for k, v in entry.items() if k != "mac"}], sort_keys=True, default=str)
    return hmac.new(signing_key(), body.encode(), hashlib.sha256).hexdigest()


class Cache:
    """One kind of entries (``build`` or ``validate``) in a cache directory.

    An entry: ``key`` (configuration), ``sources`` and ``outputs`` ({path: sha}),
    and ``result`` (whatever the caller needs back, e.g. diagnostics).
    """

    def __init__(self, directory: Path, kind: str):
        self.directory = Path(directory)
        self.kind = kind
        self.index_path = self.directory / f"{kind}.json"
        self.entries = self._read()
        self.dirty = False
        self._changed: dict[str, dict[str, Any] | None] = {}  # this run's records (None = forgotten)

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.index_path.read_text(encoding="utf-8"))
            if data.get("format") == FORMAT_VERSION and isinstance(data.get("entries"), dict):
                return data["entries"]
        except (OSError, ValueError, AttributeError):
            pass
        return {}  # missing or damaged: start afresh, nothing is trusted

    def relative(self, path: Path | str) -> str:
        """`path` relative to the cache directory: the index stays valid when the project moves."""
        return os.path.relpath(Path(path).resolve(), self.directory.resolve())

    def absolute(self, relative: str) -> Path:
        return Path(os.path.normpath(self.directory.resolve() / relative))

    def name(self, tag: str, path: Path | str) -> str:
        """The entry name for (`tag`, file), e.g. ("txt", "tei/a.xml")."""
        return f"{tag}:{self.relative(path)}"

    def fresh(self, name: str, key: str) -> dict[str, Any] | None:
        """The entry for `name` if its key matches and its sources and outputs are unchanged."""
        entry = self.entries.get(name)
        if not entry or entry.get("key") != key:
            return None
        if not isinstance(entry.get("mac"), str) or not hmac.compare_digest(entry["mac"],
                                                                             _signature(name, entry)):
            return None  # not written by this user's teikit: never trusted
        for group in ("sources", "outputs"):
            recorded = entry.get(group)
            if not isinstance(recorded, dict):
                return None
            for path, sha in recorded.items():
                if not sha or (file_sha(self.absolute(path)) or ABSENT) != sha:
                    return None
        if not entry.get("sources"):
            return None
        return entry

    def record(self, name: str, key: str, sources: Mapping[str, str],
               outputs: Mapping[str, str] | None = None, result: Any = None) -> None:
        outputs_ok = all(sha and sha != ABSENT for sha in (outputs or {}).values())
        if not sources or not all(sources.values()) or not outputs_ok:
            self.forget(name)  # something vanished while it was being built: never trust it
            return
        entry = {"key": key, "result": result,
                 "sources": {self.relative(p): sha for p, sha in sources.items()},
                 "outputs": {self.relative(p): sha for p, sha in (outputs or {}).items()}}
        entry["mac"] = _signature(name, entry)
        self.entries[name] = self._changed[name] = entry
        self.dirty = True

    def forget(self, name: str) -> None:
        if self.entries.pop(name, None) is not None:
            self._changed[name] = None
            self.dirty = True

    def save(self) -> None:
        """Write the index atomically; a cache that cannot be written only costs time next run.

        This run's changes are applied to the index as it is now on disk, so runs sharing
        a cache directory (shards on one machine) keep each other's entries; were two
        saves to race, an entry is lost, which costs a rebuild, never a stale output.
        """
        if not self.dirty:
            return
        current = self._read()
        for name, entry in self._changed.items():
            if entry is None:
                current.pop(name, None)
            else:
                current[name] = entry
        self.entries = current
        from teikit.errors import OutputError

        try:
            fsutil.ensure_dir(self.directory)
            tag = self.directory / "CACHEDIR.TAG"
            if not tag.exists():
                fsutil.write_text(tag, "Signature: 8a477f597d28d172789f06886806bc55\n"
                                       "# teikit's incremental build cache; safe to delete.\n")
            fsutil.write_text(self.index_path, json.dumps(
                {"format": FORMAT_VERSION, "entries": self.entries}, sort_keys=True, indent=0))
            self.dirty = False
            self._changed.clear()
        except OutputError:
            pass


def default_cache_dir(out_dir: Path) -> Path:
    return Path(out_dir) / CACHE_DIRNAME


def diagnostics_to_json(diagnostics: Iterable[Any]) -> list[dict[str, Any]]:
    return [{**asdict(d), "severity": int(d.severity)} for d in diagnostics]


def diagnostics_from_json(items: Iterable[Mapping[str, Any]]) -> list[Any]:
    from teikit.diagnostics import Diagnostic, Severity

    return [Diagnostic(**{**item, "severity": Severity(item["severity"])}) for item in items]
