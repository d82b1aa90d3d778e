"""Atomic output: only a complete, error-free build replaces output/; a failed, interrupted
or killed build leaves the previous output byte for byte; a second build waits its turn."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EPOCH, MINIMAL_ALERT, ROOT, snapshot

BROKEN = MINIMAL_ALERT.replace("url: https://example.org/act", "url: javascript:alert(1)")


def many_alerts(content: Path, count: int) -> None:
    for n in range(count):
        text = MINIMAL_ALERT.replace("Tell the council to fund the clinic",
                                     f"Tell the council to fund clinic number {n}")
        path = content / "alerts" / f"clinic-{n:03}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + f"\nClinic {n} serves {n * 37} families.\n" * 20, "utf-8")


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def test_failed_build_leaves_previous_output(make_site, tmp_path):
    good = make_site({"alerts/good.md": MINIMAL_ALERT}, root=tmp_path)
    assert good.result.ok
    before = snapshot(good.output)
    bad = make_site({"alerts/bad.md": BROKEN}, root=tmp_path)
    assert not bad.result.ok
    assert snapshot(bad.output) == before
    assert leftovers(tmp_path) == []


def test_good_build_replaces_output_whole(make_site, tmp_path):
    first = make_site({"alerts/good.md": MINIMAL_ALERT}, root=tmp_path)
    (first.output / "stale-from-an-old-build.html").write_text("old", "utf-8")
    inode = first.output.stat().st_ino
    second = make_site({"alerts/other.md": MINIMAL_ALERT.replace("fund the clinic",
                                                               "fund the library")},
                       root=tmp_path)
    assert second.result.ok
    assert not (second.output / "stale-from-an-old-build.html").exists()
    assert (second.output / "alerts/tell-the-council-to-fund-the-library/index.html").exists()
    assert second.output.stat().st_ino != inode  # a new folder, swapped in
    assert leftovers(tmp_path) == []


def test_stale_staging_folder_of_a_killed_build_is_removed(make_site, tmp_path):
    stale = tmp_path / ".output.tmp-999999"
    (stale / "alerts").mkdir(parents=True)
    (stale / "alerts" / "half.html").write_text("half", "utf-8")
    site = make_site({"alerts/good.md": MINIMAL_ALERT}, root=tmp_path)
    assert site.result.ok
    assert not stale.exists()


def _previous_output(root: Path) -> dict[str, bytes]:
    """Stands for the last good site: any files will do, they must come back unchanged."""
    output = root / "output"
    (output / "alerts" / "old").mkdir(parents=True)
    (output / "index.html").write_text("<!doctype html><title>old site</title>", "utf-8")
    (output / "alerts" / "old" / "index.html").write_bytes(os.urandom(4096))
    return snapshot(output)


def _conf(root: Path) -> Path:
    """The project's settings with the PDF cache in `root`, so each test renders afresh."""
    conf = root / "siteconf.py"
    conf.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
                    "from pelicanconf import *  # noqa: F403\n"
                    f"THEME = {str(ROOT / 'theme')!r}\n"
                    f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
                    f"CACHE_PATH = {str(root / 'cache')!r}\n", "utf-8")
    return conf


def _start_build(root: Path, stderr) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "SOURCE_DATE_EPOCH": str(EPOCH)}
    return subprocess.Popen(
        [sys.executable, "-m", "alerts", "build", "-s", str(_conf(root)),
         "-i", "content", "-o", "output"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
        start_new_session=True,  # its own process group: the PDF workers go with it
    )


def _wait_for(condition, timeout: float, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the build ended (exit {proc.returncode}) before {what}")
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def _pages_in_staging(root: Path) -> int:
    return sum(1 for staging in root.glob(".output.tmp-*")
               for _ in staging.glob("alerts/*/index.html"))


def _files_in(folder: Path) -> int:
    return sum(1 for _ in folder.glob("*")) if folder.is_dir() else 0


#: Where the build is when it is stopped: every page written into the staging folder and
#: the card pool drawing, or the PDF pool rendering. Each phase runs its own workers.
PHASES = {
    "cards": lambda root: _files_in(root / "cache" / "cards") >= 1,
    "pdfs": lambda root: _files_in(root / "cache" / "pdfs") >= 1,
}


@pytest.mark.parametrize(("sig", "phase"), [
    (signal.SIGINT, "cards"), (signal.SIGINT, "pdfs"),
    (signal.SIGTERM, "cards"), (signal.SIGTERM, "pdfs"),
    (signal.SIGKILL, "pdfs"),
], ids=["SIGINT-cards", "SIGINT-pdfs", "SIGTERM-cards", "SIGTERM-pdfs", "SIGKILL"])
def test_build_killed_mid_way_leaves_previous_output(sig, phase, tmp_path):
    many_alerts(tmp_path / "content", 200)
    before = _previous_output(tmp_path)
    log = tmp_path / "stderr.txt"
    with open(log, "w") as stderr:
        proc = _start_build(tmp_path, stderr)
        try:
            _wait_for(lambda: PHASES[phase](tmp_path), 90, f"the {phase}", proc)
            assert _pages_in_staging(tmp_path) == 200
            assert _group_size(proc.pid) > 1, f"no worker was running during the {phase}"
            if sig == signal.SIGINT:
                os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
            else:
                os.kill(proc.pid, sig)  # a service manager or `kill` signals the build only
            proc.wait(timeout=60)
            if sig == signal.SIGTERM:  # the build ends its own workers before it exits
                _wait_for(lambda: not _group_alive(proc.pid), 10, "the workers to end")
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        # Workers of a killed parent may outlive it for a moment; reap the group.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert snapshot(tmp_path / "output") == before
    message = log.read_text("utf-8")
    if sig in (signal.SIGINT, signal.SIGTERM):
        assert proc.returncode == 130, message
        assert "interrupted: the output folder was left as it was" in message
        assert "Traceback" not in message
        assert leftovers(tmp_path) == []  # an interrupted build cleans up after itself
    else:
        assert proc.returncode == -signal.SIGKILL


def _group_size(pgid: int) -> int:
    """Processes in the process group: the build and its workers."""
    size = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended while being read
            continue
        size += fields[2] == str(pgid) and fields[0] != "Z"
    return size


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_second_build_waits_for_the_first(tmp_path):
    (tmp_path / "content" / "alerts").mkdir(parents=True)
    (tmp_path / "content" / "alerts" / "good.md").write_text(MINIMAL_ALERT, "utf-8")
    before = _previous_output(tmp_path)
    log = tmp_path / "stderr.txt"
    with open(tmp_path / ".output.lock", "a+") as lock, open(log, "w") as stderr:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the "first build" holds the lock
        proc = _start_build(tmp_path, stderr)
        try:
            _wait_for(lambda: "waiting for it" in log.read_text("utf-8"), 30,
                      "the waiting message", proc)
            time.sleep(0.5)
            assert proc.poll() is None  # still waiting
            assert snapshot(tmp_path / "output") == before
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
        assert proc.wait(timeout=120) == 0, log.read_text("utf-8")
    message = log.read_text("utf-8")
    assert f"Another build is writing {tmp_path / 'output'}" in message
    assert (tmp_path / "output" / "alerts/tell-the-council-to-fund-the-clinic/index.html").exists()
    assert snapshot(tmp_path / "output") != before
