"""The corpus pages (index, registers, timeline, about, search), by xslt/site/pages.xsl.

The corpus summary is handed to Saxon once and each page is one run of the stylesheet
with its name as a parameter; the page CSS (edition.css and site.css) and the index's
script are read here and inlined, so every page opens from disk. The page's
Content-Security-Policy allows that script by its SHA-256 and no other.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from lxml import etree

from teikit import __version__, fsutil, resources, transform
from teikit.load import Document

PAGES = ("index", "registers", "persons", "places", "organisations", "events", "works", "timeline", "about",
         "search")


def asset(name: str) -> str:
    """A file of xslt/site/assets/, read as the HTML writer reads its stylesheet (`inlined_file`)."""
    from teikit.write.html import inlined_file

    return inlined_file(resources.xslt_dir() / "site" / "assets" / name)


def site_css() -> str:
    return asset("site.css")


def write_pages(corpus: etree._ElementTree, out_dir: Path) -> list[Path]:
    from teikit.write.html import page_css

    doc = Document(path=Path("site-corpus.xml"), tree=corpus, digest="", display="the site's corpus summary")
    node = transform.to_xdm(corpus)
    css = page_css() + "\n" + site_css()
    written = []
    for page in PAGES:
        script = asset("site.js") if page == "index" else asset("search.js") if page == "search" else ""
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        html = transform.run("site/pages", doc, {"generator": f"teikit {__version__}", "page": page,
                                                  "css": css, "script": script, "script-hash": digest},
                             node=node)
        written.append(fsutil.write_text(out_dir / f"{page}.html", html))
    return written
