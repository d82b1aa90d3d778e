"""`make devserver` without a browser: the live script is served but never built, the
build events, the SITEURL warning said once, Ctrl-C, and the watcher's one-more-build.
The tab itself (reload, overlay) is driven in tests/browser/test_devserver.py."""

from __future__ import annotations

import http.client
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest
from bs4 import BeautifulSoup

from alerts.preview.rebuilds import Changes, config_files
from alerts.site.headers import CONTENT_SECURITY_POLICY
from tests.conftest import EPOCH, MINIMAL_ALERT, ROOT, run_cli, write_files

#: The alert every devserver test starts from; its own slug keeps its URL when the title
#: is edited.
ALERT = MINIMAL_ALERT.replace("title: ", "slug: clinic\ntitle: ", 1)
ALERT_FILE = "alerts/clinic.md"
ALERT_PAGE = "alerts/clinic/"
SITEURL_WARNING = "sharing: SITEURL is empty"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Devserver:
    """`python -m alerts devserver` as `make devserver` runs it, on a one-alert site in
    `root`, with its terminal output in a file the test reads as it grows."""

    def __init__(self, root: Path, settings: Path = ROOT / "pelicanconf.py"):
        self.root, self.content, self.output = root, root / "content", root / "output"
        self.settings = settings
        self.alert = self.content / ALERT_FILE
        self.port = _free_port()
        self.log = root / "devserver.log"
        write_files(self.content, {ALERT_FILE: ALERT})
        self.process: subprocess.Popen | None = None

    def start(self) -> Devserver:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "PYTHONUNBUFFERED": "1",
               "SOURCE_DATE_EPOCH": str(EPOCH)}
        with open(self.log, "w") as log:
            # From the site's folder, so problems name content/alerts/clinic.md.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "alerts", "devserver", "-s", str(self.settings),
                 "-i", "content", "-o", "output", "--port", str(self.port)],
                cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.wait_for("Serving at")
        return self

    def text(self) -> str:
        return self.log.read_text("utf-8")

    def wait_for(self, text: str, count: int = 1, timeout: float = 60) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            log = self.text()
            if log.count(text) >= count:
                return log
            if self.process.poll() is not None:
                pytest.fail(f"the devserver exited ({self.process.returncode}):\n{log}")
            time.sleep(0.1)
        pytest.fail(f"no {count}× {text!r} from the devserver in {timeout} s:\n{self.text()}")

    def edit(self, old: str, new: str) -> None:
        text = self.alert.read_text("utf-8")
        assert old in text
        self.alert.write_text(text.replace(old, new, 1), "utf-8")

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def stop(self) -> int:
        """Ctrl-C, as a person stops it; killed if it does not stop."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@pytest.fixture
def devserver(tmp_path):
    server = Devserver(tmp_path)
    try:
        yield server.start()
    finally:
        server.stop()


def _files_mentioning(folder: Path, text: bytes) -> list[str]:
    return [str(p.relative_to(folder)) for p in folder.rglob("*")
            if p.is_file() and text in p.read_bytes()]


def test_only_served_pages_carry_the_live_script(devserver, tmp_path):
    with urlopen(devserver.url(ALERT_PAGE), timeout=10) as response:
        page = response.read().decode()
    assert '<script src="/__devserver/live.js" data-build="1"></script>\n</body>' in page
    # The published policy is served unchanged: it allows the same-origin script.
    csp = BeautifulSoup(page, "html.parser").find("meta", {"http-equiv": "Content-Security-Policy"})
    assert csp["content"] == CONTENT_SECURITY_POLICY
    with urlopen(devserver.url("__devserver/live.js"), timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/javascript")
        assert response.read() == (ROOT / "plugins/alerts/preview/devserver.js").read_bytes()

    assert (devserver.output / ALERT_PAGE / "index.html").is_file()
    assert _files_mentioning(devserver.output, b"__devserver") == []
    built = tmp_path / "html-output"  # as `make html` builds it
    result = run_cli("build", "-s", str(ROOT / "pelicanconf.py"), "-i", str(devserver.content),
                     "-o", str(built), "--no-pdf", env={"SOURCE_DATE_EPOCH": str(EPOCH)})
    assert result.returncode == 0, result.stderr
    assert (built / ALERT_PAGE / "index.html").is_file()
    assert _files_mentioning(built, b"__devserver") == []


def _events(server: Devserver):
    """The build events, parsed, as a tab's EventSource receives them."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("GET", "/__devserver/events")
    response = connection.getresponse()
    assert response.headers["Content-Type"] == "text/event-stream"
    try:
        while line := response.readline():
            if line.startswith(b"data: "):
                yield json.loads(line[6:])
    finally:
        connection.close()


def test_events_tell_of_a_failed_build_and_of_the_fix(devserver):
    events = _events(devserver)
    assert next(events) == {"site": 1, "attempt": 1, "ok": True, "problems": []}

    devserver.edit("deadline: 2026-12-20T17:00", "deadline: this Friday")
    failed = next(events)
    assert (failed["site"], failed["ok"]) == (1, False)
    line = ALERT.splitlines().index("deadline: 2026-12-20T17:00") + 1
    assert any(p.startswith(f"content/alerts/clinic.md:{line}: deadline: ")
               for p in failed["problems"]), failed
    assert f"content/alerts/clinic.md:{line}: deadline: " in devserver.text()  # terminal too

    devserver.edit("deadline: this Friday", "deadline: 2026-12-20T17:00")
    fixed = next(events)
    assert (fixed["site"], fixed["ok"], fixed["problems"]) == (2, True, [])


def test_siteurl_warning_is_said_once_across_rebuilds(devserver):
    devserver.edit("title: Tell", "title: Please tell")
    devserver.wait_for("Rebuilt.", count=2)
    devserver.edit("title: Please tell", "title: Do tell")
    log = devserver.wait_for("Rebuilt.", count=3)
    assert log.count(SITEURL_WARNING) == 1, log


def test_a_settings_file_saved_half_edited_fails_one_build_only(tmp_path):
    settings = tmp_path / "devsite.py"
    good = (f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
            f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n")
    settings.write_text(good + "SITENAME = 'Before'\n")
    server = Devserver(tmp_path, settings)
    try:
        server.start()
        settings.write_text(good + "SITENAME = (\n")
        log = server.wait_for("Build failed;")
        assert f"error: {settings}: line " in log and "fix the Python syntax there" in log
        settings.write_text(good + "SITENAME = 'After'\n")
        server.wait_for("Rebuilt.", count=2)
        assert "After" in (server.output / ALERT_PAGE / "index.html").read_text("utf-8")
    finally:
        server.stop()


def test_ctrl_c_stops_cleanly(devserver):
    assert devserver.stop() == 0
    log = devserver.text()
    assert "Stopped." in log
    assert "Traceback" not in log, log


def test_a_change_during_a_build_means_one_more_build(tmp_path):
    content, settings = tmp_path / "content", tmp_path / "site.py"
    content.mkdir()
    settings.write_text("SITENAME = 'A'\n")
    changes = Changes([content], {settings})
    try:
        time.sleep(0.5)  # the watchers start in their own threads
        (content / "a.md").write_text("one")
        assert changes.wait(timeout=10)
        assert not changes.take_settings_changed()
        # The caller is building now; three saves arrive meanwhile.
        for text in ("two", "three", "four"):
            (content / "a.md").write_text(text)
            time.sleep(0.1)
        time.sleep(1)
        assert changes.wait(timeout=10)  # one more build…
        assert not changes.wait(timeout=1.5)  # …and only one
        settings.write_text("SITENAME = 'B'\n")
        assert changes.wait(timeout=10)
        assert changes.take_settings_changed()
    finally:
        changes.stop()


def test_config_files_are_the_settings_and_what_they_import(tmp_path):
    tmp_path = tmp_path.resolve()
    (tmp_path / "pelicanconf.py").write_text("SITENAME = 'A'\n")
    (tmp_path / "publishconf.py").write_text("from pelicanconf import *\nimport local\n")
    (tmp_path / "local.py").write_text("")
    (tmp_path / "unrelated.py").write_text("")
    expected = {tmp_path / name for name in ("pelicanconf.py", "publishconf.py", "local.py")}
    assert config_files(tmp_path / "publishconf.py") == expected
    assert config_files(tmp_path / "pelicanconf.py") == expected - {tmp_path / "local.py"}


def test_the_collector_waits_until_the_tabs_have_reloaded(tmp_path, monkeypatch):
    """The devserver's builds run without Python's cycle collector (its passes over a large
    site's objects hold every thread, the news to the tabs too) and leave it off until a
    second passes without a change; a quicker save has the last build's garbage collected
    before it builds, and stopping turns the collector back on, after a failed build too."""
    import argparse
    import gc

    import alerts.__main__ as cli
    import alerts.preview.rebuilds as rebuilds

    events = []
    monkeypatch.setattr(gc, "collect", lambda *a: events.append("collect") or 0)

    def failing_build(settings):
        events.append(("build", gc.isenabled()))
        raise OSError(28, "No space left on device")

    class Saves:
        """Changes as a writer makes them: a save, a pause, two quick saves, Ctrl-C."""
        def __init__(self, folders, files):
            self.script = [(1.0, False), (None, True), (1.0, True), (1.0, None)]
            self.stopped = False

        def wait(self, timeout=None):
            expected, answer = self.script.pop(0)
            events.append(("wait", timeout, gc.isenabled()))
            assert timeout == expected
            if answer is None:
                raise KeyboardInterrupt
            return answer

        def take_settings_changed(self):
            return False

        def stop(self):
            events.append("stop")

    monkeypatch.setattr(cli, "build", failing_build)
    monkeypatch.setattr(rebuilds, "Changes", Saves)
    args = argparse.Namespace(settings=str(ROOT / "pelicanconf.py"), input=str(tmp_path),
                              output=str(tmp_path / "out"), no_pdf=True, preview=True)
    told = []
    assert gc.isenabled()
    assert cli._watch(args, on_built=lambda result: told.append((result, gc.isenabled()))) == 0
    assert gc.isenabled()
    assert events == [
        ("build", False),                        # the first build
        ("wait", 1.0, False), "collect",         # a second without a change: collected
        ("wait", None, True), ("build", False),  # a save
        ("wait", 1.0, False), "collect",         # a quick save: collected, then built
        ("build", False),
        ("wait", 1.0, False), "stop",            # Ctrl-C
    ]
    assert [enabled for _, enabled in told] == [False, False, False]
    # The terminal says every warning again, as it did before the session.
    assert not [f for h in logging.getLogger().handlers for f in h.filters
                if isinstance(f, rebuilds.OnceOnly)]
    assert not told[0][0].ok and "No space left on device" in told[0][0].failures[0]
