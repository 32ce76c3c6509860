"""The files a schema reads, found and read safely before any engine sees them.

A document chooses its own schemas with <?xml-model?>, so a schema and everything it
includes is as untrusted as the document. Before a grammar or rules file reaches
libxml2, Jing or Saxon (and before `teikit package` copies it into a bag), its
closure is computed here: RELAX NG's own `include` and `externalRef`, Schematron's
own `include` and `extends/@href`, nothing in any other namespace. Every file of it
must be a regular file (a FIFO, `/dev/stdin` or `/dev/zero` would hang or exhaust
the run), inside the allowed folders (the project root, and teikit's own schemas),
local (no URL) and within the byte limit. Each problem is a `SchemaFileError` with
a message naming the file that named the offending one.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from teikit.errors import InputError
from teikit.load import display_path, make_parser

RNG_NS = "http://relaxng.org/ns/structure/1.0"
SCH_NS = ("http://purl.oclc.org/dsdl/schematron", "http://www.ascc.net/xml/schematron")
FOLLOWED = (f"{{{RNG_NS}}}include", f"{{{RNG_NS}}}externalRef",
            *(f"{{{ns}}}{name}" for ns in SCH_NS for name in ("include", "extends")))
MAX_SCHEMA_FILES = 1000  # tei_all.rng is one file; a closure of thousands is an attack


class SchemaFileError(InputError):
    """A schema, or a file it includes, that teikit refuses to read."""


def read_regular(path: Path, max_bytes: int, what: str = "schema") -> bytes:
    """The bytes of a regular file of at most `max_bytes`; never blocks on a FIFO or device.

    The file is opened non-blocking and checked with fstat on the open descriptor, so a
    file swapped for a pipe between the check and the read is refused too.
    """
    shown = display_path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise SchemaFileError(f"{shown}: {what} does not exist",
                              hint="check the href or --schema path") from None
    except IsADirectoryError:
        raise SchemaFileError(f"{shown}: {what} is a directory, not a file") from None
    except OSError as exc:
        raise SchemaFileError(f"{shown}: cannot read the {what}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise SchemaFileError(f"{shown}: {what} is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise SchemaFileError(f"{shown}: {what} is not a regular file (a device, socket or pipe); "
                                  "not read", hint="schemas are read from ordinary files only")
        if info.st_size > max_bytes:
            raise SchemaFileError(f"{shown}: {what} has {info.st_size:,} bytes, over the limit of "
                                  f"{max_bytes:,} (--max-bytes); not read",
                                  hint="if the schema is trusted, raise the limit with --max-bytes")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise SchemaFileError(f"{shown}: {what} grew over the limit of {max_bytes:,} bytes "
                                  "(--max-bytes) while it was read; not read")
        return b"".join(chunks)
    except OSError as exc:
        raise SchemaFileError(f"{shown}: cannot read the {what}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def inside(path: Path, roots: tuple[Path, ...]) -> bool:
    """Whether the resolved `path` lies in one of the (resolved) `roots`."""
    return any(path == root or path.is_relative_to(root) for root in roots)


def allowed_roots(root: Path | None) -> tuple[Path, ...]:
    """The folders schema files may come from: the project root (if any) and teikit's own schemas."""
    from teikit.resources import schemas_dir

    found = [schemas_dir().resolve()]
    if root is not None:
        found.insert(0, Path(root).resolve())
    return tuple(found)


_Stamp = tuple[int, int, int, int]
_closures: dict[tuple, tuple[list[Path], list[Path], dict[Path, _Stamp | None]]] = {}


def _stamp(path: Path) -> _Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)


def schema_closure(schema: Path, roots: tuple[Path, ...] | None, max_bytes: int,
                   missing: list[Path] | None = None) -> list[Path]:
    """`_closure`, remembered per process while none of its files (or missing includes) changed:
    every document of a corpus declares the same schema, which is read and parsed once."""
    key = (str(Path(schema).resolve()), roots, max_bytes)
    known = _closures.get(key)
    if known is not None and all(_stamp(p) == s for p, s in known[2].items()):
        if missing is not None:
            missing.extend(known[1])
        return list(known[0])
    absent: list[Path] = []
    found = _closure(schema, roots, max_bytes, absent)
    _closures[key] = (found, absent, {p: _stamp(p) for p in (*found, *absent)})
    if missing is not None:
        missing.extend(absent)
    return list(found)


def _closure(schema: Path, roots: tuple[Path, ...] | None, max_bytes: int,
             missing: list[Path] | None = None) -> list[Path]:
    """`schema` and every file it includes, resolved, in the order first met.

    `roots` None: any local folder (a schema the user named on the command line, and
    what it includes); otherwise every file must lie inside one of `roots`. Raises
    SchemaFileError for the first file refused. Included files that do not exist are
    skipped (the engine reports them) and appended to `missing` when given.
    """
    found: dict[Path, None] = {}
    pending: list[tuple[Path, Path | None]] = [(Path(schema), None)]
    while pending:
        path, named_by = pending.pop(0)
        resolved = path.resolve()
        if resolved in found:
            continue
        by = f" (included by {display_path(named_by)})" if named_by is not None else ""
        with contextlib.suppress(OSError):
            if not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path):
                raise SchemaFileError(f"{display_path(path)}: not a regular file (a device, socket or pipe)"
                                      f"{by}; not read", hint="schemas are read from ordinary files only")
        if roots is not None and not inside(resolved, roots):
            raise SchemaFileError(f"{display_path(path)}: schema file outside the project{by}; not read",
                                  hint="keep schemas and the files they include inside the project "
                                       f"({display_path(roots[0])})")
        if named_by is not None and not os.path.lexists(resolved):
            if missing is not None:
                missing.append(resolved)
            continue  # nothing to read: the engine reports the missing include at its position
        if len(found) >= MAX_SCHEMA_FILES:
            raise SchemaFileError(f"{display_path(schema)}: includes more than {MAX_SCHEMA_FILES} files")
        try:
            data = read_regular(resolved, max_bytes, "schema" if named_by is None else "included schema")
        except SchemaFileError as exc:
            raise SchemaFileError(exc.message + by, hint=exc.hint) from None
        found[resolved] = None
        try:
            tree = etree.fromstring(data, make_parser())
        except etree.XMLSyntaxError:
            continue  # the engine reports a schema that is not XML, with its position
        for element in tree.iter(*FOLLOWED):
            href = element.get("href")
            if not href:
                continue
            url = urlparse(href)
            if url.scheme not in ("", "file") or url.netloc:
                raise SchemaFileError(f"{display_path(resolved)}:{element.sourceline}: names the remote file "
                                      f"{href}; teikit never fetches schemas",
                                      hint="keep a local copy inside the project and point href at it")
            pending.append((resolved.parent / unquote(url.path), resolved))
    return list(found)
