"""The fediverse share page in a real browser: from an alert's link to the visitor's server,
the server remembered, wrong names refused, the words never sent to any server, and no
request leaving the site."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.browser.harness import DESKTOP, PHONE
from tests.browser.test_accessibility import WCAG21_AA, _describe, axe_source  # noqa: F401

pytestmark = pytest.mark.browser

SERVER = "social.example"  # reserved (RFC 2606): never a real server, and never reached
REFUSED = ["https://mastodon.social", "mastodon.social/@me", "me@mastodon.social",
           "masto don.social", "", "mastodon", "-bad.example", "bad-.example",
           "a..example", "[::1]", "192.0.2.1", "social.example:0", "social.example:65536",
           "social.example:08443"]
BAD = ("That is not a server name. Write only the name, as in mastodon.social: without "
       "https://, a path, @ or spaces.")


class Visit:
    """A browser context on the local server: same-origin requests pass; a request for
    `https://<server>/…` is answered here and recorded (nothing reaches a network);
    anything else is recorded and refused."""

    def __init__(self, browser, server, viewport=DESKTOP, **options):
        self.origin = server.origin
        self.context = browser.new_context(viewport=viewport, **options)
        self.shares: list[str] = []  # requests for a fediverse server
        self.foreign: list[str] = []  # any other request that left the site
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if url.startswith(("data:", "blob:")) or f"{parts.scheme}://{parts.netloc}" == \
                self.origin:
            route.continue_()
        elif parts.scheme == "https" and parts.hostname == SERVER:
            self.shares.append(url)
            route.fulfill(status=200, content_type="text/html", body="<p>shared</p>")
        else:
            self.foreign.append(url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, server):
    made = []

    def make(**options) -> Visit:
        made.append(Visit(browser, server, **options))
        return made[-1]

    yield make
    for v in made:
        v.close()


def fediverse_link(page, server, path: str) -> tuple[str, str]:
    """Open the alert page at `path`; its fediverse link and the words it carries."""
    page.goto(server.url(path), wait_until="load")
    href = page.locator("a.share-fediverse").get_attribute("href")
    [text] = parse_qs(urlsplit(href).fragment)["text"]
    return href, text


def go(page, typed: str):
    page.fill("#fedi-server", typed)
    page.get_by_role("button", name="Go to my server").click()


def test_a_visitor_is_sent_to_their_server_which_is_remembered(visit, server, pages):
    v = visit()
    first = len(server.requests)
    page = v.context.new_page()
    href, text = fediverse_link(page, server, pages["open"])
    assert urlsplit(href).path == "/share/fediverse/" and urlsplit(href).query == ""
    page.locator("a.share-fediverse").click()
    page.wait_for_load_state("load")
    assert page.locator("[data-fedi-text]").text_content() == text  # as text, never HTML
    with page.expect_request(f"https://{SERVER}/**") as request:
        go(page, " Social.Example ")  # spaces around it trimmed, capitals lowered
    sent = urlsplit(request.value.url)
    assert (sent.scheme, sent.netloc, sent.path) == ("https", SERVER, "/share")
    assert sent.query.startswith("text=") and parse_qs(sent.query) == {"text": [text]}
    assert v.shares == [request.value.url]

    # A second visit: the server is filled in, one click shares.
    again = v.context.new_page()
    again.goto(server.url(pages["open"]), wait_until="load")
    again.locator("a.share-fediverse").click()
    again.wait_for_load_state("load")
    assert again.input_value("#fedi-server") == SERVER
    with again.expect_request(f"https://{SERVER}/**") as request:
        again.get_by_role("button", name="Go to my server").click()
    assert parse_qs(urlsplit(request.value.url).query) == {"text": [text]}

    # "Use another server" forgets it.
    third = v.context.new_page()
    third.goto(href if href.startswith("http") else server.url(href), wait_until="load")
    third.get_by_role("button", name="Use another server").click()
    assert third.input_value("#fedi-server") == ""
    assert third.evaluate("localStorage.getItem('fediverse-server')") is None

    # The words travelled after "#" only: our server never received them.
    log = server.requests[first:]
    assert any(entry.startswith("GET /share/fediverse/ ") for entry in log), log
    for needle in (text, quote(text), quote(text, safe=""), urlsplit(href).fragment):
        assert not any(needle in entry for entry in log), needle
    assert v.foreign == []


@pytest.mark.parametrize("typed", REFUSED)
def test_what_is_not_a_host_name_is_refused_and_never_visited(visit, server, pages, typed):
    v = visit()
    page = v.context.new_page()
    fediverse_link(page, server, pages["open"])
    page.locator("a.share-fediverse").click()
    page.wait_for_load_state("load")
    go(page, typed)
    error = page.get_by_role("alert")
    assert error.text_content() == BAD
    assert page.get_attribute("#fedi-server", "aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "fedi-server"
    assert page.evaluate("localStorage.getItem('fediverse-server')") is None
    # Then a good name: the only request that leaves is that one, so the refused one sent
    # nothing before it.
    with page.expect_request(f"https://{SERVER}:8443/**"):
        go(page, f"{SERVER}:8443")
    assert [urlsplit(url).netloc for url in v.shares] == [f"{SERVER}:8443"]
    assert v.foreign == []


def test_the_page_speaks_the_alerts_language(visit, server, pages):
    v = visit()
    page = v.context.new_page()
    href, text = fediverse_link(page, server, pages["translation"])
    lang = parse_qs(urlsplit(href).fragment)["lang"][0]
    assert lang.startswith("es")
    page.locator("a.share-fediverse").click()
    page.wait_for_load_state("load")
    box = page.locator("[data-fedi]")
    assert box.get_attribute("lang") == lang
    assert page.get_by_role("button", name="Ir a mi servidor").is_visible()
    assert page.locator("label[for=fedi-server]").text_content() == "Tu servidor"
    assert page.locator("[data-fedi-text]").text_content() == text
    assert page.title().startswith("Compartir en Mastodon — ")


def test_without_javascript_the_page_says_what_it_needs(visit, server, pages):
    v = visit(java_script_enabled=False)
    page = v.context.new_page()
    page.goto(server.url(pages["fediverse"]) + "#text=Hello", wait_until="load")
    assert "only your browser reads" in page.locator("main").inner_text()
    assert not page.locator("#fedi-server").is_visible()


def test_without_words_to_share_the_page_says_where_to_come_from(visit, server, pages):
    v = visit()
    page = v.context.new_page()
    page.goto(server.url(pages["fediverse"]), wait_until="load")
    assert page.get_by_text("There is nothing to share").is_visible()
    assert not page.locator("#fedi-server").is_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_no_axe_violation_with_the_words_and_with_the_error(
        visit, server, pages, viewport, axe_source):  # noqa: F811 - the fixture
    v = visit(viewport=viewport)
    page = v.context.new_page()
    fediverse_link(page, server, pages["open"])
    page.locator("a.share-fediverse").click()
    page.wait_for_load_state("load")
    for state in ("words", "error"):
        if state == "error":
            go(page, "me@mastodon.social")
        page.evaluate(axe_source)
        result = page.evaluate(
            """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]})""", WCAG21_AA)
        violations = result["violations"]
        assert violations == [], f"{state} at {viewport['width']}px:\n{_describe(violations)}"
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{state} at {viewport['width']}px scrolls sideways"
    assert json.dumps(v.foreign) == "[]"


def test_markup_in_the_words_is_shown_as_text(visit, server, pages):
    v = visit()
    page = v.context.new_page()
    words = '<img src="x" onerror="document.title=1"><b>bold</b> & "quotes"'
    page.goto(server.url(pages["fediverse"]) + "#text=" + quote(words, safe=""),
              wait_until="load")
    post = page.locator("[data-fedi-text]")
    assert post.text_content() == words
    assert post.evaluate("el => el.children.length") == 0
    assert page.title() != "1"
    assert v.foreign == []
