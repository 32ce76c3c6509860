"""Each document's page and summary, built in parallel and skipped when provably current.

A document's page (`docs/NAME.html`, by xslt/site/page.xsl) and its summary (XML, by
xslt/site/collect.xsl, kept in the build cache) depend on that document only, so a
changed document rebuilds its own page and summary and nothing else; the corpus pages
and the search index are then remade from all summaries. Caching is `teikit.cache`'s,
as for `teikit build`: sources, stylesheets, teikit and the options are compared by
content, and a deleted or edited page or summary is rebuilt, never trusted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from teikit import __version__, fsutil
from teikit.diagnostics import Diagnostic
from teikit.load import Limits

DOCS = "docs"


def page_names(paths: Sequence[Path]) -> dict[Path, PurePosixPath]:
    """Each document's page, relative to the site: docs/STEM.html, with as many parent folder
    names as it takes to tell documents of the same name apart (docs/letters/a.html)."""
    resolved = [Path(p).resolve() for p in paths]
    depth = {p: 0 for p in resolved}
    while True:
        names = {p: PurePosixPath(*p.parts[len(p.parts) - 1 - depth[p]:]).with_suffix(".html")
                 for p in resolved}
        seen: dict[PurePosixPath, list[Path]] = {}
        for p, name in names.items():
            seen.setdefault(name, []).append(p)
        clashes = [group for group in seen.values() if len(group) > 1]
        if not clashes:
            return {p: PurePosixPath(DOCS) / names[r] for p, r in zip(paths, resolved, strict=True)}
        grew = False
        for group in clashes:
            for p in group:
                if depth[p] < len(p.parts) - 2:
                    depth[p] += 1
                    grew = True
        if not grew:  # the same file given twice
            return {p: PurePosixPath(DOCS) / names[r] for p, r in zip(paths, resolved, strict=True)}


def home_of(page: PurePosixPath) -> str:
    """The relative way from a page back to the site's root ("../", "../../")."""
    return "../" * (len(page.parts) - 1)


DocumentTask = tuple  # (path, page, summary, out_dir, site_title, site_css, limits, stylesheets, registers)


def register_names(path: Path, registers: Mapping[Path, Mapping[str, str]]) -> str:
    """JSON: the name of every register-file entry under the pointer `path` would write to it."""
    names = {}
    for register, entries in registers.items():
        relative = os.path.relpath(register, Path(path).resolve().parent).replace(os.sep, "/")
        names.update({f"{relative}#{ident}": name for ident, name in entries.items()})
    return json.dumps(names, ensure_ascii=False, sort_keys=True)


def build_one(task: DocumentTask) -> tuple[list[Diagnostic], dict[str, str], dict[str, str]]:
    """Write one document's page and summary; runs in a worker process.

    Returns the problems, the hashes of the sources read and of the files written.
    """
    from teikit import transform
    from teikit.cache import hash_files
    from teikit.errors import DocumentError
    from teikit.load import load
    from teikit.write import _compile_afresh_if_changed, characters

    path, page, summary, out_dir, site_title, site_css, limits, stylesheets, registers = task
    _compile_afresh_if_changed(stylesheets)
    try:
        doc = load(path, limits=limits)
        from teikit.write.html import page_css

        node = characters.output_node(doc)
        names = register_names(path, registers)
        html = transform.run("site/page", doc, {"generator": f"teikit {__version__}", "css": page_css(),
                                                 "site-title": site_title, "home": home_of(page),
                                                 "site-css": site_css, "register-names": names},
                             node=node)
        data = transform.run("site/collect", doc, {"site-title": site_title, "home": home_of(page),
                                                   "register-names": names}, node=node)
    except DocumentError as exc:
        return [exc.diagnostic or Diagnostic(str(path), message=exc.message)], {}, {}
    page_path = Path(out_dir) / page
    fsutil.write_text(page_path, html)
    fsutil.write_text(Path(summary), data)
    sources = {str(Path(path).resolve()): doc.digest, **hash_files(doc.includes)}
    return [], sources, hash_files([page_path, Path(summary)])


@dataclass
class DocumentsReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summaries: dict[Path, Path] = field(default_factory=dict)  # document -> its summary file
    built: int = 0
    skipped: int = 0


def build_documents(paths: Sequence[Path], pages: dict[Path, PurePosixPath], out_dir: Path,
                    summaries_dir: Path,
                    site_title: str, site_css: str, limits: Limits, jobs: int, store,
                    registers: Mapping[Path, Mapping[str, str]],
                    force: bool, progress: Callable[[int], Callable[[int], None]] | None) -> DocumentsReport:
    """Pages and summaries of every document; `store` is a `teikit.cache.Cache` or None."""
    from teikit import cache as caching
    from teikit.runner import file_weights, run_many

    report = DocumentsReport()
    stylesheets = caching.stylesheet_fingerprint()
    # Register files name the entries documents point to: a changed register changes the pages.
    key = caching.make_key(caching.tool_fingerprint(), stylesheets, limits, site_title, site_css,
                           sorted((str(p), sorted(e.items())) for p, e in registers.items()),
                           "site-page") if store is not None else ""
    work: list[DocumentTask] = []
    for path in paths:
        summary = summaries_dir / pages[path].with_suffix(".xml")
        report.summaries[path] = summary
        name = f"site:{pages[path]}"
        entry = None if store is None or force else store.fresh(store.name(name, path), key)
        if entry is None:
            work.append((path, pages[path], summary, out_dir, site_title, site_css, limits, stylesheets,
                         registers))
        else:
            report.skipped += 1
    tick = progress(len(work)) if progress else None
    weights = file_weights([task[0] for task in work])
    try:
        for task, (diags, sources, outputs) in zip(work, run_many(build_one, work, jobs, weights=weights,
                                                                    progress=tick), strict=True):
            report.built += 1
            report.diagnostics += diags
            name = f"site:{task[1]}"
            if diags:
                report.summaries.pop(task[0], None)
            if store is None:
                continue
            if diags:
                store.forget(store.name(name, task[0]))
            else:
                store.record(store.name(name, task[0]), key, sources, outputs, result=str(task[1]))
    finally:
        if store is not None:
            store.save()
    for path, summary in list(report.summaries.items()):
        if not os.path.isfile(summary):
            report.summaries.pop(path)
    return report
