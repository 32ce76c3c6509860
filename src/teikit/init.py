"""`teikit init`: scaffold an edition project that validates and builds as it is.

The templates live in `teikit/scaffold/` (stored without leading dots, so that no
packaging or version-control tool takes them for its own files). Existing files are
never overwritten: each is kept and reported, so `teikit init` is safe to run in a
repository that already has some of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from teikit.errors import OutputError

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"

# template (relative to SCAFFOLD) -> file in the new project
FILES = {
    "teikit.toml": "teikit.toml",
    "tei/edition.xml": "tei/edition.xml",
    "README.md": "README.md",
    "gitignore": ".gitignore",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "github/workflows/teikit.yml": ".github/workflows/teikit.yml",
}


@dataclass
class InitReport:
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # existed already: left as they were


def init_project(target: Path) -> InitReport:
    """Write the scaffold into `target` (created if missing), keeping every file that exists."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a folder", hint="name a new or existing folder")
    report = InitReport()
    for template, name in FILES.items():
        destination = target / name
        if destination.exists() or destination.is_symlink():
            report.kept.append(destination)
            continue
        try:
            text = (SCAFFOLD / template).read_text(encoding="utf-8")
        except OSError as exc:  # pragma: no cover - a broken installation
            raise OutputError(f"teikit's template {template} is missing: {exc}") from None
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{destination.parent}: cannot create the folder: "
                              f"{exc.strerror or exc}") from None
        if _create(destination, text):
            report.written.append(destination)
        else:
            report.kept.append(destination)
    return report


def _create(destination: Path, text: str) -> bool:
    """Write a new file whole, or not at all if one appeared meanwhile: the complete text goes to a
    temporary file that is then hard-linked to the name, which fails rather than replace a file."""
    temporary = destination.with_name(f".{destination.name}.teikit-init")
    try:
        temporary.write_text(text, encoding="utf-8")
        try:
            os.link(temporary, destination)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: exclusive creation instead
            with destination.open("x", encoding="utf-8") as handle:
                handle.write(text)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        raise OutputError(f"{destination}: cannot write: {exc.strerror or exc}") from None
    finally:
        temporary.unlink(missing_ok=True)
