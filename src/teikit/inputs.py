"""Which files a command works on: files, directories (recursive) and glob filters.

Results are sorted, so reports and shards come out in the same order whatever the
file system or scheduling does.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from pathlib import Path

from teikit.errors import InputError
from teikit.load import display_path

XML_SUFFIXES = (".xml", ".tei")


def _matches(path: Path, patterns: Sequence[str]) -> bool:
    text = path.as_posix()
    return any(fnmatch.fnmatch(text, p) or fnmatch.fnmatch(path.name, p) for p in patterns)


def discover(paths: Iterable[str | Path], include: Sequence[str] = (),
             exclude: Sequence[str] = ()) -> list[Path]:
    """Expand paths into a sorted, de-duplicated list of XML files.

    Named files are always taken (a missing one is an error); directories are
    searched recursively for *.xml / *.tei, skipping hidden folders, then filtered
    by --include / --exclude globs.
    """
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(
                p for p in path.rglob("*")
                if p.suffix.lower() in XML_SUFFIXES and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if include:
                candidates = [p for p in candidates if _matches(p, include)]
            candidates = [p for p in candidates if not _matches(p, exclude)]
            if not candidates:
                raise InputError(f"{display_path(path)}: no XML files found in this directory",
                                 hint="name files directly, or check --include/--exclude")
            found.update(dict.fromkeys(candidates))
        elif path.exists():
            found[path] = None
        else:
            raise InputError(f"{display_path(path)}: no such file or directory", hint="check the path")
    return list(found)
