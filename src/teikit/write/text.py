"""Plain text: for reading and corpus analysis. Produced by xslt/text.xsl.

The stylesheet decides what is reading text (see its header comment); this module
only wraps long lines on request and writes the file atomically.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from teikit import fsutil, transform
from teikit.load import Document
from teikit.write import BuildOptions, characters, output_path


def render_text(doc: Document, options: BuildOptions | None = None) -> str:
    options = options or BuildOptions()
    text = transform.run(options.stylesheet("txt", "text"), doc, node=characters.output_node(doc),
                         root=doc.project_root)
    if options.width:
        text = wrap(text, options.width)
    return text


# A number gutter before a line's text: "   12  ", "5    ", or blanks (two or more).
_GUTTER = re.compile(r"^( *[0-9][0-9A-Za-z.]* {2,}| {2,})(?=\S)")


def _is_underline(line: str) -> bool:
    return bool(line) and set(line) <= set("=-")


def wrap(text: str, width: int) -> str:
    """Wrap every line longer than `width` on its own.

    Lines are the stylesheet's units (a paragraph, a verse line, a speaker), so wrapping
    line by line keeps verse and speeches intact. Headings keep their underline, and
    endnotes ("12. text") get a hanging indent under their text, as do lines after a
    number gutter ("   12  text": a page view's or verse line's number, or blank).
    """
    lines = text.split("\n")
    out: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if len(line) <= width or _is_underline(line) or _is_underline(following):
            out.append(line)
            continue
        marker = line.split(" ", 1)[0]
        gutter = _GUTTER.match(line)
        indent = (" " * (len(marker) + 1) if marker[:-1].isdigit() and marker.endswith(".")
                  else " " * len(gutter.group(0)) if gutter else "")
        out.append(textwrap.fill(line, width=width, subsequent_indent=indent,
                                 break_long_words=False, break_on_hyphens=False))
    return "\n".join(out)


def write_text(doc: Document, out_dir: Path, options: BuildOptions) -> Path:
    return fsutil.write_text(output_path(doc, out_dir, "txt"), render_text(doc, options))
