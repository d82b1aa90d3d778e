"""Gate: the translated versions of an alert — Mexican Spanish and right-to-left Arabic —
pass axe at both widths, do not scroll sideways, load nothing from another site, and their
language switcher is reached with the keyboard."""

from __future__ import annotations

import pytest

from tests.browser.harness import DESKTOP, NODE_MODULES, PHONE, StaticServer
from tests.browser.test_accessibility import WCAG21_AA, _describe
from tests.conftest import ROOT, build_site
from tests.test_translations import BASE, FILES

pytestmark = pytest.mark.browser

AXE = NODE_MODULES / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = StaticServer()  # bound first: the publish build needs its address
    try:
        site = build_site(tmp_path_factory.mktemp("rtl"), FILES, conf=ROOT / "publishconf.py",
                          env={"SITEURL": server.origin})
        assert site.result.ok, site.messages
        server.directory = site.output
        server.start()
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
@pytest.mark.parametrize("path", [f"{BASE}ar/", f"{BASE}es-MX/", BASE, ""],
                         ids=["ar", "es-MX", "en", "home"])
def test_translated_pages_pass_axe_and_stay_on_the_site(browser, served, path, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(served.url(path), wait_until="load")
        page.evaluate(AXE.read_text("utf-8"))
        result = page.evaluate(
            """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]})""", WCAG21_AA)
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        direction = page.evaluate("getComputedStyle(document.querySelector('h1')).direction")
    finally:
        context.close()
    assert result["violations"] == [], _describe(result["violations"])
    assert overflow <= 0, f"{path} at {viewport['width']}px scrolls sideways by {overflow}px"
    assert direction == ("rtl" if path.endswith("ar/") else "ltr")
    outside = [url for url in requests if not url.startswith(served.origin)]
    assert outside == []


def test_the_language_switcher_is_reached_with_the_keyboard(browser, served):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(served.url(f"{BASE}ar/"), wait_until="load")
        names = []
        for _ in range(40):  # Tab from the top until focus has passed the switcher
            page.keyboard.press("Tab")
            name = page.evaluate("document.activeElement.closest('nav.languages') ? "
                                 "document.activeElement.textContent : null")
            if name:
                names.append(name)
            elif names:
                break
        assert names == ["English", "العربية", "Español (México)"]
        page.keyboard.press("Shift+Tab")  # back on Español (México)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == served.url(f"{BASE}es-MX/")
        assert page.evaluate("document.documentElement.lang") == "es-MX"
    finally:
        context.close()
