"""A worker pool that leaves stopping to the build, and stops at once when it is interrupted.

Ctrl-C reaches the whole process group, so without care every worker would print a
traceback of its own. Workers here never see SIGINT: it is blocked in the thread that
starts them, and a started process keeps that mask for good. Forked workers also inherit
the build's SIGTERM handler; they put back the default before they unblock SIGTERM, so
`terminate()` ends them quietly even before their first job.

Leaving a `ProcessPoolExecutor` block waits for every queued job, so Ctrl-C or a
SIGTERM during 200 PDFs would wait for all of them, and workers could outlive the
build. Leaving a `WorkerPool` block on an exception cancels what is queued and ends the
workers instead.

Both need the executor's internals (`_spawn_process`, `_processes`,
`_executor_manager_thread`, CPython 3.9 and later): not for speed, for a clean stop;
tests/test_pools.py fails if a Python release changes them.
"""

from __future__ import annotations

import signal
from concurrent.futures import ProcessPoolExecutor


class WorkerPool(ProcessPoolExecutor):
    """A process pool whose workers ignore Ctrl-C, end quietly on SIGTERM, and are ended
    at once when its block is left on an exception."""

    def __init__(self, workers: int, context, initializer=None, initargs=()) -> None:
        self.workers = workers
        self._forks = context.get_start_method() == "fork"
        if self._forks:  # a forked worker gets the function itself, nothing to unpickle
            initializer, initargs = _forked_worker, (initializer, initargs)
        super().__init__(workers, mp_context=context, initializer=initializer,
                         initargs=initargs)

    def _spawn_process(self) -> None:
        # The one place the executor starts a worker (CPython 3.9 and later).
        blocked = {signal.SIGINT, signal.SIGTERM} if self._forks else {signal.SIGINT}
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            super()._spawn_process()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self._stop_now()
        return super().__exit__(exc_type, exc, tb)

    def _stop_now(self) -> None:
        """Cancel the queued jobs and end the workers, running jobs and all."""
        # The executor has no public way to end running workers; its process table is the
        # documented-in-source way to reach them. Read it first: shutdown() clears it.
        processes = list((self._processes or {}).values())
        manager = self._executor_manager_thread
        self.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(5)
        if manager is not None:  # it reaps the workers too; let it finish before going on
            manager.join(5)


def _forked_worker(initializer, initargs) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the build's handler, copied by fork
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    if initializer is not None:
        initializer(*initargs)

