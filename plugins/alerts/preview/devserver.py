"""The devserver's HTTP side: the built site, plus live reload and a build-error overlay.

Every HTML page it serves gets one extra line before `</body>`,
`<script src="/__devserver/live.js" data-build="N"></script>`, where N counts the builds
swapped into the output folder. The script (devserver.js, served from this package and
never written into the output folder, so `make html` and `make publish` cannot ship it)
listens to `/__devserver/events`, a Server-Sent Events stream that sends the state of
the newest build each time a build ends. A newer good build reloads the tab; a failed
one shows its problems over the page. Both requests are same-origin, which the site's
Content-Security-Policy allows (script-src 'self', and connect-src falls back to
default-src 'self'), so the published policy needs no exception.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import threading
from pathlib import Path

from alerts.build.staging import BuildResult
from alerts.preview.serve import SiteHandler

PREFIX = "/__devserver/"
SCRIPT = Path(__file__).with_name("devserver.js")
#: How often an idle event stream sends a comment, so that closed tabs are noticed.
KEEPALIVE_SECONDS = 15


def problem_lines(result: BuildResult) -> list[str]:
    """What the terminal prints for a build, one line per problem, in the same order."""
    return [str(p) for p in result.warnings + result.errors] + \
        [f"error: {failure}" for failure in result.failures]


class BuildNews:
    """What the open tabs are told, shared by the rebuild loop and the request threads.

    `site` counts the good builds swapped in (the number a page was served with);
    `attempt` counts every build, so a failure is news too.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.site = 0
        self.attempt = 0
        self.ok = True
        self.problems: list[str] = []
        self.closed = False

    def publish(self, result: BuildResult) -> None:
        with self._changed:
            self.attempt += 1
            self.site += 1 if result.ok else 0
            self.ok = result.ok
            self.problems = [] if result.ok else problem_lines(result)
            self._changed.notify_all()

    def close(self) -> None:
        """Ends every event stream, so the server stops without waiting for tabs."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def state(self) -> dict:
        return {"site": self.site, "attempt": self.attempt, "ok": self.ok,
                "problems": list(self.problems)}

    def next_state(self, seen: int | None, timeout: float) -> dict | None:
        """The state once a build other than `seen` has ended (at once for a new
        listener), or the current state after `timeout`; None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self.attempt != seen, timeout)
            return None if self.closed else self.state()


class DevHandler(SiteHandler):
    """The site's handler, plus the devserver's two paths, the script in every page and
    no caching: a reload must show the new build, stylesheets included."""

    server: DevServer
    _site = 0  # the build a page is served from; set as each request starts

    def do_GET(self):
        if not self._own_path():
            super().do_GET()

    def do_HEAD(self):
        if not self._own_path():
            super().do_HEAD()

    def _own_path(self) -> bool:
        """Answers the devserver's own paths; False for the site's."""
        self._site = self.server.news.site  # before the page is read: never too new
        path = self.path.split("?", 1)[0]
        if path == PREFIX + "live.js":
            self._send(SCRIPT.read_bytes(), "text/javascript; charset=utf-8")
        elif path == PREFIX + "events" and self.command == "GET":
            self._events()
        else:
            return False
        return True

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def page(self, body: bytes) -> bytes:
        tag = f'<script src="{PREFIX}live.js" data-build="{self._site}"></script>\n'.encode()
        end = body.lower().rfind(b"</body>")
        return body + tag if end < 0 else body[:end] + tag + body[end:]

    def send_head(self):
        """HTML files go through `page`; everything else as SimpleHTTPRequestHandler
        sends it (folders without a slash are redirected there)."""
        url_path = self.path.split("?", 1)[0].split("#", 1)[0]
        file = Path(self.translate_path(self.path))
        if file.is_dir() and url_path.endswith("/"):
            file = file / "index.html"
        if file.suffix not in (".html", ".htm") or not file.is_file():
            return super().send_head()
        try:
            body = self.page(file.read_bytes())
        except OSError:  # removed by a build swapped in since is_file()
            self.send_error(404)
            return None
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def send_error(self, code, message=None, explain=None):
        # http.server's own error page (no 404.html yet: the first build failed) carries
        # the script too, so the tab still shows the problems and reloads once it builds.
        base = http.server.BaseHTTPRequestHandler.error_message_format
        self.error_message_format = self.page(base.encode()).decode()
        return super().send_error(code, message, explain)

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = None
        try:
            while (state := self.server.news.next_state(seen, KEEPALIVE_SECONDS)) is not None:
                if state["attempt"] == seen:
                    self.wfile.write(b": waiting for the next build\n\n")
                else:
                    seen = state["attempt"]
                    self.wfile.write(f"data: {json.dumps(state)}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the tab was closed or reloaded

    def log_request(self, code="-", size="-"):
        pass  # a line per request would bury the build problems; errors (404s) still show


class DevServer(http.server.ThreadingHTTPServer):
    """The output folder on 127.0.0.1:`port`, looked up per request as in serve.py, and
    the news of the builds; start it with serve_forever()."""

    def __init__(self, directory: Path, port: int, news: BuildNews) -> None:
        self.news = news
        super().__init__(("127.0.0.1", port),
                         functools.partial(DevHandler, directory=str(directory)))
