"""Stage 4: writers. Each output format turns a loaded document into one file in `out_dir`.

Writers share nothing but the transform stage, so HTML, PDF and text are
numbered identically by construction (the shared `xslt/common.xsl` and its modules).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from teikit.diagnostics import Diagnostic
from teikit.load import DEFAULT_LIMITS, Document, Limits

FORMATS = ("html", "pdf", "txt")


@dataclass(frozen=True)
class BuildOptions:
    """What the writers may vary; the project's customisation (`teikit.config.customise`) fills
    all but `embed_source`."""

    width: int = 78  # plain text wrap width; 0 = no wrapping (one line per paragraph)
    embed_source: bool = True  # PDF: attach the TEI source (PDF/A-3)
    css: str = ""  # project CSS, added after teikit's in every HTML page
    stylesheets: tuple[tuple[str, str, str], ...] = ()  # (format, project stylesheet, digest of its files)
    pdf: tuple[tuple[str, str], ...] = ()  # inputs of the Typst template: paper, margin-*, fonts, …
    font_dirs: tuple[str, ...] = ()  # project font folders for the PDF
    pointer_folders: tuple[str, ...] = ()  # where register files named in pointers are looked for

    def stylesheet(self, fmt: str, default: str) -> str:
        """The stylesheet that makes `fmt`: the project's, else teikit's `default`."""
        return next((path for f, path, _digest in self.stylesheets if f == fmt), default)


Writer = Callable[[Document, Path, BuildOptions], Path]


def writer(fmt: str) -> Writer:
    if fmt == "txt":
        from teikit.write.text import write_text
        return write_text
    if fmt == "html":
        from teikit.write.html import write_html
        return write_html
    if fmt == "pdf":
        from teikit.write.pdf import write_pdf
        return write_pdf
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


_pending = threading.local()


def warn(diagnostic: Diagnostic) -> None:
    """A writer's warning about a document it still wrote (a PDF character without a glyph).

    Writers return the path they wrote; what they noticed on the way is collected here
    and reported with the build's other diagnostics.
    """
    if not hasattr(_pending, "items"):
        _pending.items = []
    _pending.items.append(diagnostic)


def take_warnings() -> list[Diagnostic]:
    """The warnings collected in this thread since the last call, which forgets them."""
    items = list(getattr(_pending, "items", ()))
    _pending.items = []
    return items


def output_path(doc: Document, out_dir: Path, fmt: str) -> Path:
    return out_dir / f"{doc.path.stem}.{fmt}"


def build_document(doc: Document, out_dir: Path, formats: Sequence[str] = FORMATS,
                   options: BuildOptions | None = None) -> list[Path]:
    options = options or BuildOptions()
    return [writer(fmt)(doc, out_dir, options) for fmt in formats]


BuildTask = tuple  # (path, out_dir, formats, options, limits, stylesheets, project_root): data for a worker

_stylesheets_compiled: str | None = None  # fingerprint of xslt/ when this process last compiled


def _compile_afresh_if_changed(fingerprint: str | None) -> None:
    """Never build with a compiled stylesheet older than the files the cache key was made from."""
    global _stylesheets_compiled
    if fingerprint and fingerprint != _stylesheets_compiled:
        if _stylesheets_compiled is not None:
            from teikit import transform

            transform.forget_compiled()  # (the HTML writer re-reads its CSS when the file changes)
        _stylesheets_compiled = fingerprint


def _output_files(path: Path) -> list[Path]:
    """The files an output consists of (a writer may return a folder)."""
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def _build_one(task: BuildTask) -> tuple[list[Diagnostic], list[tuple[str, Path, dict[str, str]]],
                                         dict[str, str]]:
    """Build one document in the formats asked; runs in a worker process.

    Returns the problems, what each format wrote with the hashes of the written
    files, and the hashes of the sources actually read (document and XIncludes),
    so the cache records exactly what was built from what. One format failing
    does not stop the others.
    """
    from teikit.cache import hash_files
    from teikit.errors import DocumentError
    from teikit.load import load

    path, out_dir, formats, options, limits, stylesheets, project_root = task
    _compile_afresh_if_changed(stylesheets)
    try:
        doc = load(path, limits=limits, project_root=project_root)
    except DocumentError as exc:
        return [exc.diagnostic or Diagnostic(str(path), message=exc.message)], [], {}
    from teikit.write import registers

    # records of the register files it points into join its registers (a copy; the source is untouched)
    doc, register_files = registers.attach(doc, tuple(Path(p) for p in options.pointer_folders), project_root)
    sources = {str(Path(path).resolve()): doc.digest, **hash_files(doc.includes),
               **hash_files(register_files)}
    if "html" in formats or "pdf" in formats:  # the page (the PDF: its surfaces) embeds local images
        from teikit.write.facsimile import local_files
        sources.update(hash_files(list(local_files(doc).values())))
    diagnostics: list[Diagnostic] = []
    built: list[tuple[str, Path, dict[str, str]]] = []
    take_warnings()
    for fmt in formats:
        try:
            written = writer(fmt)(doc, out_dir, options)
        except DocumentError as exc:
            diagnostics.append(exc.diagnostic or Diagnostic(doc.display, message=exc.message))
            continue
        finally:
            diagnostics += take_warnings()
        built.append((fmt, written, hash_files(_output_files(written))))
    return diagnostics, built, sources


def _environment_for_format(fmt: str) -> dict[str, str | None]:
    """Environment variables a writer reads: the PDF is dated from SOURCE_DATE_EPOCH."""
    import os

    return {"SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH")} if fmt == "pdf" else {}


def check_distinct_outputs(paths: Sequence[Path]) -> None:
    """Refuse, before anything is written, inputs that would write the same output file.

    Outputs are named after the input's stem in one flat folder (`out/NAME.html`), which
    readers, links and sites rely on; so `tei/a/ch1.xml`, `tei/b/ch1.xml` and
    `tei/a/ch1.tei` cannot be built into one folder, and the run stops with exit 2
    naming them instead of letting one output overwrite another.
    """
    from teikit.diagnostics import printable
    from teikit.errors import InputError
    from teikit.load import display_path

    by_name: dict[str, dict[Path, None]] = {}
    for path in paths:
        by_name.setdefault(Path(path).stem, {})[Path(path).resolve()] = None
    clashes = {name: list(found) for name, found in sorted(by_name.items()) if len(found) > 1}
    if clashes:
        name, found = next(iter(clashes.items()))
        shown = ", ".join(printable(display_path(p)) for p in found)
        more = f" (and {len(clashes) - 1} more name(s))" if len(clashes) > 1 else ""
        raise InputError(f"{len(found)} inputs would write the same outputs {printable(name)}.*: "
                         f"{shown}{more}; nothing was built",
                         hint="build them into separate folders (one -o per input folder), or rename one")


@dataclass
class BuildReport:
    """What a batch build did: problems, outputs written, and outputs found up to date."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    built_documents: int = 0
    skipped_documents: int = 0
    cache_dir: Path | None = None


def build_batch(paths: Sequence[Path], out_dir: Path, formats: Sequence[str] = FORMATS,
                options: BuildOptions | None = None, limits: Limits = DEFAULT_LIMITS, jobs: int = 0, *,
                use_cache: bool = True, cache_dir: Path | None = None, force: bool = False,
                progress: Callable[[int], Callable[[int], None]] | None = None,
                project_root: Path | None = None) -> BuildReport:
    """Build every document in parallel, skipping outputs the cache proves current.

    Problems of one document never stop the others. `project_root` bounds what the
    documents inside it may XInclude (see `teikit.load.load`). `force` rebuilds everything
    (and refreshes the cache); `progress(total)` returns a callback told of each
    document built. See `teikit.cache` for what makes an output current.
    """
    from teikit import cache as caching
    from teikit.runner import file_weights, run_many

    options = options or BuildOptions()
    formats = tuple(dict.fromkeys(formats))
    out_dir = Path(out_dir)
    check_distinct_outputs(paths)
    import tempfile

    from teikit import fsutil

    # What runs killed with kill -9 left: hidden partial outputs, PDF scratch folders.
    fsutil.remove_stale(out_dir if out_dir.is_dir() else None, Path(tempfile.gettempdir()))
    report = BuildReport()
    store = None
    keys: dict[str, str] = {}
    caching.forget_hashes()
    stylesheets = caching.stylesheet_fingerprint()
    # what workers compare to recompile: a long-lived process recompiles when a project stylesheet
    # changes too (the cache keys hold those digests per format, through the options)
    compiled = "+".join([stylesheets, *(digest for _fmt, _path, digest in options.stylesheets)])
    if use_cache:
        report.cache_dir = Path(cache_dir) if cache_dir else caching.default_cache_dir(out_dir)
        store = caching.Cache(report.cache_dir, "build")
        fixed = (caching.tool_fingerprint(), stylesheets, store.relative(out_dir), limits)
        keys = {fmt: caching.make_key(*fixed, fmt, caching.options_for_format(options, fmt),
                                      _environment_for_format(fmt))
                for fmt in formats}

    work: list[BuildTask] = []
    for path in paths:
        todo = []
        for fmt in formats:
            entry = None if store is None or force else store.fresh(store.name(fmt, path), keys[fmt])
            if entry is None:
                todo.append(fmt)
            else:
                report.unchanged.append(_shown(store.absolute(entry["result"])))
        if todo:
            work.append((path, out_dir, tuple(todo), options, limits, compiled, project_root))
        else:
            report.skipped_documents += 1
    weights = file_weights([task[0] for task in work])
    tick = progress(len(work)) if progress else None
    try:
        for task, (diags, built, sources) in zip(work, run_many(_build_one, work, jobs, weights=weights,
                                                                  progress=tick), strict=True):
            report.built_documents += 1
            report.diagnostics += diags
            done = set()
            for fmt, written, hashes in built:
                report.written.append(written)
                done.add(fmt)
                if store is not None:
                    store.record(store.name(fmt, task[0]), keys[fmt], sources, hashes,
                                 result=store.relative(written))
            if store is not None:
                for fmt in set(task[2]) - done:
                    store.forget(store.name(fmt, task[0]))
    except BaseException:  # Ctrl-C or SIGTERM: the workers are stopped; a killed one left its temporaries
        fsutil.remove_stale(out_dir if out_dir.is_dir() else None, Path(tempfile.gettempdir()))
        raise
    finally:
        if store is not None:
            store.save()
    return report


def _shown(path: Path) -> Path:
    """An absolute path as the user would write it: relative to the working directory when inside it."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def build_paths(paths: Sequence[Path], out_dir: Path, formats: Sequence[str] = FORMATS,
                options: BuildOptions | None = None, limits: Limits = DEFAULT_LIMITS,
                jobs: int = 0, *, use_cache: bool = False, cache_dir: Path | None = None,
                force: bool = False) -> tuple[list[Diagnostic], list[Path]]:
    """Build every document; problems of one document never stop the others.

    Without `use_cache` every output is rebuilt (what a library caller building into
    a fresh directory wants); the command line uses `build_batch` with the cache.
    """
    report = build_batch(paths, out_dir, formats, options, limits, jobs, use_cache=use_cache,
                         cache_dir=cache_dir, force=force)
    return report.diagnostics, report.written
