"""Worker pools: Ctrl-C is the build's to handle, SIGTERM ends a worker quietly."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from alerts.build.pools import WorkerPool


def _raise_on_term(_signum, _frame):
    raise KeyboardInterrupt  # what the build installs for SIGTERM


@pytest.fixture
def build_handlers():
    """The build's own signal handlers, which a forked worker copies."""
    previous = signal.signal(signal.SIGTERM, _raise_on_term)
    yield
    signal.signal(signal.SIGTERM, previous)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_are_born_with_ctrl_c_blocked(method, build_handlers):
    context = multiprocessing.get_context(method)
    with WorkerPool(2, context) as pool:
        blocked = pool.submit(signal.pthread_sigmask, signal.SIG_BLOCK, []).result(60)
        term = pool.submit(signal.getsignal, signal.SIGTERM).result(60)
    assert signal.SIGINT in blocked
    assert signal.SIGTERM not in blocked  # terminate() must still reach it
    assert term == signal.SIG_DFL
    # The build itself still hears both.
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    assert signal.getsignal(signal.SIGTERM) is _raise_on_term


def test_ctrl_c_to_a_worker_does_not_stop_its_job(build_handlers):
    with WorkerPool(1, multiprocessing.get_context("fork")) as pool:
        pid = pool.submit(os.getpid).result(60)
        job = pool.submit(time.sleep, 1.0)
        time.sleep(0.2)
        os.kill(pid, signal.SIGINT)
        try:
            job.result(60)
        except KeyboardInterrupt:  # the worker's, sent back as the job's outcome
            pytest.fail("Ctrl-C interrupted the worker's job")


def test_terminate_ends_a_forked_worker_with_sigterm(build_handlers, capfd):
    pool = WorkerPool(1, multiprocessing.get_context("fork"))
    pool.submit(os.getpid).result(60)
    (process,) = pool._processes.values()
    process.terminate()
    process.join(30)
    pool.shutdown(wait=True)
    assert process.exitcode == -signal.SIGTERM  # the default action, not the build's handler
    assert "Traceback" not in capfd.readouterr().err


def test_the_initializer_still_runs(tmp_path):
    marker = tmp_path / "started"
    with WorkerPool(1, multiprocessing.get_context("fork"), marker.touch) as pool:
        pool.submit(os.getpid).result(60)
    assert marker.exists()


def test_leaving_on_an_error_ends_a_running_job_at_once():
    started = time.monotonic()
    with pytest.raises(RuntimeError), \
            WorkerPool(1, multiprocessing.get_context("fork")) as pool:
        pid = pool.submit(os.getpid).result(60)
        (process,) = pool._processes.values()
        pool.submit(time.sleep, 60)
        time.sleep(0.2)  # the long job is running
        raise RuntimeError("the build failed")
    assert time.monotonic() - started < 30  # did not wait for the job
    assert process.exitcode == -signal.SIGTERM
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
