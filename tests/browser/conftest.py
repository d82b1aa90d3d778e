"""Fixtures for the browser quality gates: the sample site built once per session with a
frozen "now", served from 127.0.0.1, and one Debian Chromium shared by every test."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from alerts.build.staging import build, load_settings
from tests.browser.harness import ROOT, StaticServer, launch, page_types
from tests.test_devserver import devserver  # noqa: F401 - the devserver tests' fixture

#: 2026-11-30T12:00:00Z, as in tests/conftest.py: the sample content then has an open, a
#: closing (2026-12-02), a closed and a no-deadline alert.
EPOCH = 1796040000


@contextmanager
def _source_date_epoch(epoch: int):
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def _build(conf: Path, output: Path, **overrides) -> Path:
    settings = {"PATH": str(ROOT / "content"), "OUTPUT_PATH": str(output),
                "CACHE_PATH": str(output.parent / f"{output.name}-cache"), **overrides}
    with _source_date_epoch(EPOCH):
        result = build(load_settings(conf, settings))
    problems = [str(p) for p in result.errors] + result.failures
    assert result.ok, f"building content/ with {conf.name} failed:\n" + "\n".join(problems)
    return output


@pytest.fixture(scope="session")
def dev_site(tmp_path_factory) -> Path:
    """content/ built with the development settings (relative URLs), PDFs included."""
    return _build(ROOT / "pelicanconf.py", tmp_path_factory.mktemp("dev") / "output")


@pytest.fixture(scope="session")
def server(dev_site):
    """The development build, served on 127.0.0.1."""
    srv = StaticServer(dev_site).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """content/ built with publishconf.py and SITEURL set to the address that serves it,
    so canonical links, og:url and share links are real absolute URLs."""
    srv = StaticServer()  # bound first: the build needs its address
    try:
        output = tmp_path_factory.mktemp("published") / "output"
        _build(ROOT / "publishconf.py", output, SITEURL=srv.origin, FEED_DOMAIN=srv.origin)
        srv.directory = output
        srv.start()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def pages(dev_site) -> dict[str, str]:
    """Page type → path on the server (see harness.PAGE_TYPES)."""
    return page_types(dev_site)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()
