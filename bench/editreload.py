"""Time the live preview: from saving an alert to the devserver's tab showing it.

`python -m alerts devserver` (PDFs off, as `make devserver`) runs in the work folder with
its own output and a copy of the site's caches. Each run saves one alert with a new title
(written elsewhere and renamed over it, as editors save) and times two moments from the save:
the event stream (`/__devserver/events`, which devserver.js listens to) announcing the new
good build, and the alert's page, fetched again as the tab then does, showing the title.
Each save comes READING seconds after the last build's news at the soonest.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from corpus import EPOCH
from measure import Measurement, TreeSampler
from sites import (
    PYTHON,
    ROOT,
    BuildFailed,
    Run,
    Workdir,
    count_html,
    html_digests,
    load_average,
    read_cards,
    read_log,
    settle,
)

EVENTS = "/__devserver/events"
#: Seconds to wait for the first build (a whole site, cards cached) and for a rebuild.
FIRST_BUILD, REBUILD = 900, 300
#: Seconds from one build's news to the next save at the soonest: a writer looks at the
#: page before saving again. The devserver collects a build's garbage once it has been
#: idle a second (alerts.__main__.COLLECT_WHEN_IDLE); a save sooner than that waits
#: for the collection, 0.1–0.2 s at N=1000.
READING = 2.0


def time_reloads(work: Workdir, edited: Path, runs: int,
                 done: Callable[[int, Run], None]) -> list[Run]:
    """Start the devserver, time `runs` title edits of the alert file `edited`, restore
    it, stop the server; `done(i, run)` hears of each run as it ends."""
    cache = work.root / "cache-dev"
    shutil.rmtree(cache, ignore_errors=True)
    # The site's cards and photos, not its PDFs: the devserver makes none.
    shutil.copytree(work.cache, cache, ignore=lambda folder, _names:
                    ["pdfs"] if Path(folder) == work.cache else [])
    conf = work.conf("devserver", cache=cache, publish=False)
    original = edited.read_text("utf-8")
    slug = re.search(r"^slug: (\S+)", original, re.MULTILINE).group(1)
    results = []
    with Devserver(work, conf, cache) as server:
        server.get(f"/alerts/{slug}/")  # the first build is served
        for i in range(runs):
            title = f"Live {i + 1}: "
            result = server.edit(edited, original.replace('title: "', f'title: "{title}', 1),
                                 f"/alerts/{slug}/", title.encode(), slug)
            results.append(result)
            done(i, result)
        server.edit(edited, original, f"/alerts/{slug}/", None, slug)
    return results


class Devserver:
    """One devserver process, its event stream read in a thread, its terminal in a log."""

    def __init__(self, work: Workdir, conf: Path, cache: Path) -> None:
        self.work, self.conf, self.cache = work, conf, cache
        self.output = work.root / "out-dev"
        self.log = work.root / "logs" / "devserver.log"
        self.states: list[tuple[float, dict]] = []  # (perf_counter when read, the state)
        self._news = threading.Condition()

    def __enter__(self) -> Devserver:
        shutil.rmtree(self.output, ignore_errors=True)
        self.port = _free_port()
        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "PYTHONUNBUFFERED": "1",
               "SOURCE_DATE_EPOCH": str(EPOCH)}
        argv = [PYTHON, "-m", "alerts", "-v", "devserver", "-s", str(self.conf),
                "-i", str(self.work.corpus.alerts), "-o", str(self.output),
                "--port", str(self.port)]
        with open(self.log, "w", encoding="utf-8") as log:
            self.process = subprocess.Popen(argv, env=env, cwd=self.work.root, stdout=log,
                                            stderr=subprocess.STDOUT)
        self.sampler = TreeSampler(self.process.pid)
        self.sampler.start()
        threading.Thread(target=self._listen, args=(self._connect(),), daemon=True).start()
        self._wait(0, FIRST_BUILD)
        return self

    def __exit__(self, *_exc) -> None:
        """Ctrl-C, as a writer stops it; killed only if it has not ended in a minute."""
        self.sampler.stop()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def edit(self, file: Path, text: str, page: str, expect: bytes | None, slug: str) -> Run:
        """Save `text` into `file` and time it until the event and until `page` holds
        `expect` (None: only wait for the build)."""
        with self._news:
            told, state = self.states[-1]
            attempt = state["attempt"]
        cards = self.cache / "cards" / "manifest.json"
        cards_before = cards.stat().st_mtime_ns if cards.exists() else 0
        pages_before = html_digests(self.output)
        log_start = self.log.stat().st_size
        saved = self.work.root / f".{file.name}.saving"  # outside the watched folders
        saved.write_text(text, "utf-8")
        settle(self.work.root)  # the last rebuild's old site is gone
        time.sleep(max(0.0, told + READING - time.perf_counter()))
        start = time.perf_counter()
        os.replace(saved, file)
        event = self._wait(attempt, REBUILD)[0] - start
        if expect is None:
            return Run(Measurement(event, 0, 0, 0, ""))
        end = time.monotonic() + REBUILD
        while expect not in self.get(page):  # the tab reloads on the event: one request
            if time.monotonic() > end:  # should do; more mean the page lagged the event
                raise BuildFailed(f"{page} never showed {expect!r}; see {self.log}")
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        with open(self.log, encoding="utf-8", errors="replace") as log:
            log.seek(log_start)
            segment = log.read()
        result = Run(Measurement(seconds, _peak_rss_mb(self.process.pid),
                                 self.sampler.peak / 2**20, 0, segment),
                     load=load_average(), event_seconds=round(event, 3))
        read_cards(result, cards, cards_before)
        read_log(result, segment)
        count_html(result, pages_before, html_digests(self.output), slug)
        return result

    def get(self, path: str) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise BuildFailed(f"the devserver answered {response.status} for {path}")
        return body

    def _connect(self) -> http.client.HTTPResponse:
        """The event stream, once the server listens (it does before its first build)."""
        end = time.monotonic() + 60
        while True:
            self._check_alive()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port)
                connection.request("GET", EVENTS)
                return connection.getresponse()
            except OSError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.1)

    def _listen(self, stream: http.client.HTTPResponse) -> None:
        while line := stream.readline():  # b"" once the server closes the stream
            if line.startswith(b"data: "):
                state = json.loads(line[len(b"data: "):])
                with self._news:
                    self.states.append((time.perf_counter(), state))
                    self._news.notify_all()

    def _wait(self, attempt: int, timeout: float) -> tuple[float, dict]:
        """The first state after build `attempt`; a failed build fails the benchmark."""
        end = time.monotonic() + timeout
        with self._news:
            while not self.states or self.states[-1][1]["attempt"] <= attempt:
                self._check_alive()
                if time.monotonic() > end:
                    raise BuildFailed(f"no build from the devserver in {timeout} s; "
                                      f"see {self.log}")
                self._news.wait(0.5)
            found = next(s for s in self.states if s[1]["attempt"] > attempt)
        if not found[1]["ok"]:
            raise BuildFailed(f"the devserver's build failed: {found[1]['problems'][:5]}")
        return found

    def _check_alive(self) -> None:
        if self.process.poll() is not None:
            raise BuildFailed(f"the devserver exited ({self.process.returncode}); "
                              f"see {self.log}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _peak_rss_mb(pid: int) -> float:
    """The devserver's peak resident memory so far (VmHWM): it builds in its own process."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else 0.0
