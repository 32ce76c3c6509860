"""Plain text: for reading and corpus analysis. Produced by xslt/text.xsl."""

from __future__ import annotations

import textwrap
from pathlib import Path

from teikit import fsutil, transform
from teikit.load import Document
from teikit.write import BuildOptions, output_path


def render_text(doc: Document, options: BuildOptions | None = None) -> str:
    options = options or BuildOptions()
    text = transform.run("text", doc)
    if options.width:
        text = wrap(text, options.width)
    return text


def wrap(text: str, width: int) -> str:
    """Wrap paragraphs (blank-line separated blocks) without touching headings' underlines."""
    blocks = text.split("\n\n")
    wrapped = []
    for block in blocks:
        lines = block.split("\n")
        if len(lines) > 1 and set(lines[-1]) <= set("=-"):
            wrapped.append(block)
        else:
            wrapped.append(textwrap.fill(" ".join(lines), width=width, break_long_words=False,
                                         break_on_hyphens=False))
    return "\n\n".join(wrapped)


def write_text(doc: Document, out_dir: Path, options: BuildOptions) -> Path:
    return fsutil.write_text(output_path(doc, out_dir, "txt"), render_text(doc, options))
