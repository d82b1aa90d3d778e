"""A new user's first run: the README's commands, typed in a clean shell on a fresh clone.

Every other test sets SOURCE_DATE_EPOCH and imports the plugins directly; this one runs
`make` the way a writer does, from a `git clone` of this working tree (with its
uncommitted changes to tracked files applied, so the code under test is the code here),
with an environment holding only PATH and a fresh HOME. The installed .venv is linked in
so the run takes seconds; everything else — caches, output, the lock files' timestamps —
is the clone's own.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

SITEURL = "https://alerts.example.org"


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("first-run") / "alerts"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(where)], check=True)
    diff = subprocess.run(["git", "-C", str(ROOT), "diff", "HEAD", "--binary"],
                          check=True, capture_output=True).stdout
    if diff:
        subprocess.run(["git", "-C", str(where), "apply", "--whitespace=nowarn"],
                       input=diff, check=True)
    (where / ".venv").symlink_to(ROOT / ".venv")
    home = where.parent / "home"
    home.mkdir()
    return where


def user_env(clone: Path, **extra: str) -> dict[str, str]:
    """What a new user's shell has: a PATH and a HOME, nothing the test suite sets."""
    return {"PATH": os.environ["PATH"], "HOME": str(clone.parent / "home"), **extra}


def make(clone: Path, *args: str, env: dict | None = None,
         timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *args], cwd=clone, env=env or user_env(clone),
                          capture_output=True, text=True, timeout=timeout, check=False)


def assert_clean(run: subprocess.CompletedProcess) -> str:
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert "Traceback" not in said, said
    assert "error" not in said.lower(), said
    assert "SOURCE_DATE_EPOCH" not in said, said  # fontconfig's "SOURCE_DATE_EPOCH invalid"
    return said


def sample_pages(clone: Path) -> list[str]:
    """The page folder of every published sample alert, as the README promises them."""
    output = clone / "output" / "alerts"
    return sorted(str(p.parent.relative_to(output)) for p in output.rglob("index.html")
                  if not {"letters", "embed"} & set(p.relative_to(output).parts))


def published_sources(clone: Path) -> list[Path]:
    return [p for p in sorted((clone / "content" / "alerts").glob("*.md"))
            if "\nstatus: draft" not in p.read_text("utf-8")]


@pytest.mark.parametrize("command", [
    ("html",), ("publish", f"SITEURL={SITEURL}"),
], ids=["html", "publish"])
def test_the_readme_commands_build_every_alert_on_a_fresh_clone(clone, command):
    said = assert_clean(make(clone, *command))
    assert f"Built {len(published_sources(clone))} alerts" in said
    pages = sample_pages(clone)
    assert len(pages) == len(published_sources(clone))
    for folder in pages:
        here = clone / "output" / "alerts" / folder
        assert list(here.glob("card.*")), f"{folder}: no social card"
        assert list(here.glob("*.pdf")), f"{folder}: no PDF"
        # The email edition needs absolute addresses: publish builds only.
        assert (here / "email.html").is_file() == (command[0] == "publish"), folder
    home = (clone / "output" / "index.html").read_text("utf-8")
    if command[0] == "publish":
        assert f'href="{SITEURL}/' in home
    else:
        assert SITEURL not in home


@pytest.mark.parametrize("epoch", [None, "", "1796040000"], ids=["unset", "empty", "set"])
def test_make_never_hands_an_empty_source_date_epoch_to_what_it_runs(clone, epoch):
    extra = {} if epoch is None else {"SOURCE_DATE_EPOCH": epoch}
    # A rule added to the real Makefile prints the environment its recipes get.
    run = make(clone, "--eval", "show-env: ; @env", "show-env", env=user_env(clone, **extra))
    seen = [line for line in run.stdout.splitlines() if line.startswith("SOURCE_DATE_EPOCH=")]
    assert seen == ([f"SOURCE_DATE_EPOCH={epoch}"] if epoch else [])


@pytest.mark.parametrize("epoch", ["", "1796040000"], ids=["empty", "set"])
def test_check_and_new_work_whatever_source_date_epoch_holds(clone, epoch):
    env = user_env(clone, SOURCE_DATE_EPOCH=epoch)
    said = assert_clean(make(clone, "check", env=env))
    assert f"{len(published_sources(clone))} alerts checked, 0 problems" in said
    title = f"Tell the council: fund the clinic {epoch or 'now'}"
    new = make(clone, "new", f"TITLE={title}", env=env)
    assert_clean(new)
    written = clone / new.stdout.strip()
    try:
        assert written.is_file() and "status: draft" in written.read_text("utf-8")
    finally:
        written.unlink(missing_ok=True)


@pytest.mark.parametrize("epoch", ["abc", "-5", "1e9"])
def test_a_malformed_source_date_epoch_stops_make_html_with_one_line(clone, epoch):
    run = make(clone, "html", env=user_env(clone, SOURCE_DATE_EPOCH=epoch))
    assert run.returncode != 0
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds "
                      "since 1970-01-01 UTC; unset it or give e.g. 1468600000"]
    assert "Traceback" not in run.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("target", ["serve", "devserver"])
def test_serve_and_devserver_answer_on_localhost(clone, target):
    if target == "serve" and not (clone / "output" / "index.html").exists():
        assert_clean(make(clone, "html"))
    port = _free_port()
    proc = subprocess.Popen(["make", target, f"PORT={port}"], cwd=clone,
                            env=user_env(clone, SOURCE_DATE_EPOCH=""),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        body = _wait_for(f"http://127.0.0.1:{port}/", proc)
        assert "<h1" in body
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
        said = proc.communicate(timeout=30)[0]
    assert "Traceback" not in said, said
    assert "error" not in said.lower(), said


def _wait_for(url: str, proc: subprocess.Popen, limit: float = 120) -> str:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server stopped: {proc.communicate()[0]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url} within {limit} s")



def test_make_clean_removes_the_site_and_all_the_builds_keep(clone):
    """Last in this file: it leaves the clone without a site. A build that replaces a
    site keeps its empty folders beside the output for the next (alerts.build.spare);
    `make clean` removes them with the output and the caches."""
    if not (clone / "output" / "index.html").exists():
        assert_clean(make(clone, "html"))
    alert = published_sources(clone)[0]
    alert.write_text(alert.read_text("utf-8").replace("\n---\n", "\n---\n\nEdited.\n", 1),
                     "utf-8")
    assert_clean(make(clone, "html"))  # an edit: a new site replaces the old one
    spare = clone / ".output.spare"
    deadline = time.monotonic() + 60
    while not spare.is_dir() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert spare.is_dir()
    subprocess.run(["git", "-C", str(clone), "checkout", "--", "content"], check=True)
    assert_clean(make(clone, "clean"))
    left = sorted(p.name for p in clone.iterdir() if p.name.startswith((".output", ".cache")))
    assert not (clone / "output").exists()
    assert left == [".output.lock"]
