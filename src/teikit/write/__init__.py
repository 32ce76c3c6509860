"""Stage 4: writers. Each output format turns a loaded document into one file in `out_dir`.

Writers share nothing but the transform stage, so HTML, PDF and text are
numbered identically by construction (the shared `xslt/common.xsl`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from teikit.diagnostics import Diagnostic
from teikit.load import DEFAULT_LIMITS, Document, Limits

FORMATS = ("html", "pdf", "txt")


@dataclass(frozen=True)
class BuildOptions:
    width: int = 0  # plain text wrap width; 0 = no wrapping
    embed_source: bool = True  # PDF: attach the TEI source (PDF/A-3)


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


def output_path(doc: Document, out_dir: Path, fmt: str) -> Path:
    return out_dir / f"{doc.path.stem}.{fmt}"


def build_document(doc: Document, out_dir: Path, formats: Sequence[str] = FORMATS,
                   options: BuildOptions | None = None) -> list[Path]:
    options = options or BuildOptions()
    return [writer(fmt)(doc, out_dir, options) for fmt in formats]


def _build_one(args: tuple) -> tuple[list[Diagnostic], list[Path]]:
    path, out_dir, formats, options, limits = args
    from teikit.errors import DocumentError
    from teikit.load import load

    try:
        doc = load(path, limits=limits)
        written = build_document(doc, out_dir, formats, options)
    except DocumentError as exc:
        diag = exc.diagnostic or Diagnostic(str(path), message=exc.message)
        return [diag], []
    return [], written


def build_paths(paths: Sequence[Path], out_dir: Path, formats: Sequence[str] = FORMATS,
                options: BuildOptions | None = None, limits: Limits = DEFAULT_LIMITS,
                jobs: int = 0) -> tuple[list[Diagnostic], list[Path]]:
    """Build every document; problems of one document never stop the others."""
    from teikit.runner import run_many

    options = options or BuildOptions()
    diagnostics: list[Diagnostic] = []
    written: list[Path] = []
    work = [(p, out_dir, tuple(formats), options, limits) for p in paths]
    for diags, files in run_many(_build_one, work, jobs):
        diagnostics += diags
        written += files
    return diagnostics, written
