"""BagIt manifests: the payload as bagit wrote it, tag manifests in sorted order, fixed modes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from teikit.package.model import (
    ALGORITHMS,
)


def payload_entries(bag_dir: Path) -> list[tuple[str, int, str]]:
    """(path, size, sha256) of every payload file, from the manifest bagit wrote, sorted by path."""
    entries = []
    for line in (bag_dir / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines():
        digest, _, path = line.partition(" ")
        path = path.strip()
        entries.append((path, (bag_dir / path).stat().st_size, digest))
    return sorted(entries)


def write_tag_manifests(bag_dir: Path) -> None:
    """Tag manifests over every tag file, in sorted order (bagit.py lists them in directory order)."""
    tag_files = sorted(
        p.relative_to(bag_dir).as_posix() for p in bag_dir.rglob("*")
        if p.is_file() and not p.relative_to(bag_dir).as_posix().startswith("data/")
        and not p.name.startswith("tagmanifest-"))
    for alg in ALGORITHMS:
        lines = [f"{_digest(bag_dir / name, alg)} {name}\n" for name in tag_files]
        (bag_dir / f"tagmanifest-{alg}.txt").write_text("".join(lines), encoding="utf-8")


def _digest(path: Path, alg: str) -> str:
    h = hashlib.new(alg)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def normalise_modes(bag_dir: Path) -> None:
    os.chmod(bag_dir, 0o755)
    for path in bag_dir.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
