"""What the browser gates and `make screenshots` share: a local static server, Debian's
Chromium launched the one way that works here, and a map of the built site's page types."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from bs4 import BeautifulSoup

from alerts.build.staging import load_settings
from alerts.preview.serve import SiteHandler
from alerts.site.urls import SiteURLs

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
CHROMIUM = "/usr/bin/chromium"
#: Flags for Debian's Chromium as root in a container, with nothing phoning home: the
#: browser's own background traffic would otherwise look like requests leaving the site.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}

#: Page types every gate visits. The alert kinds are found in the built site
#: (see `page_types`), so the sample content can change without editing the tests.
PAGE_TYPES = ["open", "closing", "closed", "no-deadline", "translation", "acts", "home",
              "archive", "victories", "tag", "tags", "target", "targets", "about", "404",
              "embed", "embed-list", "fediverse", "search"]


class _Handler(SiteHandler):
    """The site's own handler (a missing path gets 404.html with status 404), quiet; each
    request, as received (request line and headers), goes to its server's request log."""

    request_log: list[str] | None = None

    def parse_request(self):
        parsed = super().parse_request()
        if self.request_log is not None:
            line = self.raw_requestline.decode("latin-1").rstrip("\r\n")
            self.request_log.append(f"{line}\n{self.headers or ''}")
        return parsed

    def log_message(self, format, *args):
        pass


class StaticServer:
    """An HTTP server on 127.0.0.1 and a free port, bound at once so that its origin is
    known before the site it serves is built (a build with SITEURL needs it). `requests`
    holds every request it received, as received: the request line, then the headers."""

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory) if directory else None
        self.requests: list[str] = []
        self._handler = type("_LoggingHandler", (_Handler,), {"request_log": self.requests})
        handler = functools.partial(self._handle)
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    def _handle(self, *args, **kwargs):
        if self.directory is None:
            raise RuntimeError("StaticServer: set .directory before serving")
        return self._handler(*args, directory=str(self.directory), **kwargs)

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "") -> str:
        return f"{self.origin}/{path.lstrip('/')}"

    def start(self) -> StaticServer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread:
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()


@contextmanager
def serving(directory: Path):
    server = StaticServer(directory).start()
    try:
        yield server
    finally:
        server.stop()


def launch(playwright, **options):
    """Debian's Chromium; `playwright install` is never needed (nor possible offline)."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True, **options)


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def alert_pages(output: Path) -> dict[str, dict]:
    """Every built alert page (URL path → state, deadline and language), in slug order."""
    found = {}
    for index in sorted((output / "alerts").glob("*/index.html")):
        soup = _soup(index)
        article = soup.find(attrs={"data-alert": True})
        if article is None:
            continue
        time = soup.select_one(".deadline time[datetime]")
        found[index.parent.relative_to(output).as_posix() + "/"] = {
            "state": article["data-state"],
            "deadline": time["datetime"] if time else None,
            "lang": soup.html.get("lang", "en"),
            "image": soup.select_one(".photo img") is not None,
            # The act on the page (partials/acts.html): a call, email or letter section.
            "acts": soup.select_one("section[data-act]") is not None,
        }
    return found


def page_types(output: Path) -> dict[str, str]:
    """Page type → URL path (relative to the site root) of one built page of that type.

    For each alert kind the first alert in slug order is taken; an open alert is one
    with a deadline still more than the closing window away, and "acts" is the first
    alert with an act on the page (a call, email or letter section).
    """
    alerts = alert_pages(output)

    def first(kind: str, test) -> str:
        for path, info in alerts.items():
            if test(info):
                return path
        raise AssertionError(f"the built site has no {kind} alert page; the browser "
                             "gates need one of each (open, closing, closed, no deadline)")

    def first_translation() -> str:
        pages = [p for p in sorted((output / "alerts").glob("*/*/index.html"))
                 if _soup(p).find(attrs={"data-alert": True})]  # not an alert's embed
        assert pages, "the built site has no translated alert page (alerts/<slug>/<lang>/)"
        return pages[0].parent.relative_to(output).as_posix() + "/"

    def first_dir(folder: str) -> str:
        pages = sorted((output / folder).glob("*/index.html"))
        assert pages, f"the built site has no page under {folder}/"
        return pages[0].parent.relative_to(output).as_posix() + "/"

    types = {
        "open": first("open", lambda i: i["state"] == "open" and i["deadline"]),
        "closing": first("closing", lambda i: i["state"] == "closing"),
        "closed": first("closed", lambda i: i["state"] == "closed"),
        "no-deadline": first("no-deadline", lambda i: not i["deadline"]),
        "translation": first_translation(),
        "acts": first("acts", lambda i: i["acts"]),
        "home": "",
        "archive": "archive/",
        "victories": "victories/",
        "tag": first_dir("tags"),
        "tags": "tags/",
        "target": first_dir("targets"),
        "targets": "targets/",
        "about": "about/",
        "404": "404.html",
    }
    # What partner sites frame (plugins/alerts/site/embeds.py): the open alert's embed,
    # and every open alert's.
    types["embed"] = SiteURLs.embed_of(types["open"])
    urls = SiteURLs(load_settings(ROOT / "pelicanconf.py"))
    types["embed-list"] = urls.embed_open_alerts
    # The page that sends a share to the visitor's fediverse server (sharing.fediverse).
    types["fediverse"] = urls.share_fediverse
    types["search"] = urls.search  # in the site's language (plugins/alerts/site/search.py)
    for kind, path in types.items():
        file = output / (path + "index.html" if path == "" or path.endswith("/") else path)
        assert file.is_file(), f"{kind}: {file} was not built"
    return types


def env_with(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}
