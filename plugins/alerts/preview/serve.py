"""Serve a built site on 127.0.0.1 as a static host would, for previews and tests: with
the headers its `_headers` file gives (as Cloudflare Pages and Netlify read it), so that
what only a header can do — `frame-ancestors` above all — works here as it will there."""

from __future__ import annotations

import functools
import http.server
import re
from pathlib import Path

from alerts.site.headers import HEADERS_FILE, path_regex


def read_rules(text: str) -> list[tuple[re.Pattern, list[tuple[str, str | None]]]]:
    """`_headers` as (path pattern, [(name, value)]) in file order; a value of None is a
    `! Name` line, which drops a header an earlier rule set."""
    rules: list = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():  # a rule's path: `*` anything, `:name` one segment
            rules.append((re.compile(path_regex(line.strip())), []))
        elif rules and line.strip().startswith("!"):
            rules[-1][1].append((line.strip()[1:].strip(), None))
        elif rules and ":" in line:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def headers_for(rules, path: str) -> dict[str, str]:
    """The headers of `path` as Cloudflare Pages applies `_headers`: every rule whose path
    matches, in file order; in each, its `! Name` lines first, which drop a header earlier
    rules set, then its values. A header set again is joined with a comma, as there: for
    a Content-Security-Policy that means both policies apply, so a rule that loosens one
    must detach it first (alerts.site.headers does)."""
    found: dict[str, tuple[str, list[str]]] = {}  # by lower-case name: (name, values)
    for pattern, headers in rules:
        if not pattern.match(path):
            continue
        for name, value in headers:
            if value is None:
                found.pop(name.lower(), None)
        for name, value in headers:
            if value is not None:
                found.setdefault(name.lower(), (name, []))[1].append(value)
    return {name: ", ".join(values) for name, values in found.values()}


def site_rules(rules_file: Path) -> list:
    """The rules of a site's `_headers`, read again only when a build has replaced it
    (not on every request: a page and its stylesheets, scripts and photos are many)."""
    try:
        stat = rules_file.stat()
    except OSError:
        return []
    return _parsed(str(rules_file), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _parsed(path: str, mtime_ns: int, size: int) -> list:
    return read_rules(Path(path).read_text("utf-8"))


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Files from the output folder, with their `_headers` headers; a missing page gets
    the site's own 404.html. The `_headers` file itself is not served, as on those hosts."""

    def end_headers(self):
        rules = site_rules(Path(self.directory) / HEADERS_FILE)
        if rules:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            for name, value in headers_for(rules, path).items():
                self.send_header(name, value)
        super().end_headers()

    def send_head(self):
        if self.path.split("?", 1)[0].rstrip("/") == "/" + HEADERS_FILE:
            self.send_error(404)
            return None
        return super().send_head()

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
