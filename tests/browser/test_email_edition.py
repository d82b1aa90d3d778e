"""The email edition in Chromium: each sample alert's email.html, from the published
build (SITEURL is the address that serves it, so its photo resolves on 127.0.0.1),
rendered at 600 px and at 375 px as an email client would show it — the document's own
HTML, without the site's headers: no sideways scrolling, every action button visible and
reached with Tab, the photo loaded, axe-core's WCAG 2.1 A and AA rules at zero, and no
request leaving 127.0.0.1. Then a draft's "Copy email HTML" button puts its email.html on
the clipboard."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.browser.harness import StaticServer
from tests.browser.test_accessibility import AXE, WCAG21_AA, _describe
from tests.browser.test_behaviour import tab_stops
from tests.conftest import MINIMAL_ALERT, ROOT, build_site, replace_once

pytestmark = pytest.mark.browser

WIDTHS = {"600px": {"width": 600, "height": 900}, "375px": {"width": 375, "height": 667}}

MARK_BUTTONS = """() => {
    const els = [...document.querySelectorAll("a.button")];
    els.forEach((el, i) => { el.dataset.gate = String(i); });
    return els.map(el => ({text: el.innerText.trim(), visible: el.checkVisibility(),
                           inside: el.getBoundingClientRect().right <= innerWidth + 0.5}));
}"""


def emails(output) -> list[str]:
    found = sorted(str(p.relative_to(output)) for p in (output / "alerts").rglob("email.html"))
    assert len(found) == 6, found  # every sample alert and its translation
    return found


@pytest.fixture
def guarded(browser):
    """A context per viewport that refuses (and records) any request off 127.0.0.1."""
    made, foreign = [], []

    def route(route):
        url = route.request.url
        if url.startswith(("data:", "about:")) or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    def get(viewport: dict, **options):
        context = browser.new_context(viewport=viewport, **options)
        context.route("**/*", route)
        made.append(context)
        return context

    yield get, foreign
    for context in made:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_email_fits_the_width_with_every_action_reachable_and_axe_clean(
        width, guarded, published):
    get, foreign = guarded
    context = get(WIDTHS[width])
    axe = AXE.read_text("utf-8")
    output, shown = published.directory, 0
    for name in emails(output):
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg, errors=errors:
                errors.append(msg.text) if msg.type == "error" else None)
        try:
            page.set_content((output / name).read_text("utf-8"), wait_until="load")
            layout = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth,
                                              client: document.documentElement.clientWidth})""")
            assert layout["scroll"] <= layout["client"], (name, width, layout)
            photos = page.evaluate("""() => [...document.images].map(
                img => [img.src, img.complete && img.naturalWidth > 0])""")
            assert all(ok for _, ok in photos), (name, photos)
            shown += len(photos)
            buttons = page.evaluate(MARK_BUTTONS)
            closed = "This action closed on" in page.inner_text("body")
            assert buttons or closed, name
            for button in buttons:
                assert button["visible"] and button["inside"], (name, width, button)
            stops = tab_stops(page, 60)
            reached = {stop["id"] for stop in stops if stop["id"] is not None}
            assert reached == {str(i) for i in range(len(buttons))}, (name, stops)
            page.evaluate(axe)
            result = page.evaluate(
                """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                              resultTypes: ["violations"]})""", WCAG21_AA)
        finally:
            page.close()
        violations = result["violations"]
        assert violations == [], (f"{name} at {width}: {len(violations)} axe violation(s):\n"
                                  f"{_describe(violations)}\n"
                                  + json.dumps([v["id"] for v in violations]))
        assert errors == [], (name, errors)
    assert shown >= 2  # the sample alerts with a photo show it from 127.0.0.1
    assert foreign == []


@pytest.fixture(scope="module")
def draft_site(tmp_path_factory):
    """A publish build with one draft, served at the SITEURL it was built with."""
    srv = StaticServer()
    try:
        draft = replace_once(MINIMAL_ALERT, "title: ", "slug: clinic\nstatus: draft\ntitle: ")
        draft = replace_once(draft, "The clinic closes", "Dear [[First_Name]], the clinic closes")
        built = build_site(tmp_path_factory.mktemp("draft"), {"alerts/clinic.md": draft},
                           conf=ROOT / "publishconf.py",
                           env={"SITEURL": srv.origin, "FEED_DOMAIN": srv.origin})
        assert built.result.ok, built.messages
        srv.directory = built.output
        srv.start()
        yield srv, built.output
    finally:
        srv.stop()


def test_the_draft_copy_button_copies_its_email_html(guarded, draft_site):
    srv, output = draft_site
    get, foreign = guarded
    context = get({"width": 1280, "height": 800},
                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(srv.url("drafts/clinic/"), wait_until="load")
    button = page.locator("[data-copy-email]")
    button.wait_for(state="visible")
    button.click()
    # A function, not an expression: the page's CSP forbids evaluating strings.
    page.wait_for_function("el => el.textContent !== ''",
                           arg=page.locator("[data-copy-email-status]").element_handle())
    assert page.inner_text("[data-copy-email-status]") == "Email HTML copied"
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == (output / "drafts/clinic/email.html").read_text("utf-8")
    assert "Dear [[First_Name]]" in copied
    assert foreign == []
