"""Listings that follow the clock (theme/static/js/alert.js): with the browser's clock
before and after an alert's deadline, the home, tag and target pages show it open, then
closed — on the home page under "Just closed", or hidden — without a rebuild; nothing is
asked of another site, and axe finds nothing, in either state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import pytest

from alerts.authoring.deadline import time_left
from alerts.site.i18n import t
from tests.browser.conftest import EPOCH
from tests.browser.harness import alert_pages, serving
from tests.browser.test_accessibility import WCAG21_AA, _describe
from tests.conftest import build_site

pytestmark = pytest.mark.browser

AXE_RUN = """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                      resultTypes: ["violations"]})"""


@pytest.fixture(scope="module")
def closing(dev_site, pages):
    """The closing alert: its page, deadline, language, and a tag and target page that
    list it (relative to the site's root)."""
    path = pages["closing"]
    info = alert_pages(dev_site)[path]
    html = (dev_site / path / "index.html").read_text("utf-8")
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    tag = soup.select_one(".tags a[href]")["href"]
    home = BeautifulSoup((dev_site / "index.html").read_text("utf-8"), "html.parser")
    item = next(li for li in home.select("li.alert-item")
                if li.select_one(f'h2 a[href$="{path}"]'))
    target = item.select_one('a[href*="targets/"]')["href"]
    root = "http://site/"
    return {"path": path, "deadline": datetime.fromisoformat(info["deadline"]),
            "lang": info["lang"],
            "tag": urlsplit(urljoin(root + path, tag)).path.lstrip("/"),
            "target": urlsplit(urljoin(root, target)).path.lstrip("/")}


def _item(page, path):
    return page.locator(f'li.alert-item:has(h2 a[href$="{path}"], h3 a[href$="{path}"])')


def _watch_requests(page, origin):
    """Every request to another origin (aborted), every console error and script crash."""
    trouble: list[str] = []

    def route(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or url.startswith(origin + "/"):
            route.continue_()
        else:
            trouble.append(f"request to {url}")
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: trouble.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: trouble.append(str(exc)))
    return trouble


def _axe(page, axe_source) -> list[dict]:
    page.evaluate(axe_source)
    return page.evaluate(AXE_RUN, WCAG21_AA)["violations"]


@pytest.fixture(scope="module")
def axe_source():
    from tests.browser.test_accessibility import AXE

    return AXE.read_text("utf-8")


@pytest.mark.parametrize("where", ["home", "tag", "target"])
@pytest.mark.parametrize("side", ["before", "after"])
def test_the_listing_follows_the_clock(where, side, context, server, closing, axe_source):
    deadline, lang = closing["deadline"], closing["lang"]
    now = deadline + (timedelta(minutes=-90) if side == "before" else timedelta(minutes=1))
    page = context.new_page()
    trouble = _watch_requests(page, server.origin)
    page.clock.set_fixed_time(now)
    page.goto(server.url({"home": "", "tag": closing["tag"],
                          "target": closing["target"]}[where]), wait_until="networkidle")
    item = _item(page, closing["path"])
    badge = item.locator("[data-state-badge]")
    if side == "before":
        assert item.get_attribute("data-state") == "closing"
        assert badge.text_content() == t("closing_soon", lang)
        assert item.locator("[data-time-left]").text_content() == time_left(deadline, now, lang)
        assert page.locator("[data-just-closed]").count() == (1 if where == "home" else 0)
        assert page.locator("[data-just-closed]").is_hidden() or where != "home"
    else:
        assert item.get_attribute("data-state") == "closed"
        assert "alert-closed" in item.get_attribute("class")
        assert badge.text_content() == t("closed", lang)
        assert "badge-closed" in badge.get_attribute("class")
        assert item.locator("[data-time-left]").text_content() == ""
        if where == "home":  # never offered as open: moved under "Just closed"
            assert page.locator("[data-just-closed]").is_visible()
            assert page.locator("[data-just-closed] h2").text_content() == t("just_closed")
            assert page.locator(f"[data-just-closed] {_item_selector(closing['path'])}") \
                .count() == 1
            assert page.locator(f"[data-alert-list] {_item_selector(closing['path'])}") \
                .count() == 0
            assert item.locator("h3 a").count() == 1  # under the section's heading
    violations = _axe(page, axe_source)
    page.close()
    assert violations == [], f"{where} {side}: {_describe(violations)}"
    assert trouble == []


def _item_selector(path):
    return f'li.alert-item:has(a[href$="{path}"])'


def test_the_home_page_moves_an_alert_as_its_deadline_passes(context, server, closing):
    page = context.new_page()
    page.clock.install(time=closing["deadline"] - timedelta(seconds=45))
    page.goto(server.url(""), wait_until="load")
    item = _item(page, closing["path"])
    assert item.get_attribute("data-state") == "closing"
    assert page.locator("[data-just-closed]").is_hidden()

    page.clock.run_for(60 * 1000)  # alert.js checks every 30 s

    assert item.get_attribute("data-state") == "closed"
    assert page.locator("[data-just-closed]").is_visible()
    assert page.locator(f"[data-just-closed] {_item_selector(closing['path'])}").count() == 1
    page.close()


def test_without_javascript_the_built_state_stands(browser, server, closing):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.url(""), wait_until="load")
        item = _item(page, closing["path"])
        assert item.get_attribute("class").split()[1] == "alert-closing"
        assert item.locator("[data-state-badge]").text_content() == t("closing_soon")
        assert page.locator("[data-just-closed]").is_hidden()
        built = datetime.fromtimestamp(EPOCH, UTC)
        assert item.locator("[data-time-left]").text_content() == time_left(
            closing["deadline"], built, closing["lang"])
    finally:
        context.close()


@pytest.fixture(scope="module")
def hidden_site(tmp_path_factory):
    """The sample content built with ALERTS["home_closed"] = "hidden", served."""
    from tests.browser.harness import ROOT

    alerts = {"closing_soon_hours": 72, "home_closed": "hidden"}
    site = build_site(tmp_path_factory.mktemp("hidden"), {},
                      settings={"PATH": str(ROOT / "content"), "ALERTS": alerts})
    assert site.result.ok, site.messages
    with serving(site.output) as server:
        yield server


def test_home_closed_hidden_hides_the_alert(context, hidden_site, closing, axe_source):
    page = context.new_page()
    trouble = _watch_requests(page, hidden_site.origin)
    page.clock.set_fixed_time(closing["deadline"] + timedelta(minutes=1))
    page.goto(hidden_site.url(""), wait_until="networkidle")
    assert page.locator("[data-just-closed]").count() == 0
    assert _item(page, closing["path"]).is_hidden()
    assert page.locator("li.alert-item:visible").count() > 0  # the others stay
    violations = _axe(page, axe_source)
    page.close()
    assert violations == [] and trouble == []


def test_when_every_listed_alert_has_closed_the_home_page_says_so(context, server):
    page = context.new_page()
    page.clock.set_fixed_time(datetime(2040, 1, 1))
    page.goto(server.url(""), wait_until="load")
    assert page.locator("[data-alert-list] li.alert-item[data-live]").count() == 0
    none = page.locator("[data-none-open]")
    alerts_left = page.locator("[data-alert-list] li.alert-item:visible").count()
    assert none.is_visible() == (alerts_left == 0)
    page.close()
