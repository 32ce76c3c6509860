"""Where teikit's stylesheets and schemas live, in a checkout and when installed.

In a source checkout they are the top-level `xslt/` and `schemas/` folders; a
wheel carries copies under `teikit/_data/`. Everything else asks this module.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    # A checkout wins: an editable install also leaves (unused) copies under _data/.
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir() and (_PACKAGE.parent.parent / "pyproject.toml").is_file():
        return checkout
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    raise FileNotFoundError(f"teikit's {name}/ folder is missing from the installation")


def xslt_dir() -> Path:
    """teikit's stylesheets; TEIKIT_XSLT_DIR points at another copy (customised or under test)."""
    override = os.environ.get("TEIKIT_XSLT_DIR")
    return Path(override).resolve() if override else data_dir("xslt")


def schemas_dir() -> Path:
    return data_dir("schemas")


def project_root() -> Path | None:
    """The source checkout holding the edition, when teikit runs from one."""
    checkout = _PACKAGE.parent.parent
    return checkout if (checkout / "pyproject.toml").is_file() else None


def default_edition_dir() -> Path:
    """`tei/` of the current directory, else of the checkout teikit runs from."""
    here = Path.cwd() / "tei"
    if here.is_dir():
        return here
    root = project_root()
    if root and (root / "tei").is_dir():
        return root / "tei"
    return here
