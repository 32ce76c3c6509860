"""Property-based: whatever bytes arrive, the pipeline answers with a result or a clear error.

Hypothesis generates random TEI-like documents (well-formed ones, and the same
documents broken in typical ways) and random bytes. For each, loading,
validating and building plain text and HTML either succeed or fail with
teikit's own errors (DocumentError/InputError, or diagnostics); no other
exception escapes, no output is left half-written and the source is untouched.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teikit.diagnostics import Diagnostic
from teikit.errors import DocumentError, InputError
from teikit.load import load
from teikit.validate import ValidationOptions, Validator
from teikit.write import build_document

TEI_NS = "http://www.tei-c.org/ns/1.0"
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Text that stresses escaping and encodings: markup characters, entities, non-Latin scripts,
# bidi controls, astral characters; only characters XML 1.0 allows.
xml_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff",
                          min_codepoint=0x09).filter(
    lambda c: c in "\t\n\r" or ord(c) >= 0x20)
texts = st.text(xml_chars, max_size=40) | st.sampled_from(
    ["<script>", "&amp;", "#set", "\\", "]]>", "\u202e", "\U0001f600", "G\u0259nc\u0259",
     "\u041a\u0430\u0440\u0430\u0431\u0430\u0445"])
INLINE = ["hi", "persName", "placeName", "date", "note", "foreign", "ref", "lb", "pb", "unknownThing"]
attrs = st.dictionaries(st.sampled_from(["rend", "ref", "n", "when", "xml:id", "target", "facs"]),
                        texts, max_size=2)


def element(name: str, attributes: dict[str, str], content: str) -> str:
    rendered = "".join(f" {k}={quoteattr(v)}" for k, v in attributes.items())
    return f"<{name}{rendered}>{content}</{name}>"


inline = st.recursive(
    texts.map(escape),
    lambda inner: st.builds(element, st.sampled_from(INLINE), attrs,
                            st.lists(inner, max_size=3).map("".join)),
    max_leaves=8,
)
paragraphs = st.lists(inline, min_size=0, max_size=4).map(lambda xs: "".join(f"<p>{x}</p>" for x in xs))
divisions = st.recursive(
    paragraphs,
    lambda inner: st.builds(lambda head, body: f"<div><head>{escape(head)}</head>{body}</div>", texts,
                            st.lists(inner, max_size=3).map("".join)),
    max_leaves=4,
)


@st.composite
def tei_documents(draw) -> bytes:
    title = escape(draw(texts))
    body = draw(divisions) or "<p/>"
    text = (f'<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc>'
            f"<titleStmt><title>{title}</title><author>An Author</author></titleStmt>"
            "<publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc>"
            f"</fileDesc></teiHeader><text><body>{body}</body></text></TEI>\n")
    return text.encode("utf-8")


@st.composite
def broken_documents(draw) -> bytes:
    """A well-formed document damaged the way real files get damaged."""
    data = draw(tei_documents())
    damage = draw(st.sampled_from(["truncate", "insert", "delete", "encoding", "doctype", "namespace"]))
    at = draw(st.integers(0, len(data)))
    if damage == "truncate":
        return data[:at]
    if damage == "insert":
        return data[:at] + draw(st.sampled_from([b"<", b"&", b"&bogus;", b"</p>", b"\x00", b"\xff", b"]]>",
                                                 b"<!--", b"<?pi"])) + data[at:]
    if damage == "delete":
        return data[:at] + data[at + draw(st.integers(1, 20)):]
    if damage == "encoding":
        return data.decode("utf-8").encode(draw(st.sampled_from(["utf-16", "latin-1", "cp1252"])),
                                           errors="replace")
    if damage == "doctype":
        decl = draw(st.sampled_from([
            '<!DOCTYPE TEI [<!ENTITY e "entity text">]>',
            '<!DOCTYPE TEI [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
            '<!DOCTYPE TEI SYSTEM "http://127.0.0.1:9/tei.dtd">',
            '<!DOCTYPE TEI [<!ENTITY % p SYSTEM "/etc/passwd"> %p;]>',
        ]))
        return data.replace(b"<TEI ", decl.encode() + b"<TEI ", 1).replace(b"An Author", b"&e;")
    return data.replace(TEI_NS.encode(), b"http://example.org/not-tei", 1)


def check_pipeline(data: bytes) -> None:
    """Load, validate and build one document; only teikit's own errors may come out."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.xml"
        source.write_bytes(data)
        out = Path(folder) / "out"
        diagnostics = Validator(ValidationOptions()).validate_path(source)
        assert all(isinstance(d, Diagnostic) for d in diagnostics)
        try:
            doc = load(source)
        except (DocumentError, InputError) as exc:
            assert exc.message and "Traceback" not in exc.message
            assert diagnostics, "validation must report what loading refuses"
        else:
            for fmt in ("txt", "html"):
                try:
                    written = build_document(doc, out, [fmt])
                except DocumentError:
                    written = []
                except ModuleNotFoundError:  # a writer not installed yet
                    continue
                for path in written:
                    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
                    assert all(p.stat().st_size > 0 for p in files)
            if out.exists():
                assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")], "partial output left"
        assert hashlib.sha256(source.read_bytes()).digest() == hashlib.sha256(data).digest()


@SETTINGS
@given(tei_documents())
def test_well_formed_tei_goes_through_the_pipeline(data):
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.xml"
        source.write_bytes(data)
        doc = load(source)  # generated documents are well-formed TEI: loading must succeed
        assert doc.is_tei
    check_pipeline(data)


@SETTINGS
@given(broken_documents())
def test_broken_tei_gives_only_teikit_errors(data):
    check_pipeline(data)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.binary(max_size=300) | st.binary(max_size=40).map(lambda b: b"<TEI>" + b))
def test_random_bytes_give_only_teikit_errors(data):
    check_pipeline(data)
