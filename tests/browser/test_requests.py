"""Gate: every page type loads from its own origin only, with a clean console."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.harness import PAGE_TYPES

pytestmark = pytest.mark.browser


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture(scope="module")
def shared_context(browser):
    context = browser.new_context()
    yield context
    context.close()


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_makes_no_request_to_another_origin(kind, shared_context, server, pages):
    """A visitor's browser asks nothing of any other site, and logs no error."""
    foreign, failed, console, crashes = [], [], [], []

    def route(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or _origin(url) == server.origin:
            route.continue_()
        else:
            foreign.append(url)
            route.abort()  # nothing may leave the machine, even when the gate fails

    page = shared_context.new_page()
    page.route("**/*", route)
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: crashes.append(str(exc)))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})")
            if _origin(r.url) == server.origin else None)
    page.on("response", lambda r: failed.append(f"{r.url} (HTTP {r.status})")
            if r.status >= 400 and r.request.resource_type != "document" else None)

    response = page.goto(server.url(pages[kind]), wait_until="networkidle")
    assert response is not None and response.ok, f"{pages[kind]}: HTTP {response.status}"
    # Scroll to the end so that anything loaded lazily is asked for too.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")

    page.close()
    assert foreign == [], f"{kind} ({pages[kind]}) asked another origin for: {foreign}"
    assert failed == [], f"{kind}: same-origin requests failed: {failed}"
    assert console == [], f"{kind}: console errors: {console}"
    assert crashes == [], f"{kind}: uncaught script errors: {crashes}"
