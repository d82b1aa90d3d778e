"""What the page does in a visitor's browser: the live deadline (theme/static/js/alert.js),
"copy link" (share.js), and reaching every action and share link from the keyboard."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from alerts.authoring.deadline import state, time_left
from alerts.site.i18n import t
from tests.browser.harness import alert_pages

pytestmark = pytest.mark.browser

MINUTE, HOUR, DAY = 60, 3600, 86400
#: Seconds before the deadline at which the browser's clock is set: each side of every
#: rounding step (days / hours below 48 h / minutes below 1 h / less than a minute) and
#: of the 72-hour closing window.
BEFORE = [4 * DAY + HOUR, 72 * HOUR + 30, 72 * HOUR - 30, 48 * HOUR, 48 * HOUR - 30,
          2 * HOUR, HOUR, HOUR - 1, 2 * MINUTE, MINUTE, 59, 1]


@pytest.fixture(scope="module")
def closing(dev_site, pages):
    path = pages["closing"]
    info = alert_pages(dev_site)[path]
    return path, datetime.fromisoformat(info["deadline"]), info["lang"]


@pytest.mark.parametrize("seconds", BEFORE)
def test_time_left_matches_the_build(seconds, page, server, closing):
    """The browser says what plugins/alerts/authoring/deadline.py would say at that moment."""
    path, deadline, lang = closing
    now = deadline - timedelta(seconds=seconds)
    page.clock.set_fixed_time(now)
    page.goto(server.url(path), wait_until="load")
    hours = float(page.get_attribute("[data-deadline]", "data-closing-hours"))
    expected_state = state(deadline, now, hours)
    assert page.text_content("[data-time-left]") == time_left(deadline, now, lang)
    assert page.get_attribute("[data-alert]", "data-state") == expected_state
    badge = page.locator("[data-state-badge]").first
    assert f"badge-{expected_state}" in badge.get_attribute("class")
    assert badge.text_content() == t("closing_soon" if expected_state == "closing"
                                     else expected_state, lang)
    assert page.locator("[data-closed-notice]").is_hidden()
    assert page.locator("[data-actions]").first.is_visible()


def test_page_closes_when_the_deadline_passes(page, server, closing):
    path, deadline, lang = closing
    page.clock.install(time=deadline - timedelta(seconds=45))
    page.goto(server.url(path), wait_until="load")
    assert page.text_content("[data-time-left]") == t(
        "left", lang, n=t("less_than_minute", lang))
    assert page.locator("[data-closed-notice]").is_hidden()

    page.clock.run_for(60 * 1000)  # alert.js checks every 30 s

    assert page.get_attribute("[data-alert]", "data-state") == "closed"
    assert page.locator("[data-closed-notice]").is_visible()
    assert page.text_content("[data-time-left]") == ""
    assert page.locator("[data-state-badge]").first.text_content() == t("closed", lang)
    for block in page.locator("[data-actions], [data-actions-section]").all():
        assert block.is_hidden()
    assert page.locator("a.action:visible").count() == 0


def test_an_alert_without_deadline_never_closes(page, server, pages):
    page.clock.set_fixed_time(datetime(2040, 1, 1))
    page.goto(server.url(pages["no-deadline"]), wait_until="load")
    assert page.locator("[data-closed-notice]").is_hidden()
    assert page.locator("a.action:visible").count() > 0


def test_copy_link_puts_the_canonical_url_on_the_clipboard(browser, published):
    path = alert_pages(published.directory)
    path = next(p for p, info in path.items() if info["state"] != "closed")
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(published.url(path), wait_until="load")
        canonical = page.get_attribute('link[rel="canonical"]', "href")
        assert canonical == published.url(path)
        button = page.locator("[data-share-copy]")
        assert button.is_visible(), "the copy-link button stayed hidden"
        button.click()
        page.wait_for_function(
            "el => el.textContent.trim() !== ''", arg=page.query_selector("[data-share-status]"))
        assert page.evaluate("navigator.clipboard.readText()") == canonical
        status = page.text_content("[data-share-status]")
        assert status == page.get_attribute("[data-share]", "data-copied")
    finally:
        context.close()


FOCUS_STYLE = """el => {
    const s = getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | ");
}"""

ACTIVE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    return {id: el.dataset.gate || null, tag: el.tagName, text: el.innerText.trim(),
            focusVisible: el.matches(":focus-visible"),
            style: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | "),
            outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0,
            shadow: s.boxShadow !== "none"};
}"""


def tab_stops(page, limit: int) -> list[dict]:
    """Press Tab until focus comes back round (or `limit` presses): what each press
    focused, as ACTIVE describes it."""
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active is None or (stops and active == stops[0]):
            break
        stops.append(active)
    return stops


@pytest.mark.parametrize("kind", ["open", "closing"])
def test_keyboard_reaches_every_action_and_share_link_with_a_visible_focus(
        kind, browser, server, pages):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800},
        permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(server.url(pages[kind]), wait_until="load")
        wanted = page.evaluate("""() => {
            const els = [...document.querySelectorAll(
                ".actions a, .share a, .share button, [data-print], .tools a")]
                .filter(el => el.checkVisibility());
            els.forEach((el, i) => { el.dataset.gate = String(i); });
            return els.map(el => el.innerText.trim());
        }""")
        assert wanted, "no action or share link on the page"
        stops = tab_stops(page, 200)
        reached = {s["id"] for s in stops if s["id"] is not None}
        missed = [text for i, text in enumerate(wanted) if str(i) not in reached]
        assert missed == [], f"never reached with Tab: {missed}"

        page.evaluate("document.activeElement && document.activeElement.blur()")
        unfocused = {}
        for stop in stops:
            if stop["id"] is not None:
                unfocused[stop["id"]] = page.eval_on_selector(
                    f'[data-gate="{stop["id"]}"]', FOCUS_STYLE)
        invisible = [
            f"{s['tag']} {s['text']!r}: {s['style']}" for s in stops
            if not s["focusVisible"] or not (s["outline"] or s["shadow"])
            or unfocused.get(s["id"], "") == s["style"]]
        assert invisible == [], "Tab stops without a visible focus style:\n" + "\n".join(
            invisible)
    finally:
        context.close()
