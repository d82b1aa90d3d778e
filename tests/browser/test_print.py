"""An alert page printed from the browser: no navigation or share links, and every
action's address written out (theme/static/css/print.css)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.browser.conftest import EPOCH

pytestmark = pytest.mark.browser

#: Rendered and on the page: an element pushed off the left edge (the skip link) is
#: "visible" to Playwright but never reaches the paper.
ON_PAPER = """el => {
    const r = el.getBoundingClientRect();
    return el.checkVisibility({visibilityProperty: true, opacityProperty: true})
        && r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0;
}"""

VISIBLE_AFTER = """els => els.map(a => ({
    href: a.getAttribute("href"),
    visible: (""" + ON_PAPER + """)(a),
    text: a.innerText,
    after: getComputedStyle(a, "::after").content,
}))"""


@pytest.mark.parametrize("kind", ["open", "closing"])
def test_print_view_hides_navigation_and_shows_action_urls(kind, page, server, pages):
    # The browser's clock at the build's "now": on a later day alert.js would close the
    # "closing" alert and hide the actions this test prints.
    page.clock.set_fixed_time(datetime.fromtimestamp(EPOCH, UTC))
    page.goto(server.url(pages[kind]), wait_until="load")
    actions = page.eval_on_selector_all(".actions a[href]", VISIBLE_AFTER)
    assert actions, "the alert page has no action link"
    page.emulate_media(media="print")

    for selector in ["header nav a", ".share a", ".share button", ".skip", "footer"]:
        shown = [el.inner_text() for el in page.query_selector_all(selector)
                 if el.evaluate(ON_PAPER)]
        assert shown == [], f"printed {selector}: {shown}"

    printed = page.eval_on_selector_all(".actions a[href]", VISIBLE_AFTER)
    # A link to an act further down the page (#act-1) leads to what prints there.
    for href in {a["href"] for a in actions if not a["href"].startswith("#")}:
        written = [a for a in printed if a["visible"]
                   and (href in a["after"] or href in a["text"])]
        assert written, f"the action address {href} is not written out in print: {printed}"
    assert page.locator(".print-only").first.evaluate(ON_PAPER), "the print-only block is hidden"
