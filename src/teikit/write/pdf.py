"""PDF: typeset for print and for archives, with Typst.

Two stages, and no text of the document ever becomes typesetter source:
`xslt/pdf.xsl` turns the TEI into a JSON tree of blocks and inlines (data), and the
fixed template `xslt/typst/edition.typ` reads that JSON and lays it out. Both, a byte
copy of the TEI source (embedded as a PDF/A-3 attachment) and nothing else are put
in a private temporary folder that is Typst's whole world: the template can read no
other file. Fonts are the ones bundled with Typst plus, for the scripts those lack
(Syriac, Armenian, Ethiopic, Indic...), Debian's Noto fonts (fonts-noto-core, which
`./dev` installs) found in the folders `font_dirs()` names; other system fonts are
ignored, so a build depends on no font a machine happens to have. A character that no
font covers is printed as a visible [U+XXXX] and reported as a warning naming the
characters, their script and the line of the source where each first appears.

The XMP metadata is completed from the header afterwards (teikit.write.xmp: each author,
rights, DOI). The output is PDF/A-3b and reproducible: the creation date is SOURCE_DATE_EPOCH when
set, else the document's own latest revision or publication date, so the same input
gives the same bytes on every machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import typst

from teikit import fsutil, resources, transform
from teikit.diagnostics import Diagnostic, Severity
from teikit.errors import DocumentError, InputError, TeikitError
from teikit.load import TEI_NS, Document
from teikit.write import BuildOptions, characters, output_path, warn, xmp

PDF_STANDARD = "a-3b"  # PDF/A-3 level B: archival, and allows the embedded TEI source
TEMPLATE = "edition.typ"

# A PDF/A file may not show a character its fonts lack. Such characters are replaced by
# a visible [U+XXXX] and the document typeset again; this bounds how often.
_MAX_GLYPH_PASSES = 3
_MISSING_GLYPH = re.compile(r'the text `"((?:[^"\\]|\\.)*)"` could not be displayed')
_RUST_ESCAPE = re.compile(r"\\(u\{([0-9a-fA-F]+)\}|.)")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


# Where Debian (fonts-noto-core) puts the Noto fonts; TEIKIT_FONT_PATH (folders separated
# by os.pathsep) replaces the list.
NOTO_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto")


def font_dirs() -> list[str]:
    """The font folders handed to Typst besides its bundled fonts (those that exist)."""
    configured = os.environ.get("TEIKIT_FONT_PATH")
    candidates = configured.split(os.pathsep) if configured is not None else NOTO_DIRS
    return [str(Path(d)) for d in candidates if d and Path(d).is_dir()]


def template_dir() -> Path:
    return resources.xslt_dir() / "typst"


def pdf_data(doc: Document, options: BuildOptions | None = None) -> str:
    """The document as the JSON tree the template typesets (the output of xslt/pdf.xsl, or of the
    project's stylesheet importing it)."""
    options = options or BuildOptions()
    return transform.run(options.stylesheet("pdf", "pdf"), doc, node=characters.output_node(doc),
                         root=doc.project_root)


def timestamp(doc: Document) -> int:
    """Creation time written into the PDF, in UNIX seconds, chosen for reproducible bytes.

    SOURCE_DATE_EPOCH (the reproducible-builds convention) wins; otherwise the latest
    date the document itself states for a revision or its publication; otherwise 0.
    """
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    ns = {"t": TEI_NS}
    header = doc.root.find("t:teiHeader", ns)
    if header is None:
        return 0
    stated = header.xpath(
        "t:revisionDesc//t:change/@when | t:revisionDesc//t:change/t:date/@when"
        " | t:fileDesc/t:publicationStmt/t:date/@when | t:fileDesc/t:publicationStmt/t:date/@when-iso"
        " | t:fileDesc/t:editionStmt//t:date/@when", namespaces=ns)
    dates = [d for d in (_parse_date(str(value)) for value in stated) if d is not None]
    return int(max(dates).timestamp()) if dates else 0


def _parse_date(value: str) -> dt.datetime | None:
    match = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return dt.datetime(year, month, day, tzinfo=dt.UTC)
    except ValueError:
        return None


def render_pdf(doc: Document, options: BuildOptions | None = None) -> bytes:
    """Typeset `doc` and return the PDF bytes; a typesetting failure is a DocumentError."""
    options = options or BuildOptions()
    data = pdf_data(doc, options)
    with tempfile.TemporaryDirectory(prefix=fsutil.scratch_prefix("pdf")) as tmp:
        world = Path(tmp)
        try:
            shutil.copyfile(template_dir() / TEMPLATE, world / TEMPLATE)
        except OSError as exc:
            raise TeikitError(f"{template_dir() / TEMPLATE}: cannot read the PDF template: "
                              f"{exc.strerror or exc}",
                              hint="TEIKIT_XSLT_DIR must hold typst/edition.typ as well") from None
        data = _with_page_images(doc, data, world)
        inputs = {"attach": "", **dict(options.pdf)}
        if options.embed_source:
            try:
                source = doc.path.read_bytes()
            except OSError as exc:
                raise InputError(f"{doc.display}: cannot read the source to embed it: "
                                 f"{exc.strerror or exc}") from None
            if hashlib.sha256(source).hexdigest() != doc.digest:
                raise InputError(f"{doc.display}: the file changed while it was being built",
                                 hint="build again once it is saved")
            (world / "source.xml").write_bytes(source)
            inputs["attach"] = doc.path.name
        return _typeset(doc, world, data, inputs, list(options.font_dirs))


# Image files Typst places (PNG, JPEG, GIF), by their first bytes: the same signatures the
# HTML build checks before it embeds an image.
_PLACEABLE = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif"}


def _with_page_images(doc: Document, data: str, world: Path) -> str:
    """`data` with an "images" map (address -> file in Typst's folder) of the page images of the
    diplomatic page view that are local image files inside the project root, copied there.

    As in HTML, nothing is fetched, and a file outside the root, too large or not an image is
    only named. Typst can read nothing outside its folder, so the files are copied in.
    """
    from teikit.write import facsimile

    tree = json.loads(data)
    wanted = {block.get("image") for block in tree.get("pages", ())
              if isinstance(block, dict) and block.get("t") == "surface" and block.get("image")}
    if not wanted:
        return data
    images: dict[str, str] = {}
    for address, content, media in facsimile.readable_images(doc, wanted):
        suffix = _PLACEABLE.get(media)
        if suffix is None:
            continue  # WebP: HTML shows it, Typst cannot
        name = f"img/{len(images)}{suffix}"
        (world / "img").mkdir(exist_ok=True)
        (world / name).write_bytes(content)
        images[address] = name
    if not images:
        return data
    tree["images"] = images
    return json.dumps(tree, ensure_ascii=False)


def _typeset(doc: Document, world: Path, data: str, inputs: dict[str, str],
             project_fonts: list[str] | None = None) -> bytes:
    replaced: set[str] = set()
    for _ in range(_MAX_GLYPH_PASSES):
        (world / "data.json").write_text(data, encoding="utf-8")
        try:
            pdf = typst.compile(str(world / TEMPLATE), root=str(world),
                                font_paths=[*(project_fonts or []), *font_dirs()],
                                ignore_system_fonts=True, pdf_standards=[PDF_STANDARD],
                                timestamp=timestamp(doc), sys_inputs=inputs)
            for finding in glyph_warnings(doc, replaced):
                warn(finding)
            return xmp.complete(pdf, json.loads(data).get("meta", {}))
        except typst.TypstError as exc:
            missing = missing_glyphs(exc) - replaced
            if not missing:
                raise _typeset_error(doc, exc) from None
            replaced |= missing
            data = json.dumps(_replace_chars(json.loads(data), missing), ensure_ascii=False)
    raise _typeset_error(doc, None)


def missing_glyphs(exc: typst.TypstError) -> set[str]:
    """Characters that a PDF/A compile refused because no bundled font has a glyph for them."""
    chars: set[str] = set()
    for quoted in _MISSING_GLYPH.findall(f"{exc.message}\n{exc.diagnostic}"):
        chars.update(_unescape_rust(quoted))
    return {c for c in chars if not c.isspace()}


def script_of(char: str) -> str:
    """The script of a character, from its Unicode name ("SYRIAC LETTER ALAPH" -> "Syriac")."""
    name = unicodedata.name(char, "")
    if not name:
        return "private use" if unicodedata.category(char) == "Co" else "unassigned"
    if name.startswith(("CJK ", "FULLWIDTH ", "HALFWIDTH ", "IDEOGRAPHIC ")):
        return "CJK"
    category = unicodedata.category(char)
    for marker in (" LETTER ", " SIGN ", " DIGIT ", " VOWEL ", " MARK ", " SYLLABLE ", " CHARACTER ",
                   " SYMBOL ", " PUNCTUATION ", " LIGATURE ", " IDEOGRAPH", " NUMBER ", " FRACTION "):
        if marker in name:
            words = name.split(marker)[0].split()
            while len(words) > 1 and words[-1] in ("CAPITAL", "SMALL", "FINAL", "MODIFIER", "LETTER"):
                words.pop()
            return " ".join(words).title()
    if category.startswith("P"):
        return "punctuation"
    if category.startswith("M"):
        return "combining mark"
    if category.startswith("S"):
        return "symbol"
    return name.split()[0].title()


def glyph_warnings(doc: Document, chars: set[str]) -> list[Diagnostic]:
    """One warning per script of the characters no font had, at the first line using them."""
    if not chars:
        return []
    first_line: dict[str, int] = {}
    for element in doc.root.iter():
        for text, line in ((element.text, element.sourceline), (element.tail, element.sourceline)):
            if text:
                for c in chars.difference(first_line):
                    if c in text:
                        first_line[c] = line or 0
        if len(first_line) == len(chars):
            break
    by_script: dict[str, list[str]] = {}
    for c in sorted(chars):
        by_script.setdefault(script_of(c), []).append(c)
    findings = []
    for script, group in sorted(by_script.items()):
        line = min((first_line.get(c, 0) for c in group), default=0)
        shown = ", ".join(f"{c} U+{ord(c):04X}" for c in group[:12]) + (", …" if len(group) > 12 else "")
        findings.append(Diagnostic(
            doc.display, line, 0, Severity.WARNING, "pdf.glyph",
            f"no font has {len(group)} {script} character{'s' if len(group) > 1 else ''} "
            f"({shown}); the PDF shows them as [U+XXXX]",
            hint=_font_hint(script),
            source="typst"))
    return findings


def _font_hint(script: str) -> str:
    """What to install: fonts-noto-core for the scripts it covers, else the Debian package that
    has the script (teikit reads both Noto folders of NOTO_DIRS)."""
    if not font_dirs():
        return ("install Debian's Noto fonts (apt-get install fonts-noto-core; ./dev setup does it), "
                "or point TEIKIT_FONT_PATH at a folder of fonts covering the script")
    if script == "private use":
        return ("private-use characters (MUFI's medieval letters, a project's own) need the font the "
                "edition was made for (for MUFI: Junicode, Andron): name its folder in font-dirs "
                "(teikit.toml, [build]) or TEIKIT_FONT_PATH")
    cjk = script in ("CJK", "Hiragana", "Katakana", "Hangul", "Bopomofo")
    package = "fonts-noto-cjk" if cjk else "fonts-noto-extra"
    return (f"no installed font covers {script}: apt-get install {package}, "
            "or add a folder of fonts that do to TEIKIT_FONT_PATH")


def _unescape_rust(text: str) -> str:
    def one(match: re.Match) -> str:
        if match.group(2):
            return chr(int(match.group(2), 16))
        char = match.group(1)
        return _SIMPLE_ESCAPES.get(char, char)
    return _RUST_ESCAPE.sub(one, text)


def _replace_chars(value: Any, chars: set[str]) -> Any:
    """Replace each of `chars` in every string of the tree by a visible [U+XXXX]."""
    if isinstance(value, str):
        if any(c in value for c in chars):
            return "".join(f"[U+{ord(c):04X}]" if c in chars else c for c in value)
        return value
    if isinstance(value, list):
        return [_replace_chars(v, chars) for v in value]
    if isinstance(value, dict):
        return {k: _replace_chars(v, chars) for k, v in value.items()}
    return value


def _typeset_error(doc: Document, exc: typst.TypstError | None) -> DocumentError:
    if exc is None:
        message = "the PDF could not be typeset: characters without a glyph remained after replacement"
        hint = ""
    else:
        first = (exc.message or str(exc)).strip().splitlines()[0] if (exc.message or str(exc)) else "unknown"
        where = re.search(r"┌─ (\S+)", exc.diagnostic or "")
        place = f" (at {Path(where.group(1)).name} in {template_dir()})" if where else ""
        message = f"the PDF could not be typeset: {first}{place}"
        hint = "; ".join(exc.hints) if exc.hints else (
            "this is a defect of teikit's PDF template; the HTML and text outputs are unaffected")
    diag = Diagnostic(doc.display, 0, 0, Severity.ERROR, "pdf.typeset", message, hint=hint, source="typst")
    return DocumentError(diag.format(), diagnostic=diag)


def write_pdf(doc: Document, out_dir: Path, options: BuildOptions) -> Path:
    """Typeset first, then write atomically: a failed build leaves no partial PDF."""
    return fsutil.write_bytes(output_path(doc, out_dir, "pdf"), render_pdf(doc, options))
