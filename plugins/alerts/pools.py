"""Worker pools that stop at once when a build is interrupted or fails.

Leaving a `ProcessPoolExecutor` block waits for every queued job, so Ctrl-C or a
SIGTERM during 200 PDFs would wait for all of them, and workers could outlive the
build. `stop_at_once` cancels what is queued and ends the workers instead.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


@contextmanager
def stop_at_once(pool: ProcessPoolExecutor):
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        # The executor has no public way to end running workers; its process table is
        # the documented-in-source way to reach them.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        raise
