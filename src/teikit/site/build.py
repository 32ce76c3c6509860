"""`build_site`: documents, corpus summary, corpus pages, search index, in that order."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from teikit import fsutil
from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import DocumentError, InputError
from teikit.site import SiteOptions, SiteReport
from teikit.site.documents import DOCS, build_documents, page_names
from teikit.site.pages import site_css, write_pages
from teikit.site.registers import Register, merge, read_register


def _registers(paths: Sequence[Path], options: SiteOptions,
               diagnostics: list[Diagnostic]) -> dict[Path, Register]:
    from teikit.load import load

    found: dict[Path, Register] = {}
    for path in paths:
        if not Path(path).is_file():
            raise InputError(f"{path}: register file not found",
                             hint="give an existing TEI file with lists of persons, places, …")
        try:
            doc = load(path, limits=options.limits)
        except DocumentError as exc:
            diagnostics.append(exc.diagnostic or Diagnostic(str(path), message=exc.message))
            continue
        register = read_register(Path(path), doc.tree)
        found[register.path] = register
    return found


def _remove_stale_pages(out_dir: Path, keep: set[Path]) -> None:
    """Pages of documents no longer in the site would still be indexed and found."""
    docs = out_dir / DOCS
    if not docs.is_dir():
        return
    for page in docs.rglob("*.html"):
        if page.resolve() not in keep:
            page.unlink()


def build_site(paths: Sequence[Path], out_dir: Path, options: SiteOptions, progress=None) -> SiteReport:
    from teikit import cache as caching

    report = SiteReport(out_dir=out_dir)
    fsutil.ensure_dir(out_dir)
    registers = _registers(options.registers, options, report.diagnostics)
    register_files = set(registers)
    documents = [p for p in paths if Path(p).resolve() not in register_files]
    pages = page_names(documents)
    caching.forget_hashes()
    store = None
    scratch = None
    if options.use_cache:
        cache_dir = options.cache_dir or caching.default_cache_dir(out_dir)
        store = caching.Cache(cache_dir, "site")
        summaries_dir = cache_dir / "site-summaries"
    else:
        scratch = tempfile.TemporaryDirectory(prefix="teikit-site-")
        summaries_dir = Path(scratch.name)
    try:
        done = build_documents(documents, pages, out_dir, summaries_dir, options.title, site_css(),
                               options.limits, options.jobs, store,
                               {p: {i: e[1] for i, e in r.entries.items()} for p, r in registers.items()},
                               options.force, progress)
        report.diagnostics += done.diagnostics
        report.documents = len(done.summaries)
        report.built_documents, report.skipped_documents = done.built, done.skipped
        _remove_stale_pages(out_dir, {(out_dir / pages[p]).resolve() for p in done.summaries})
        about = {"title": options.title, "description": options.description, "publisher": options.publisher,
                 "licence": options.licence}
        corpus = merge(done.summaries, pages, registers, about, options.language)
    finally:
        if scratch is not None:
            scratch.cleanup()
    report.entities = len(corpus.getroot().findall("{urn:teikit:site}entity"))
    report.pages = write_pages(corpus, out_dir)
    if options.search:
        from teikit.site.search import update_index

        indexed = sorted((out_dir / pages[p]) for p in done.summaries)
        report.search_files, report.search_bytes = update_index(out_dir, indexed, options.language, store,
                                                                options.force)
    else:
        shutil.rmtree(out_dir / "pagefind", ignore_errors=True)
    report.diagnostics.sort()
    return report


def failed(report: SiteReport) -> bool:
    return any(d.severity >= Severity.ERROR for d in report.diagnostics)
