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
sys.path.insert(0, str(ROOT / "tests" / "tools"))

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
        with Browser(width=1000, height=620, timeout=60) as browser:
            browser.navigate(base + "index.html")
            (args.out / "site-index.png").write_bytes(browser.screenshot())
            browser.navigate(base + "persons.html#az-H")
            (args.out / "site-register.png").write_bytes(browser.screenshot())
            browser.navigate(base + "search.html")
            browser.wait_for("!!document.querySelector('.pagefind-ui__search-input')")
            browser.eval("document.querySelector('.pagefind-ui__search-input').focus()")
            browser.type(args.query)
            titles = "document.querySelectorAll('li.pagefind-ui__result .pagefind-ui__result-title a')"
            browser.wait_for(f"{titles}.length > 0")
            browser.eval("document.querySelector('input[id=\"kind-letter\"]').click()")
            browser.wait_for(f"(t => t.length > 0 && t.every(a => a.textContent))(Array.from({titles}))")
            browser.eval("document.activeElement.blur()")
            (args.out / "site-search.png").write_bytes(browser.screenshot())
        server.shutdown()
    for name in ("site-index", "site-register", "site-search"):
        path = args.out / f"{name}.png"
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
