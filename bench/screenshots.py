"""Regenerate the README's screenshots of the reading edition (docs/reading-*.png) and of the
diplomatic page view (docs/scholarly-pages.png).

    .venv/bin/python bench/screenshots.py [--out docs] [--passage s2-p2]

Builds the edition's HTML into a temporary folder and photographs it in headless Chromium
with JavaScript off: the desktop view (1280 px, notes in the margin) and the phone view
(390 px, a note opened as a popover), both scrolled to the same passage; then the first page
of tests/data/sourcedoc/notebook.xml's page view at 1280 px (its image beside its lines).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "tools"))

from cdp import Browser  # noqa: E402  (the test suite's DevTools driver)

from teikit.load import load  # noqa: E402
from teikit.write import BuildOptions, build_document  # noqa: E402

EDITION = ROOT / "tei" / "karabakh-war.xml"
NOTEBOOK = ROOT / "tests" / "data" / "sourcedoc" / "notebook.xml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--passage", default="s2-p2",
                        help="id of the paragraph to show (default: %(default)s)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        page = build_document(load(EDITION), Path(tmp), ["html"], BuildOptions())[0]
        scroll = (f"document.getElementById({args.passage!r}).scrollIntoView({{block: 'start'}});"
                  " scrollBy(0, -60)")
        with Browser(width=1280, height=800, javascript=False) as b:
            b.open(page)
            b.click("label.ent-toggle")
            b.eval(scroll)
            (args.out / "reading-desktop.png").write_bytes(b.screenshot())
        with Browser(width=390, height=760, javascript=False, mobile=True) as b:
            b.open(page)
            b.eval(scroll)
            call = f"#{args.passage} .note-call"
            b.click(call if b.eval(f"!!document.querySelector({call!r})") else ".note-call")
            (args.out / "reading-phone.png").write_bytes(b.screenshot())
        page = build_document(load(NOTEBOOK, project_root=ROOT), Path(tmp), ["html"], BuildOptions())[0]
        with Browser(width=1280, height=600, javascript=False) as b:
            b.open(page)
            b.eval("document.getElementById('tk-page-1').scrollIntoView({block: 'start'}); scrollBy(0, -40)")
            (args.out / "scholarly-pages.png").write_bytes(b.screenshot())
    for name in ("reading-desktop.png", "reading-phone.png", "scholarly-pages.png"):
        print(args.out / name, (args.out / name).stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
