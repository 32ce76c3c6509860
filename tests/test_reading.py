"""The reading edition as readers use it, in headless Chromium with JavaScript switched off.

The page has no script of its own; these tests prove that its reading features work in a
real browser without one: the entity switch (a checkbox read by CSS), notes in the margin on
a wide screen and as popovers on a phone, paragraph permalinks shown on hover and focus, dark
mode, the print stylesheet, and that the notes are reached by keyboard in under 30 presses of
Tab from the top. The browser is driven over the DevTools protocol (tests/tools/cdp.py).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from conftest import CORPORA, DATA, EDITION, ROOT

sys.path.insert(0, str(ROOT / "tests" / "tools"))
from cdp import CHROMIUM, Browser

from teikit.load import load
from teikit.write import BuildOptions, build_document

pytestmark = [pytest.mark.tools,
              pytest.mark.skipif(not CHROMIUM, reason="chromium missing (./dev test installs it)")]

EDITION_FILE = EDITION / "karabakh-war.xml"
NOVEL = CORPORA / "eltec-eng" / "ENG18670_Ouida.xml"
PLAY = CORPORA / "shakedracor" / "hamlet.xml"
TEST_NOVEL = DATA / "outputs" / "novel.xml"

# Documents with notes: the edition, a test novel with detached ELTeC-style notes, a real novel.
WITH_NOTES = [p for p in (EDITION_FILE, TEST_NOVEL, NOVEL) if p.is_file()]
WITH_NAMES = [p for p in (EDITION_FILE, PLAY) if p.is_file()]
ALL = [p for p in (EDITION_FILE, TEST_NOVEL, NOVEL, PLAY) if p.is_file()]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 800, "mobile": True}


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("reading")
    cache: dict[Path, Path] = {}

    def build(source: Path) -> Path:
        if source not in cache:
            cache[source] = build_document(load(source), out, ["html"], BuildOptions())[0]
        return cache[source]
    return build


def style(b: Browser, selector: str, prop: str, pseudo: str = "") -> str:
    pseudo_arg = f", {pseudo!r}" if pseudo else ""
    return b.eval(f"getComputedStyle(document.querySelector({selector!r}){pseudo_arg}).{prop}")


def rect(b: Browser, selector: str) -> dict:
    return b.eval(f"(r => ({{left: r.left, right: r.right, top: r.top, width: r.width, height: r.height}}))"
                  f"(document.querySelector({selector!r}).getBoundingClientRect())")


# ---------------------------------------------------------------------------
# Entity switch

@pytest.mark.parametrize("source", WITH_NAMES, ids=lambda p: p.stem)
def test_names_are_plain_text_until_the_switch_is_on(page, source):
    with Browser(**DESKTOP, javascript=False) as b:
        b.open(page(source))
        first = ".text a.ent"
        assert b.eval(f"!!document.querySelector({first!r})"), "no entity links in the text"
        assert style(b, first, "textDecorationLine") == "none"
        assert style(b, first, "pointerEvents") == "none"
        assert style(b, ".legend", "display") == "none"
        b.click("label.ent-toggle")
        assert b.eval("document.getElementById('tk-ent-switch').checked") is True
        assert style(b, first, "textDecorationLine") == "underline"
        assert style(b, first, "pointerEvents") == "auto"
        assert style(b, ".legend", "display") == "flex"
        # The legend names every kind the switch colours, each drawn as in the text.
        kinds = b.eval("[...document.querySelectorAll('.legend .ent')].map(e => e.className)")
        assert kinds and all(k.startswith("ent ent-") for k in kinds)
        # Clicking a name now opens its register entry.
        b.click(first)
        href = b.eval(f"document.querySelector({first!r}).getAttribute('href')")
        assert b.eval("location.hash") == href


def test_headings_and_contents_hold_no_entity_links(page):
    with Browser(**DESKTOP, javascript=False) as b:
        b.open(page(EDITION_FILE))
        links = "h1 a.ent, h2 a.ent, h3 a.ent, h4 a.ent, .toc a.ent"
        assert b.eval(f"document.querySelectorAll({links!r}).length") == 0
        b.click("label.ent-toggle")
        underlined = b.eval("[...document.querySelectorAll('h2 .ent, .toc .ent')]"
                            ".filter(e => getComputedStyle(e).textDecorationLine !== 'none').length")
        assert underlined == 0


def test_a_name_inside_a_name_is_one_target(page):
    with Browser(**DESKTOP, javascript=False) as b:
        b.open(page(EDITION_FILE))
        b.click("label.ent-toggle")
        nested = b.eval("[...document.querySelectorAll('.text a.ent .ent')].map(e => "
                        "[getComputedStyle(e).textDecorationLine, e.closest('a').title])")
        assert nested, "the edition has names inside names (a place inside an event)"
        for decoration, title in nested:
            assert decoration == "none"          # no underline of its own
            assert re.match(r"^\w+: ", title)    # the one target is named: "Event: …"


# ---------------------------------------------------------------------------
# Notes beside the text

@pytest.mark.parametrize("source", WITH_NOTES, ids=lambda p: p.stem)
def test_notes_stand_in_the_margin_on_a_wide_screen(page, source):
    with Browser(**DESKTOP, javascript=False) as b:
        b.open(page(source))
        assert style(b, ".sidenote", "display") == "block"
        assert style(b, ".note-call", "display") == "none"
        note, text = rect(b, ".sidenote"), rect(b, "#tk-text")
        call = rect(b, ".notecall")
        assert note["left"] >= text["right"], "the note sits right of the text column"
        assert note["right"] <= DESKTOP["width"]
        assert abs(note["top"] - call["top"]) < 60, "the note starts level with its call"


@pytest.mark.parametrize("source", WITH_NOTES, ids=lambda p: p.stem)
def test_notes_open_as_popovers_on_a_phone(page, source):
    with Browser(**PHONE, javascript=False) as b:
        b.open(page(source))
        assert style(b, ".sidenote", "display") == "none"
        assert style(b, ".notecall .noteref", "display") == "none"
        b.click(".note-call")
        # the popover opens when Chromium has handled the click, which a busy machine may delay
        assert b.wait_for("document.querySelector('.sidenote').matches(':popover-open')", timeout=10) is True
        box = rect(b, ".sidenote")
        assert box["width"] > 200 and box["left"] >= 0 and box["right"] <= PHONE["width"]
        text = b.eval("document.querySelector('.sidenote').textContent")
        assert len(text.strip()) > 3


@pytest.mark.parametrize("source", ALL, ids=lambda p: p.stem)
def test_the_page_fits_a_phone_without_sideways_scrolling(page, source):
    with Browser(**PHONE, javascript=False) as b:
        b.open(page(source))
        assert b.eval("document.documentElement.scrollWidth") <= PHONE["width"]
        assert b.eval("innerWidth") == PHONE["width"]


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_notes_are_reached_in_under_30_tab_presses(page, size):
    with Browser(**size, javascript=False) as b:
        b.open(page(EDITION_FILE))
        presses = 0
        while not b.eval("!!document.activeElement.closest('.notecall, #tk-notes')"):
            presses += 1
            if presses >= 30:
                pytest.fail("no note reached in 29 presses of Tab")
            b.press("Tab")
        assert b.eval("document.activeElement.offsetParent !== null"), "the focused note call is visible"
        b.press("Enter")
        if size is PHONE:
            assert b.eval("document.querySelector('.sidenote').matches(':popover-open')") is True
        else:
            assert b.eval("location.hash").startswith("#note-")
    assert presses < 30


def test_the_skip_link_moves_on_to_the_text(page):
    with Browser(**DESKTOP, javascript=False) as b:
        b.open(page(EDITION_FILE))
        b.press("Tab")
        assert b.eval("document.activeElement.className") == "skip-link"
        b.press("Enter")
        b.press("Tab")
        assert b.eval("!!document.activeElement.closest('#tk-text')")


# ---------------------------------------------------------------------------
# Locators

@pytest.mark.parametrize("source", [p for p in (EDITION_FILE, NOVEL) if p.is_file()], ids=lambda p: p.stem)
def test_paragraphs_have_permalinks_shown_on_hover_and_focus(page, source):
    with Browser(**DESKTOP, javascript=False) as b:
        b.open(page(source))
        link = ".text p[id] > .permalink"
        pid = b.eval(f"document.querySelector({link!r}).parentElement.id")
        assert b.eval(f"document.querySelector({link!r}).getAttribute('href')") == "#" + pid
        assert re.fullmatch(r"(§ [\d.]+ )?¶ \d+", b.eval(f"document.querySelector({link!r}).textContent"))
        assert style(b, link, "opacity") == "0"
        b.eval(f"document.querySelector({link!r}).parentElement.scrollIntoView({{block: 'center'}})")
        box = b.eval(f"(r => ({{left: r.left, top: r.top}}))"
                     f"(document.getElementById({pid!r}).getBoundingClientRect())")
        b.mouse(box["left"] + 40, box["top"] + 8)
        assert style(b, link, "opacity") == "1"
        b.mouse(2, 2)
        b.eval(f"document.querySelector({link!r}).focus()")
        assert style(b, link, "opacity") == "1"
        b.click(link)  # the permalink itself: the address now names the paragraph
        assert b.eval("location.hash") == "#" + pid
        assert b.eval("document.querySelector(':target').id") == pid


# ---------------------------------------------------------------------------
# Dark mode and print

def luminance(css_rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css_rgb)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("source", ALL, ids=lambda p: p.stem)
def test_dark_mode_follows_the_system_and_keeps_contrast(page, source):
    with Browser(**DESKTOP, javascript=False, color_scheme="dark") as b:
        b.open(page(source))
        bg = b.eval("getComputedStyle(document.documentElement).backgroundColor")
        assert luminance(bg) < 0.05, bg
        for selector in ("body", ".masthead", "a", ".readbar"):
            if b.eval(f"!!document.querySelector({selector!r})"):
                assert contrast(style(b, selector, "color"), bg) >= 4.5, selector
        if b.eval("!!document.querySelector('.text a.ent')"):
            b.click("label.ent-toggle")
            for kind in ("person", "place", "org", "event", "treaty"):
                if b.eval(f"!!document.querySelector('.entries .ent-{kind}')"):
                    assert contrast(style(b, f".entries .ent-{kind}", "color"), bg) >= 4.5, kind
    with Browser(**DESKTOP, javascript=False, color_scheme="light") as b:
        b.open(page(source))
        assert luminance(b.eval("getComputedStyle(document.documentElement).backgroundColor")) > 0.9


def test_print_shows_each_address_once_and_no_margin_notes(page):
    with Browser(**DESKTOP, javascript=False, media="print") as b:
        b.open(page(EDITION_FILE))
        assert style(b, ".sidenote", "display") == "none"
        assert style(b, ".readbar", "display") == "none"
        assert style(b, ".notecall .noteref", "display") == "inline"
        url = ".text a.url[href^='http'], .endnotes a.url[href^='http']"
        named = ".endnotes a.ref[href^='http']:not(.url)"
        assert b.eval(f"!!document.querySelector({url!r})"), "the edition has links that show their address"
        assert style(b, url, "content", "::after") in ("none", "normal")
        if b.eval(f"!!document.querySelector({named!r})"):
            assert "http" in style(b, named, "content", "::after")
