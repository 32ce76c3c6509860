"""HTML: a self-contained reading edition, one page per document, by xslt/html.xsl.

The stylesheet inlines its CSS (xslt/assets/edition.css), so the page opens from
disk with no request to any other host; a Content-Security-Policy in the page
makes that a guarantee rather than a habit. Text from the TEI reaches the page
only through XSLT's serializer, which escapes it.
"""

from __future__ import annotations

from pathlib import Path

from teikit import __version__, fsutil, transform
from teikit.load import Document
from teikit.write import BuildOptions, output_path


def render_html(doc: Document) -> str:
    """The page as a string (UTF-8 text with an HTML5 doctype)."""
    return transform.run("html", doc, {"generator": f"teikit {__version__}"})


def write_html(doc: Document, out_dir: Path, options: BuildOptions) -> Path:
    return fsutil.write_text(output_path(doc, out_dir, "html"), render_html(doc))
