"""Run one command as a child process and measure its wall time and peak memory."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measurement:
    """One run: wall seconds, peak RSS of the largest process and of the whole tree, output."""

    seconds: float
    max_rss_mb: float  # the largest single process (wait4's ru_maxrss covers waited children)
    tree_rss_mb: float  # the sum over the process tree, sampled every 50 ms (an upper bound:
    # forked workers share pages that each one counts)
    returncode: int
    log: str


def run(argv: list[str], env: dict, cwd: Path, log_path: Path) -> Measurement:
    """Run `argv` to completion; stdout and stderr go to `log_path` and into the result."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w+", encoding="utf-8") as log:
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        sampler = TreeSampler(child.pid)
        sampler.start()
        # os.wait4 rather than child.wait(): it gives this child's own rusage, where
        # getrusage(RUSAGE_CHILDREN) would be the maximum over every child so far.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop()
        log.seek(0)
        text = log.read()
    return Measurement(seconds, usage.ru_maxrss / 1024, sampler.peak / 2**20,
                       child.returncode, text)


class TreeSampler(threading.Thread):
    """Polls /proc for the summed RSS of a process and all its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self._done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.05):
            self.peak = max(self.peak, sum(_rss(p) for p in _tree(self.pid)))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(c) for c in handle.read().split())
        except OSError:  # the process ended between two reads
            continue
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0
