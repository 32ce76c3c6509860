"""HTML: a self-contained reading edition, one page per document, by xslt/html.xsl.

The page's CSS (xslt/assets/edition.css) is read here, once per process, and
inlined by the stylesheet, so the page opens from disk with no request to any
other host; a Content-Security-Policy in the page makes that a guarantee rather
than a habit. Saxon itself reads no files while transforming. Text from the TEI
reaches the page only through the XSLT serializer, which escapes it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from teikit import __version__, fsutil, resources, transform
from teikit.errors import TeikitError
from teikit.load import Document
from teikit.write import BuildOptions, characters, output_path
from teikit.write.facsimile import images_param


def inlined_file(path: Path) -> str:
    """A file whose text goes verbatim into a <style> or <script> element, so it must not close one.

    Read once per process and again only when the file changes, like the compiled XSLT.
    The site's assets are read the same way.
    """
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise TeikitError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return _read_inlined(path, stamp)


@cache
def _read_inlined(path: Path, stamp: int) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TeikitError(f"{path}: cannot read: {exc.strerror or exc}") from None
    for closing in ("</style", "</script"):
        if closing in text.lower():
            raise TeikitError(f"{path}: contains {closing!r}, which would end the inlined element early")
    return text


def page_css() -> str:
    """The edition stylesheet, inlined into every page."""
    return inlined_file(resources.xslt_dir() / "assets" / "edition.css")


def render_html(doc: Document, options: BuildOptions | None = None) -> str:
    """The page as a string (UTF-8 text with an HTML5 doctype); the project's CSS follows teikit's."""
    options = options or BuildOptions()
    css = page_css()
    if options.css:
        if "</style" in options.css.lower():
            raise TeikitError("the project CSS contains '</style', which would end the inlined "
                              "stylesheet early")
        css += "\n/* project */\n" + options.css
    return transform.run(options.stylesheet("html", "html"), doc,
                         {"generator": f"teikit {__version__}", "css": css, "facsimiles": images_param(doc)},
                         node=characters.output_node(doc), root=doc.project_root)


def write_html(doc: Document, out_dir: Path, options: BuildOptions) -> Path:
    return fsutil.write_text(output_path(doc, out_dir, "html"), render_html(doc, options))
