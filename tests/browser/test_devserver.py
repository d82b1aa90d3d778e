"""`make devserver` in a real tab: an edit shows up without reloading by hand, a failed
build lists its problems over the page, and the fix takes the list away."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.harness import NODE_MODULES
from tests.test_devserver import ALERT, ALERT_PAGE

pytestmark = pytest.mark.browser

OLD_TITLE = "Tell the council to fund the clinic"
NEW_TITLE = "Tell the council to keep the clinic open"
GOOD_DEADLINE = "deadline: 2026-12-20T17:00"
#: Markup in a problem line must stay text in the overlay.
BAD_DEADLINE = "deadline: this <b>Friday</b>"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RELOADED = "() => window.__marker === undefined && document.readyState === 'complete'"


def test_edits_reload_the_tab_and_build_errors_show_over_it(devserver, page):
    messages = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.goto(devserver.url(ALERT_PAGE), wait_until="load")
    expect(page.locator("h1")).to_have_text(OLD_TITLE)

    # The test never reloads: a marker set in the page is gone only if live.js reloaded it.
    page.evaluate("window.__marker = 'before the edit'")
    devserver.edit(f"title: {OLD_TITLE}", f"title: {NEW_TITLE}")
    page.wait_for_function("title => document.querySelector('h1').textContent === title",
                           arg=NEW_TITLE, timeout=30_000)
    page.wait_for_function(RELOADED)
    assert NEW_TITLE in page.title()

    page.evaluate("window.__marker = 'before the mistake'")
    devserver.edit(GOOD_DEADLINE, BAD_DEADLINE)
    overlay = page.locator("#devserver-overlay")
    expect(overlay).to_be_visible(timeout=30_000)
    assert overlay.get_attribute("role") == "alert"
    heading = overlay.get_by_role("heading", name="The site did not build")
    expect(heading).to_be_visible()
    assert overlay.get_attribute("aria-labelledby") == heading.get_attribute("id")
    line = ALERT.splitlines().index(GOOD_DEADLINE) + 1
    problem = overlay.locator("li", has_text=f"content/alerts/clinic.md:{line}: deadline: ")
    expect(problem).to_have_count(1)
    assert "<b>Friday</b>" in problem.text_content()  # text, not markup
    assert overlay.locator("b").count() == 0
    # A failed build does not reload: the last good page stays under the overlay.
    assert page.evaluate("window.__marker") == "before the mistake"
    expect(page.locator("h1")).to_have_text(NEW_TITLE)
    assert _axe_violations(page, "#devserver-overlay") == []

    devserver.edit(BAD_DEADLINE, GOOD_DEADLINE)
    expect(overlay).to_have_count(0, timeout=30_000)
    page.wait_for_function(RELOADED)  # the good build reloaded the tab
    expect(page.locator("h1")).to_have_text(NEW_TITLE)
    expect(overlay).to_have_count(0)
    assert [m for m in messages if "Content Security Policy" in m] == []


def _axe_violations(page, selector: str) -> list[str]:
    """axe-core's WCAG 2.1 AA findings inside `selector` (evaluated as in
    test_accessibility.py, so the page's CSP stays on)."""
    assert AXE.is_file(), f"{AXE} is missing: run `make test-tools` (npm ci)"
    page.evaluate(AXE.read_text("utf-8"))
    result = page.evaluate(
        """([selector, tags]) => axe.run(selector, {runOnly: {type: "tag", values: tags},
                                                    resultTypes: ["violations"]})""",
        [selector, WCAG21_AA])
    return [f"{v['id']}: {v['help']}" for v in result["violations"]]
