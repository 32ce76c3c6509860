"""Choosing a part of a corpus: CI shards (--shard I/N) and changed files (--changed-since REF).

Sharding is balanced by size, not by count: corpora mix 50 KB poems with 5 MB
novels, and a matrix job is as slow as its heaviest shard. Files are taken
largest first (ties by path) and each goes to the shard with the fewest bytes so
far (ties to the lowest shard). The result depends only on the list of
(path, size) pairs, so every machine of a CI matrix that checked out the same
commit computes the same split: the shards are disjoint and together cover
every file exactly once, and no shard carries more than the lightest one plus
one file.

--changed-since REF takes the files that differ between the merge base of REF
and HEAD and the working tree: committed changes on the branch, staged and
unstaged edits, and untracked files that .gitignore does not exclude. In CI the
working tree is clean, so this is exactly "what this branch changed". A
document is also taken when a file it XIncludes changed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from teikit.errors import DocumentError, InputError, ToolMissingError

XINCLUDE_NS = b"http://www.w3.org/2001/XInclude"


def parse_shard(text: str) -> tuple[int, int]:
    """'2/5' -> (2, 5): shard numbers count from 1, as CI matrices usually do."""
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not found:
        raise InputError(f"--shard {text!r}: expected I/N, e.g. 1/4",
                         hint="I counts from 1 to N; give every CI job its own I and the same N")
    index, count = int(found[1]), int(found[2])
    if count < 1 or not 1 <= index <= count:
        raise InputError(f"--shard {text}: I must be between 1 and N (N >= 1)",
                         hint="e.g. --shard 1/4 ... --shard 4/4")
    return index, count


def assign_shards(sizes: Sequence[tuple[str, int]], count: int) -> list[int]:
    """The shard (0-based) of every item, balancing total size (see the module docstring)."""
    order = sorted(range(len(sizes)), key=lambda i: (-sizes[i][1], sizes[i][0]))
    loads = [0] * count
    shard_of = [0] * len(sizes)
    for i in order:
        target = min(range(count), key=lambda s: (loads[s], s))
        shard_of[i] = target
        loads[target] += sizes[i][1]
    return shard_of


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def select_shard(paths: Sequence[Path], index: int, count: int) -> list[Path]:
    """The files of shard `index` (1-based) of `count`, in their original order."""
    shard_of = assign_shards([(p.as_posix(), _size(p)) for p in paths], count)
    return [p for p, s in zip(paths, shard_of, strict=True) if s == index - 1]


# --------------------------------------------------------------------------- git


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    git = shutil.which("git")
    if git is None:
        raise ToolMissingError("--changed-since needs git, which is not installed",
                               hint="install git, or leave out --changed-since")
    return subprocess.run([git, *args], cwd=cwd, capture_output=True, text=False, timeout=120)


def _lines(data: bytes) -> list[str]:
    return [part.decode("utf-8", "surrogateescape") for part in data.split(b"\0") if part]


def changed_files(ref: str, where: Path) -> set[Path]:
    """Resolved paths of files changed since `ref` in the repository holding `where`."""
    where = where if where.is_dir() else where.parent
    top = _git(["rev-parse", "--show-toplevel"], where)
    if top.returncode != 0:
        raise InputError(f"--changed-since: {where} is not inside a git repository",
                         hint="run teikit inside a git checkout, or leave out --changed-since")
    root = Path(top.stdout.decode().strip())
    if ref.startswith("-"):
        raise InputError(f"--changed-since {ref!r}: not a git revision")
    base = _git(["merge-base", ref, "HEAD"], root)
    if base.returncode != 0:
        known = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root).returncode == 0
        if known:
            message = f"--changed-since {ref}: no common history between {ref} and HEAD"
        else:
            message = f"--changed-since {ref}: unknown git revision"
        raise InputError(message, hint="fetch the history it needs (in GitHub Actions: "
                                       "actions/checkout with fetch-depth: 0), or check the name")
    commit = base.stdout.decode().strip()
    diff = _git(["diff", "--name-only", "--no-renames", "-z", commit, "--"], root)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    for result in (diff, untracked):
        if result.returncode != 0:
            raise InputError(f"--changed-since {ref}: git failed: "
                             f"{result.stderr.decode(errors='replace').strip()}")
    names = _lines(diff.stdout) + _lines(untracked.stdout)
    return {(root / name).resolve() for name in names}


def _includes_changed(path: Path, changed: set[Path]) -> bool:
    """Whether a document XIncludes (directly or not) a changed file; unreadable counts as changed."""
    try:
        if XINCLUDE_NS not in path.read_bytes():
            return False
    except OSError:
        return True
    from teikit.load import load

    try:
        doc = load(path, require_tei=False)
    except DocumentError:
        return True
    return any(p.resolve() in changed for p in doc.includes)


def select_changed(paths: Sequence[Path], ref: str, where: Path | None = None) -> list[Path]:
    """The files among `paths` that changed since `ref`, or that include a changed file."""
    if not paths:
        return []
    changed = changed_files(ref, where or paths[0].resolve().parent)
    return [p for p in paths if p.resolve() in changed or _includes_changed(p, changed)]
