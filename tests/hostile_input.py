"""Documents made to order for the hostile-input tests and for bench/hostile.py (no pytest here)."""

from __future__ import annotations

from pathlib import Path

TEI_NS = "http://www.tei-c.org/ns/1.0"
HEADER = ("<teiHeader><fileDesc><titleStmt><title>Hostile</title><author>A. Tester</author></titleStmt>"
          "<publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p></sourceDesc></fileDesc></teiHeader>")


def tei(body: str, doctype: str = "") -> str:
    """A minimal TEI document around `body`, with an optional DOCTYPE before the root."""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<TEI xmlns="{TEI_NS}">{HEADER}' \
           f"<text><body>{body}</body></text></TEI>\n"


def write_big(path: Path, megabytes: int) -> None:
    """A well-formed TEI file of about `megabytes` MB of paragraphs, written without holding it in memory."""
    para = b"<p>Lorem ipsum dolor sit amet, <hi>consectetur</hi> adipiscing elit, sed do eiusmod.</p>\n"
    head, tail = tei("@@").encode().split(b"@@")
    with open(path, "wb") as handle:
        handle.write(head)
        chunk = para * 10_000
        for _ in range(megabytes * 1024 * 1024 // len(chunk) + 1):
            handle.write(chunk)
        handle.write(tail)
