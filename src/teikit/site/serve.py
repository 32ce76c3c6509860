"""`teikit site --serve`: a preview of the site on http://127.0.0.1 (never on other interfaces).

Pagefind loads its index with fetch(), which browsers refuse for file:// pages; any
static server works, this one is for looking at a build before it is deployed.
"""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the base class's mapping, extended
        **SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm", ".js": "text/javascript",
        ".pf_meta": "application/octet-stream", ".pf_fragment": "application/octet-stream",
        ".pf_index": "application/octet-stream", ".pf_filter": "application/octet-stream"}

    def log_message(self, format, *args):
        pass


def make_server(site: Path, port: int = 0) -> ThreadingHTTPServer:
    """A server for `site` on 127.0.0.1:`port` (0: any free port); call serve_forever() on it."""
    handler = functools.partial(_Quiet, directory=str(site))
    return ThreadingHTTPServer((HOST, port), handler)
