"""The PDF's XMP metadata completed from the TEI header: each author, the rights, the DOI.

Typst writes the title, the abstract (dc:description), the keywords, the language and the
dates, but folds several authors into one dc:creator entry and has no rights or identifier.
This module appends an incremental update to Typst's PDF (the bytes Typst wrote stay as they
are, the standard way to amend a PDF): a new XMP stream with one dc:creator per author, the
availability statements as dc:rights, the licence's address as xmpRights:WebStatement and the
DOI as dc:identifier; and a new document information dictionary whose Author is the first
author, since PDF/A compares Author with the first dc:creator (PDF Association TechNote 0003).
Dublin Core and XMP Rights are schemas PDF/A predefines, so no extension schema is needed.

A PDF this module does not recognise (an xref stream, a compressed XMP stream) is returned
unchanged: the metadata then lacks these fields, the file stays valid.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$", re.S)
_RIGHTS_NS = "http://ns.adobe.com/xap/1.0/rights/"


def _ref(trailer: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + key + rb"\s+(\d+)\s+0\s+R", trailer)
    return int(match.group(1)) if match else None


def _object(pdf: bytes, number: int) -> tuple[int, bytes] | None:
    """The last definition of object `number`: its offset and its body up to endobj."""
    start = pdf.rfind(b"\n%d 0 obj" % number)
    if start < 0:
        return None
    end = pdf.find(b"endobj", start)
    return (start + 1, pdf[start + 1:end]) if end > 0 else None


def inline_text(value: Any) -> str:
    """The text of a JSON inline tree of xslt/pdf.xsl (strings, and maps with content 'c')."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(inline_text(v) for v in value)
    if isinstance(value, dict):
        return inline_text(value.get("c", ""))
    return ""


def _pdf_text(text: str) -> bytes:
    """A PDF text string: UTF-16BE with a byte order mark, as a hex string."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def complete(pdf: bytes, meta: dict[str, Any]) -> bytes:
    authors = [a.get("name", "") for a in meta.get("authors", []) if a.get("name")]
    rights = [" ".join(inline_text(r).split()) for r in meta.get("rights", [])]
    rights = [r for r in rights if r]
    links = [v for r in meta.get("rights", []) if isinstance(r, list) for v in r if isinstance(v, dict)]
    licence_url = next((v.get("url", "") for v in links if v.get("t") == "link"), "")
    doi = meta.get("doi", "")
    if len(authors) < 2 and not rights and not doi:
        return pdf
    trailer_match = _TRAILER.search(pdf[-4096:])
    if not trailer_match:
        return pdf
    trailer, prev = trailer_match.group(1), int(trailer_match.group(2))
    root, info = _ref(trailer, b"Root"), _ref(trailer, b"Info")
    catalog = _object(pdf, root) if root else None
    if not catalog:
        return pdf
    meta_number = _ref(catalog[1], b"Metadata")
    stream_obj = _object(pdf, meta_number) if meta_number else None
    if not stream_obj or b"/Filter" in stream_obj[1].split(b"stream", 1)[0]:
        return pdf
    rest = stream_obj[1].partition(b"stream")[2]
    xmp = rest.strip(b"\r\n").rsplit(b"endstream", 1)[0].rstrip(b"\r\n").decode("utf-8")
    xmp = _amend(xmp, authors, rights, licence_url, doi)

    objects: list[tuple[int, bytes]] = []
    body = xmp.encode("utf-8")
    objects.append((meta_number, b"<</Length %d/Type/Metadata/Subtype/XML>>\nstream\n" % len(body)
                    + body + b"\nendstream"))
    if info is not None and len(authors) > 1:
        info_obj = _object(pdf, info)
        if info_obj:
            dictionary = info_obj[1].split(b"obj", 1)[1].strip()
            author = rb"/Author\s*(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))"
            dictionary = re.sub(author, b"", dictionary, flags=re.S)
            dictionary = dictionary[:-2] + b"/Author" + _pdf_text(authors[0]) + b">>"
            objects.append((info, dictionary))

    out = bytearray(pdf)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = []
    for number, content in sorted(objects):
        offsets.append((number, len(out)))
        out += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for number, offset in offsets:
        out += b"%d 1\n%010d 00000 n\r\n" % (number, offset)
    size = re.search(rb"/Size\s+(\d+)", trailer)
    ident = re.search(rb"/ID\s*\[[^\]]*\]", trailer)
    out += b"trailer\n<</Size " + (size.group(1) if size else b"0") + b"/Root %d 0 R" % root
    if info is not None:
        out += b"/Info %d 0 R" % info
    if ident:
        out += ident.group(0)
    out += b"/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (prev, xref)
    return bytes(out)


def _amend(xmp: str, authors: list[str], rights: list[str], licence_url: str, doi: str) -> str:
    """The XMP with one dc:creator per author, dc:rights, xmpRights and dc:identifier."""
    if len(authors) > 1:
        creators = "".join(f"<rdf:li>{escape(a)}</rdf:li>" for a in authors)
        xmp = re.sub(r"<dc:creator>.*?</dc:creator>",
                     f"<dc:creator><rdf:Seq>{creators}</rdf:Seq></dc:creator>", xmp, count=1, flags=re.S)
    added = ""
    if rights:
        statement = escape(" ".join(rights))
        added += (f'<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{statement}</rdf:li></rdf:Alt>'
                  "</dc:rights>")
        added += "<xmpRights:Marked>True</xmpRights:Marked>"
        if licence_url:
            added += f"<xmpRights:WebStatement>{escape(licence_url)}</xmpRights:WebStatement>"
    if doi:
        added += f"<dc:identifier>{escape('https://doi.org/' + doi)}</dc:identifier>"
    if added:
        xmp = xmp.replace("<rdf:Description ", f'<rdf:Description xmlns:xmpRights="{_RIGHTS_NS}" ', 1)
        xmp = xmp.replace("</rdf:Description>", added + "</rdf:Description>", 1)
    return xmp
