"""Validation results kept between runs (`teikit validate --cache-dir DIR` or `--cache`).

A result is reused only when everything it could depend on is unchanged, by content:

* the document, and every file any of its `xi:include`s names, found by scanning the raw
  bytes (so also the targets of a failed include, includes that do not exist yet, and
  `xi:fallback` targets), recursively through the files that exist;
* every schema its `<?xml-model?>`s name (in the document's own encoding, UTF-16 too)
  with the whole closure of their RELAX NG and Schematron includes, subfolders included;
  a file that does not exist is recorded as absent, so creating it invalidates the entry;
* a configuration key: teikit's code, the project schemas and rules, the --schema and
  --schematron files with their closures, and every validation option.

Entries are signed (see `teikit.cache`), so a `validate.json` committed into a checkout
is ignored. This module imports `teikit.cache`, never the other way round; the validator
is handed in by `teikit.validate`, so neither imports the other in a circle.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from teikit.cache import (
    ABSENT,
    Cache,
    diagnostics_from_json,
    diagnostics_to_json,
    file_sha,
    forget_hashes,
    hash_files,
    make_key,
    schema_fingerprint,
    tool_fingerprint,
)
from teikit.validate.schemafiles import SchemaFileError, schema_closure

_XML_MODEL = re.compile(r"<\?xml-model\s(.*?)\?>", re.DOTALL)
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_INCLUDE = re.compile(r"""<(?:[\w.-]+:)?include\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.DOTALL)
XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
MAX_FILES = 1000  # files followed per document; more is an attack, and only costs re-validation


def decoded(data: bytes) -> str:
    """The text of a document as far as its dependencies are concerned, in its own encoding.

    UTF-16 and UTF-32 are recognised by their byte order mark or by the NULs around the
    first `<`; everything else is read as UTF-8 (markup is ASCII in every other encoding).
    """
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                       (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace")
    if data[:2] == b"<\0":
        return data.decode("utf-16-le", "replace")
    if data[:2] == b"\0<":
        return data.decode("utf-16-be", "replace")
    return data.decode("utf-8", "replace")


def _local(href: str, base: Path) -> Path | None:
    url = urlparse(href)
    if not href or url.scheme not in ("", "file") or url.netloc:
        return None  # remote: never fetched, so nothing local to depend on
    return base.parent / unquote(url.path.split("#")[0]) if url.path else None


def _declared_schemas(path: Path, text: str) -> list[Path]:
    prolog = text[:65536]  # where <?xml-model?> belongs
    found = []
    for model in _XML_MODEL.finditer(prolog):
        href = _HREF.search(model[1])
        target = _local((href[1] if href[1] is not None else href[2]) if href else "", path)
        if target is not None:
            found.append(target)
    return found


def _schema_files(schema: Path, max_bytes: int) -> dict[str, str]:
    """{path: sha} of a schema and its include closure; missing files as ABSENT."""
    missing: list[Path] = []
    try:
        closure = schema_closure(schema, None, max_bytes, missing=missing)
    except SchemaFileError:
        closure = [schema]  # the result is a refusal, which depends on this file as it is
    return {**hash_files(closure, missing=ABSENT), **hash_files(missing, missing=ABSENT)}


def validation_sources(path: Path, max_bytes: int, options: Any = None) -> dict[str, str]:
    """What one document's validation result depends on besides configuration (module docstring),
    and, with `options`, the files its cross-file pointers point into (`teikit.validate.xrefs`)."""
    path = Path(path)
    try:
        data = path.read_bytes() if path.stat().st_size <= max_bytes else b""
    except OSError:
        return {}
    sources = {str(path.resolve()): hashlib.sha256(data).hexdigest() if data else (file_sha(path) or "")}
    pending, seen = [path], {path.resolve()}
    while pending and len(seen) < MAX_FILES:
        current = pending.pop()
        try:
            raw = data if current == path else (current.read_bytes() if current.is_file() else b"")
        except OSError:
            raw = b""
        text = decoded(raw)
        for schema in _declared_schemas(current, text):
            sources.update(_schema_files(schema, max_bytes))
        if XINCLUDE_NS not in text:
            continue
        for match in _INCLUDE.finditer(text):
            target = _local(match[1] if match[1] is not None else match[2], current)
            if target is None or target.resolve() in seen:
                continue
            seen.add(target.resolve())
            sha = file_sha(target)
            sources[str(target.resolve())] = sha or ABSENT
            if sha and not sha.startswith("special:"):
                pending.append(target)
    if options is not None and options.pointers:
        sources.update(_pointed_files(path, options))
    return sources


def _pointed_files(path: Path, options: Any) -> dict[str, str]:
    """The files a document points into, and the places looked at before each was found: a file
    that changes, or appears where none was, invalidates the result."""
    from teikit.errors import TeikitError
    from teikit.load import load
    from teikit.validate import xrefs

    try:
        doc = load(path, limits=options.limits, project_root=options.project_root)
    except TeikitError:
        return {}  # the result is "cannot load", which depends on the document alone
    targets = xrefs.targets_of(doc, tuple(options.pointer_folders))
    return {str(p): file_sha(p) or ABSENT for p in targets}


def _validate_with_sources(args: tuple[Path, Any, Callable]) -> tuple[list[Any], dict[str, str]]:
    """Worker: validate one document and say what the result depended on.

    The sources are hashed before validating, so a file edited meanwhile makes the
    recorded hashes older than the result, which can only cause a re-validation.
    """
    from teikit import sandbox

    path, options, validate_one = args
    sources = validation_sources(path, options.limits.max_bytes, options)
    result = validate_one((path, options))
    sources.update(sandbox.files_read())  # lookup files the rules read (hashed as they were read)
    return result, sources


def validate_with_cache(paths: Sequence[Path], options: Any, jobs: int, cache_dir: Path, force: bool,
                        progress: Callable[[int], Callable[[int], None]] | None,
                        validate_one: Callable, prepare: Callable[[], None]) -> list[Any]:
    """Validate documents, reusing results for documents whose sources and configuration are unchanged.

    `validate_one((path, options))` validates one document (a module-level function, so workers
    can receive it); `prepare()` drops schemas compiled earlier in this process and compiles the
    batch's, so that a result recorded under a schema's content was made with that content.
    """
    from teikit.load import display_path
    from teikit.runner import file_weights, run_many

    forget_hashes()
    store = Cache(cache_dir, "validate")
    explicit: dict[str, str] = {}
    for schema in (*options.schemas, *options.schematron):
        explicit.update(_schema_files(Path(schema), options.limits.max_bytes))
    base = make_key(tool_fingerprint(), schema_fingerprint(), sorted(explicit.items()), options)
    keys = {p: make_key(base, display_path(Path(p))) for p in paths}
    found: list[Any] = []
    todo: list[Path] = []
    for path in paths:
        entry = None if force else store.fresh(store.name("validate", path), keys[path])
        if entry is None:
            todo.append(path)
        else:
            found += diagnostics_from_json(entry["result"])
    if todo:  # this process validates too (and forked workers inherit what it compiled)
        prepare()
    tick = progress(len(todo)) if progress else None
    try:
        work = [(p, options, validate_one) for p in todo]
        for path, (diags, sources) in zip(todo, run_many(_validate_with_sources, work, jobs,
                                                         weights=file_weights(todo), progress=tick),
                                          strict=True):
            found += diags
            store.record(store.name("validate", path), keys[path], sources,
                         result=diagnostics_to_json(diags))
    finally:
        store.save()
    return found
