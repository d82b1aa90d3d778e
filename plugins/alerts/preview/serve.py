"""Serve a built site on 127.0.0.1 as a static host would, for previews and tests."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Files from the output folder; a missing page gets the site's own 404.html."""

    def page(self, body: bytes) -> bytes:
        """The bytes of an HTML page as sent; the devserver's handler adds its script."""
        return body

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = self.page(page.read_bytes())
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None


def site_server(directory: Path, port: int,
                handler: type[SiteHandler] = SiteHandler) -> http.server.ThreadingHTTPServer:
    """A server for `directory`, looked up per request: a build that swaps the folder is
    served at once."""
    return http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
