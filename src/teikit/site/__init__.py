"""`teikit site`: a static website for a corpus: document pages, an index of documents,
cross-document registers, a timeline, an about page and a full-text search with facets.

The stages, one module each:
  documents.py  each document's page (xslt/site/page.xsl) and summary (collect.xsl), in
                parallel, skipped when the build cache proves them current;
  registers.py  the summaries merged into one corpus summary: documents and entities, the
                same person in several documents being one entry (by identifier);
  pages.py      the corpus pages from that summary (xslt/site/pages.xsl);
  search.py     the Pagefind index over the document pages;
  serve.py      a preview server on 127.0.0.1 (Pagefind fetches its index, which browsers
                allow over HTTP only).
`build_site` runs them. Its options are one dataclass, `SiteOptions`, which the command line
fills (and a project's configuration can).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from teikit.diagnostics import Diagnostic
from teikit.load import DEFAULT_LIMITS, Limits


@dataclass(frozen=True)
class SiteOptions:
    """Everything `build_site` needs besides the documents and the output folder."""

    title: str = "TEI edition"
    description: str = ""
    publisher: str = ""
    licence: str = ""
    language: str = "en"  # the site's language: its pages' lang and the one search index's stemming
    registers: tuple[Path, ...] = ()  # register files (TEI lists) that documents point into
    search: bool = True  # build the Pagefind index
    limits: Limits = DEFAULT_LIMITS
    jobs: int = 0
    use_cache: bool = True
    cache_dir: Path | None = None
    force: bool = False


@dataclass
class SiteReport:
    """What a site build did."""

    out_dir: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    documents: int = 0
    built_documents: int = 0
    skipped_documents: int = 0
    entities: int = 0
    pages: list[Path] = field(default_factory=list)
    search_files: int = 0
    search_bytes: int = 0


def build_site(paths, out_dir: Path, options: SiteOptions | None = None, progress=None) -> SiteReport:
    from teikit.site.build import build_site as run

    return run(paths, Path(out_dir), options or SiteOptions(), progress)


__all__ = ["SiteOptions", "SiteReport", "build_site"]
