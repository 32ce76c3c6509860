"""Facsimile images for the HTML page: the local page images a document names, embedded.

The page must open from disk with no request to any host, and its Content-Security-Policy
allows images only as data: URIs, so an image that is a file inside the project root (the
document's own folder when it lies outside any project) is read here and embedded: the
Facsimile section's images (one per page break) and the page images of the diplomatic page
view (a sourceDoc surface's graphic or @facs). An address of another host (IIIF, http) is
never fetched: the page links to it. A missing file, one outside the root (a symlink
pointing out of it included), one too large or not a PNG, JPEG, GIF or WebP image is named
in the page but not embedded.

The address of each image is computed as xslt/common/figures.xsl computes it (tk:facs-url):
the @url after the relative xml:base of its ancestors, so the stylesheet finds the image by
the same key. A relative address is resolved against the document's folder.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from teikit.load import TEI_NS, Document

MAX_IMAGE_BYTES = 8 * 1024 * 1024  # per image
MAX_TOTAL_BYTES = 64 * 1024 * 1024  # per page

_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:|/)")
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def facs_url(el: etree._Element, value: str) -> str:
    """The image address as the stylesheet keys it (tk:facs-url)."""
    url = " ".join(value.split())
    if not url or _ABSOLUTE.match(url):
        return url
    bases = []
    for anc in reversed(list(el.iterancestors())):
        base = " ".join((anc.get(_XML_BASE) or "").split())
        if base and not _ABSOLUTE.match(base):
            bases.append(base if base.endswith("/") else re.sub(r"[^/]*$", "", base))
    return "".join(bases) + url


def image_addresses(doc: Document) -> list[str]:
    """Every local image address the document names: facsimile graphics, pb/@facs files, and the
    page images of sourceDoc surfaces (their graphics and @facs files)."""
    tei = f"{{{TEI_NS}}}"
    found: list[str] = []
    for g in doc.root.iter(f"{tei}graphic"):
        if g.get("url") and any(a.tag in (f"{tei}facsimile", f"{tei}sourceDoc") for a in g.iterancestors()):
            found.append(facs_url(g, g.get("url", "")))
    facs_holders = [*doc.root.iter(f"{tei}pb"),
                    *(s for s in doc.root.iter(f"{tei}surface")
                      if any(a.tag == f"{tei}sourceDoc" for a in s.iterancestors()))]
    for el in facs_holders:
        first = (el.get("facs") or "").split()
        if first and not first[0].startswith("#"):
            found.append(facs_url(el, first[0]))
    return list(dict.fromkeys(u for u in found if u and not _ABSOLUTE.match(u)))


def media_type(head: bytes) -> str | None:
    """The media type of an image file by its first bytes (PNG, JPEG, GIF, WebP), else None."""
    for magic, media in _SIGNATURES:
        if head.startswith(magic):
            return media
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_root(doc: Document) -> Path:
    """The folder whose files the page may embed: the project root the document was loaded
    with (`load(..., project_root=...)`, the CLI's configuration root) when the document lies
    inside it, else the document's own folder."""
    return Path(doc.project_root or doc.path.parent).resolve()


def local_files(doc: Document) -> dict[str, Path]:
    """Address → file for each image address that is an existing file inside the image root
    (the build cache hashes these, so a changed image rebuilds the page)."""
    folder = doc.path.parent.resolve()
    root = image_root(doc)
    files: dict[str, Path] = {}
    for address in image_addresses(doc):
        path = (folder / unquote(address.split("#")[0].split("?")[0])).resolve()
        if path.is_relative_to(root) and path.is_file():
            files[address] = path
    return files


def readable_images(doc: Document, wanted: set[str] | None = None) -> Iterator[tuple[str, bytes, str]]:
    """(address, content, media type) of each local image file the document names (or of those
    `wanted`) that is inside the image root, an image by its first bytes, and within the limits:
    MAX_IMAGE_BYTES each, MAX_TOTAL_BYTES together. What HTML embeds and the PDF places."""
    total = 0
    for address, path in local_files(doc).items():
        if wanted is not None and address not in wanted:
            continue
        try:
            size = path.stat().st_size
            if size > MAX_IMAGE_BYTES or total + size > MAX_TOTAL_BYTES:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        media = media_type(data[:16])
        if media is None:
            continue
        total += size
        yield address, data, media


def embedded_images(doc: Document) -> dict[str, str]:
    """Address → data: URI for each image that is a readable image file inside the image root."""
    return {address: f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"
            for address, data, media in readable_images(doc)}


def images_param(doc: Document) -> str:
    """The embedded images as the JSON object the HTML stylesheet's `facsimiles` parameter reads."""
    return json.dumps(embedded_images(doc))
