"""Embeds in Chromium: a partner's page on another origin frames an alert's embed and the
open alerts' embed, which render inside the frame; the same page framing the alert page
itself gets nothing, as the alert page's `frame-ancestors 'none'` and X-Frame-Options
say. The site is served with its `_headers` (alerts.preview.serve), as a host would,
and no request leaves 127.0.0.1."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.browser.harness import StaticServer

pytestmark = pytest.mark.browser

PARTNER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A partner's page</title></head>
<body><h1>A partner's page</h1>
<iframe src="{src}" title="An alert" width="100%" height="260" style="border:0"></iframe>
</body></html>
"""


@pytest.fixture(scope="module")
def partner(tmp_path_factory, server, pages):
    """Another origin (its own port on 127.0.0.1) with a page framing each of ours."""
    folder = tmp_path_factory.mktemp("partner")
    for name, kind in (("embed", "embed"), ("list", "embed-list"), ("alert", "open")):
        (folder / f"{name}.html").write_text(
            PARTNER_PAGE.format(src=server.url(pages[kind])), "utf-8")
    srv = StaticServer(folder).start()
    assert srv.origin != server.origin
    yield srv
    srv.stop()


@pytest.fixture
def visit(context):
    """Open a partner page; return it, every URL the browser asked for (having refused
    any on a host other than 127.0.0.1) and every response."""
    seen, foreign, responses = [], [], []

    def route(route):
        url = route.request.url
        seen.append(url)
        if url.startswith(("data:", "about:")) or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            foreign.append(url)
            route.abort()  # nothing may leave the machine, even when the test fails

    context.route("**/*", route)
    context.on("response", lambda response: responses.append(response))

    def open_page(url: str):
        page = context.new_page()
        page.goto(url, wait_until="load")
        return page, seen, responses

    yield open_page
    assert foreign == [], f"requests left 127.0.0.1: {foreign}"


def frame_of(page):
    """The partner page's one frame."""
    frames = [f for f in page.frames if f != page.main_frame]
    assert len(frames) == 1, [f.url for f in page.frames]
    return frames[0]


def test_a_partner_page_shows_the_embed(visit, partner, server, pages, dev_site):
    page, seen, _ = visit(partner.url("embed.html"))
    embed_url = server.url(pages["embed"])
    frame = frame_of(page)
    assert frame.url == embed_url
    title = BeautifulSoup((dev_site / pages["open"] / "index.html").read_text("utf-8"),
                          "html.parser").h1.text
    frame.locator("h1").wait_for()
    assert frame.locator("h1").inner_text() == title
    assert frame.locator("a.full").get_attribute("target") == "_blank"
    assert frame.locator("a.button").count() == 1
    # Styled by its own stylesheet: the button has the brand's background.
    colour = frame.locator("a.button").evaluate("a => getComputedStyle(a).backgroundColor")
    assert colour == "rgb(163, 18, 31)"
    ours = [u for u in seen if u.startswith(server.origin)]
    assert ours == [embed_url, server.url("theme/css/embed.css")]


def test_a_partner_page_shows_the_open_alerts(visit, partner, server, pages):
    page, _, _ = visit(partner.url("list.html"))
    frame = frame_of(page)
    frame.locator(".embed-list").wait_for()
    assert frame.locator(".embed-list > li").count() >= 2
    assert frame.locator(".embed-closed").count() == 0


def test_a_partner_page_cannot_frame_the_alert_page(visit, partner, server, pages):
    alert_url = server.url(pages["open"])
    page, _, responses = visit(partner.url("alert.html"))
    frame = frame_of(page)
    # The page was sent, with what forbids framing it…
    [sent] = [r for r in responses if r.url == alert_url]
    assert sent.status == 200
    assert sent.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in sent.headers["content-security-policy"]
    # …and Chromium showed none of it: the frame holds its own error page instead.
    assert frame.url != alert_url
    assert frame.evaluate("document.querySelector('[data-alert]')") is None
    assert page.locator("h1").inner_text() == "A partner's page"
