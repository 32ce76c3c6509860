"""Screenshots of a `teikit site` for the README: the index, a register and a search.

    .venv/bin/python tests/tools/site_screenshots.py [PATHS...] [--out docs]

Builds the site of PATHS (default: the shared letters and the edition) into a temporary
folder, serves it on 127.0.0.1, and takes three PNGs in headless Chromium over the
DevTools protocol: docs/site-index.png, docs/site-register.png, docs/site-search.png.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from cdp import Browser  # noqa: E402
from teikit.inputs import discover  # noqa: E402
from teikit.site import SiteOptions, build_site  # noqa: E402
from teikit.site.serve import make_server  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT.parent / "shared" / "corpora" / "letters"),
                                                     str(ROOT / "tei")])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--query", default="Paris")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        report = build_site(discover(args.paths), site, SiteOptions(title="Letters and the Karabakh article"))
        for d in report.diagnostics:
            print(d.format(), file=sys.stderr)
        server = make_server(site, 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        args.out.mkdir(exist_ok=True)
        with Browser() as browser:
            browser.open(base + "index.html")
            browser.screenshot(args.out / "site-index.png", 1000, 620)
            browser.open(base + "persons.html#az-H")
            browser.screenshot(args.out / "site-register.png", 1000, 620)
            browser.open(base + "search.html")
            browser.wait_for("!!document.querySelector('.pagefind-ui__search-input')")
            browser.evaluate("document.querySelector('.pagefind-ui__search-input').focus()")
            browser.type(args.query)
            titles = "document.querySelectorAll('li.pagefind-ui__result .pagefind-ui__result-title a')"
            browser.wait_for(f"{titles}.length > 0")
            browser.evaluate("document.querySelector('input[id=\"kind-letter\"]').click()")
            browser.wait_for(f"(t => t.length > 0 && t.every(a => a.textContent))(Array.from({titles}))")
            browser.evaluate("document.activeElement.blur()")
            browser.screenshot(args.out / "site-search.png", 1000, 620)
        server.shutdown()
    for name in ("site-index", "site-register", "site-search"):
        path = args.out / f"{name}.png"
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
