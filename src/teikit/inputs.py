"""Which files a command works on: files, directories (recursive) and glob filters.

Results are sorted, so reports and shards come out in the same order whatever the
file system or scheduling does.

Glob patterns (--include / --exclude) follow .gitignore conventions, because that
is what people already know from their repositories:

* a pattern without ``/`` matches a file name or any folder name on the way to it
  (``--exclude drafts`` skips everything under any ``drafts/`` folder);
* a pattern with ``/`` matches the path relative to the directory being searched
  (``--include 'plays/*.xml'``), or the path as typed (``corpus/plays/*.xml``);
* ``*`` and ``?`` never cross a ``/``; ``**`` matches any number of folders,
  including none (``**/act1/*.xml``, ``plays/**``); a trailing ``/`` means
  "everything inside a folder of that name" (``drafts/``: any ``drafts`` folder;
  ``plays/drafts/``: that one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path, PurePosixPath

from teikit.errors import InputError
from teikit.load import display_path

XML_SUFFIXES = (".xml", ".tei")


@cache
def glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate one glob (see the module docstring) into a regular expression over POSIX paths."""
    pattern = pattern.strip()
    while pattern.startswith("./"):
        pattern = pattern[2:]
    pattern = pattern.lstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")  # zero or more whole folders
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[":
            end = pattern.find("]", i + 2 if pattern.startswith("[!", i) or pattern.startswith("[^", i)
                               else i + 1)
            if end == -1:
                out.append(re.escape(char))
                i += 1
                continue
            body = pattern[i + 1:end]
            if body[:1] in ("!", "^"):
                body = "^" + body[1:]
            out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    return re.compile("".join(out) + r"\Z")


def matches(relative: PurePosixPath, patterns: Sequence[str], typed: PurePosixPath | None = None) -> bool:
    """Whether a file (its path relative to the searched directory) matches any pattern.

    `typed` is the same file's path as the user would type it (the directory argument
    joined with `relative`), so patterns written from the working directory match too.
    """
    for pattern in patterns:
        core = pattern.strip().rstrip("/")
        if "/" in core:
            regex = glob_regex(pattern)
            if regex.match(relative.as_posix()) or (typed is not None and regex.match(typed.as_posix())):
                return True
        else:
            # A bare name: the file or any folder on the way; with a trailing / only folders.
            parts = relative.parts[:-1] if pattern.strip().endswith("/") else relative.parts
            if any(glob_regex(core).match(part) for part in parts):
                return True
    return False


def discover(paths: Iterable[str | Path], include: Sequence[str] = (),
             exclude: Sequence[str] = ()) -> list[Path]:
    """Expand paths into a sorted, de-duplicated list of XML files.

    Named files are always taken (a missing one is an error); directories are
    searched recursively for *.xml / *.tei, skipping hidden folders (such as
    .git and .teikit-cache), then filtered by --include / --exclude globs.
    """
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = []
            for p in path.rglob("*"):
                relative = PurePosixPath(p.relative_to(path).as_posix())
                hidden = any(part.startswith(".") for part in relative.parts)
                if p.suffix.lower() not in XML_SUFFIXES or hidden or not p.is_file():
                    continue
                typed = PurePosixPath(Path(raw).as_posix()) / relative
                if include and not matches(relative, include, typed):
                    continue
                if exclude and matches(relative, exclude, typed):
                    continue
                candidates.append(p)
            if not candidates:
                raise InputError(f"{display_path(path)}: no XML files found in this directory",
                                 hint="name files directly, or check --include/--exclude")
            found.update(dict.fromkeys(sorted(candidates)))
        elif path.exists():
            found[path] = None
        else:
            raise InputError(f"{display_path(path)}: no such file or directory", hint="check the path")
    return list(found)
