"""The full-text search index, made by Pagefind (`pip install 'teikit[site]'`).

Pagefind indexes the document pages (their `data-pagefind-body`, filters from the
`data-pagefind-filter` elements page.xsl writes) into `pagefind/` inside the site,
with its UI scripts, so nothing is fetched from elsewhere at run time. Its binary
comes from the `pagefind_bin` wheel. One index for the whole site, in the site's
language: Pagefind would otherwise make one index per page language, and a search
page in English would not find the German letters.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from teikit.errors import TeikitError, ToolMissingError

BUNDLE = "pagefind"


def pagefind_binary() -> Path:
    try:
        import pagefind_bin
    except ImportError:
        raise ToolMissingError("the search index needs Pagefind, which is not installed",
                               hint="pip install 'teikit[site]' (or run ./dev setup), "
                                    "or build without search: teikit site --no-search") from None
    try:
        return pagefind_bin.get_executable()
    except (FileNotFoundError, OSError) as exc:
        raise ToolMissingError(f"Pagefind's binary is missing from its package: {exc}",
                               hint="pip install --force-reinstall pagefind-bin") from None


def _index_files(site: Path) -> list[Path]:
    return sorted(p for p in (site / BUNDLE).rglob("*") if p.is_file())


def _index_key(language: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    from teikit.cache import make_key

    try:
        pagefind = version("pagefind-bin")
    except PackageNotFoundError:
        pagefind = "unknown"
    return make_key("pagefind", pagefind, language)


def update_index(site: Path, pages: list[Path], language: str, store=None,
                 force: bool = False) -> tuple[int, int]:
    """The search index of `pages`, rebuilt only when a page (or Pagefind, or the language) changed.

    With a build cache (`store`), the index is recorded with the hashes of the pages it was
    made from and of its own files, so an unchanged site is not indexed again and a damaged
    index is rebuilt. Returns the number and total size of the index files.
    """
    from teikit.cache import hash_files

    name = "search:pagefind"
    key = _index_key(language)
    if store is not None and not force and store.fresh(name, key) is not None:
        files = _index_files(site)
        return len(files), sum(p.stat().st_size for p in files)
    counted = build_index(site, language)
    if store is not None:
        store.record(name, key, hash_files(pages), hash_files(_index_files(site)))
        store.save()
    return counted


def build_index(site: Path, language: str) -> tuple[int, int]:
    """Index the document pages of `site`; returns the number and total size of the index files.

    The index is made in a folder beside the final one and moved into place when complete,
    so a failed run leaves the previous index.
    """
    binary = pagefind_binary()
    final = site / BUNDLE
    staging = site / f".{BUNDLE}-new"
    shutil.rmtree(staging, ignore_errors=True)
    command = [str(binary), "--site", str(site), "--output-path", str(staging), "--glob", "docs/**/*.html",
               "--force-language", language, "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=3600,
                                stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise ToolMissingError(f"cannot run Pagefind ({binary}): {exc}") from None
    if result.returncode != 0 or not (staging / "pagefind.js").is_file():
        shutil.rmtree(staging, ignore_errors=True)
        detail = " ".join((result.stderr or result.stdout).split())[-600:]
        detail = detail or f"exit code {result.returncode}"
        raise TeikitError(f"Pagefind could not index the site: {detail}")
    old = site / f".{BUNDLE}-old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    files = [p for p in final.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)
