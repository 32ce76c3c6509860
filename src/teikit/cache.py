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
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, fields, is_dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from teikit import __version__, fsutil, resources

CACHE_DIRNAME = ".teikit-cache"
ABSENT = "absent"  # recorded for a file whose absence a result depends on
FORMAT_VERSION = 1

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
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)
    found = _file_hashes.get(key)
    if found is None:
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as handle:
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



# --------------------------------------------------------------------------- validation results

_XML_MODEL = re.compile(rb"<\?xml-model\s(.*?)\?>", re.DOTALL)
_HREF = re.compile(rb"""href\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SCHEMA_SUFFIXES = (".rng", ".rnc", ".sch", ".xsl", ".xslt")
XINCLUDE_NS = b"http://www.w3.org/2001/XInclude"


def declared_schema_files(path: Path, data: bytes) -> list[Path]:
    """Local schema files a document's <?xml-model?> may bring in: every schema file in the folder
    of each local href (a RELAX NG schema may include its neighbours)."""
    found: list[Path] = []
    for model in _XML_MODEL.finditer(data[:65536]):  # the prolog, where <?xml-model?> belongs
        href = _HREF.search(model[1])
        if not href:
            continue
        target = (href[1] or href[2] or b"").decode("utf-8", "replace")
        url = urlparse(target)
        if not target or url.scheme not in ("", "file") or url.netloc:
            continue  # remote schemas are never fetched: nothing local to depend on
        resolved = (path.parent / unquote(url.path)).resolve()
        found.append(resolved)
        if resolved.parent.is_dir():
            found += sorted(p for p in resolved.parent.iterdir()
                            if p.suffix.lower() in _SCHEMA_SUFFIXES and p.is_file() and p != resolved)
    return found


def validation_sources(path: Path, limits: Any, project_root: Path | None,
                       pointer_folders: Sequence[Path] = ()) -> dict[str, str]:
    """What one document's validation result depends on besides configuration:
    the document, the files it XIncludes, the local schemas it declares and the files
    its cross-file pointers point into (see `teikit.validate.xrefs`)."""
    from teikit.errors import TeikitError
    from teikit.load import load
    from teikit.validate import xrefs

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    sources = {str(path.resolve()): hashlib.sha256(data).hexdigest()}
    if XINCLUDE_NS in data or b".xml" in data or b"prefixDef" in data:
        try:
            doc = load(path, limits=limits, project_root=project_root)
        except TeikitError:
            pass  # the result is "cannot load", which depends on the document alone
        else:
            sources.update(hash_files(doc.includes))
            sources.update(hash_files(xrefs.targets_of(doc, tuple(pointer_folders)), missing=ABSENT))
            for included in doc.includes:
                try:
                    declared = declared_schema_files(included, included.read_bytes())
                    sources.update(hash_files(declared, missing=ABSENT))
                except OSError:
                    sources[str(included)] = ""
    sources.update(hash_files(declared_schema_files(path, data), missing=ABSENT))
    return sources


def _validate_with_sources(args: tuple[Path, Any]) -> tuple[list[Any], dict[str, str]]:
    """Worker: validate one document and say what the result depended on.

    The sources are hashed before validating, so a file edited meanwhile makes the
    recorded hashes older than the result, which can only cause a re-validation.
    """
    from teikit.validate import validator_for

    path, options = args
    sources = validation_sources(path, options.limits, options.project_root, options.pointer_folders)
    return validator_for(options).validate_path(path), sources


def _compile_schemas_afresh() -> None:
    """Drop the schemas and rules compiled earlier in this process before validating here.

    Compiled schemas are kept per path for the life of a process, while results are
    recorded against the schemas' content: a long-lived process (a library caller)
    that validated, saw a schema edited and validates again must not check against
    the old compilation and record the result under the new content.
    """
    import sys

    for module, attribute in (("teikit.validate", "_validators"), ("teikit.validate.grammar", "_checkers"),
                              ("teikit.validate.schematron", "_compiled")):
        compiled = getattr(sys.modules.get(module), attribute, None)
        if isinstance(compiled, dict):
            compiled.clear()


def validate_with_cache(paths: Sequence[Path], options: Any, jobs: int, cache_dir: Path,
                        force: bool = False,
                        progress: Callable[[int], Callable[[int], None]] | None = None) -> list[Any]:
    """Validate documents, reusing results for documents whose sources and configuration are unchanged.

    The configuration key covers teikit's code, the project schemas and rules, the
    --schema/--schematron files and every validation option.
    """
    from teikit.load import display_path
    from teikit.runner import file_weights, run_many

    forget_hashes()
    store = Cache(cache_dir, "validate")
    explicit = [*options.schemas, *options.schematron]
    neighbours = [p for s in explicit for p in Path(s).resolve().parent.glob("*")
                  if p.suffix.lower() in _SCHEMA_SUFFIXES and p.is_file()]
    base = make_key(tool_fingerprint(), schema_fingerprint([*explicit, *neighbours]), options)
    keys = {p: make_key(base, display_path(Path(p))) for p in paths}
    found: list[Any] = []
    todo: list[Path] = []
    for path in paths:
        entry = None if force else store.fresh(store.name("validate", path), keys[path])
        if entry is None:
            todo.append(path)
        else:
            found += diagnostics_from_json(entry["result"])
    weights = file_weights(todo)
    if todo:  # this process validates too (and forked workers inherit what it compiled)
        from teikit.validate import prepare_grammars

        _compile_schemas_afresh()
        prepare_grammars(options)
    tick = progress(len(todo)) if progress else None
    try:
        work = [(p, options) for p in todo]
        for path, (diags, sources) in zip(todo, run_many(_validate_with_sources, work, jobs,
                                                         weights=weights, progress=tick),
                                          strict=True):
            found += diags
            store.record(store.name("validate", path), keys[path], sources,
                         result=diagnostics_to_json(diags))
    finally:
        store.save()
    return found
