"""Gate: the search page finds exactly the expected alerts of the sample site — by a word
from one alert's body, by a target's name, and by each value of each filter — in Chromium,
with Pagefind's WebAssembly allowed by the page's own policy, nothing asked of another
site, and zero axe violations at 1280 and 375 px with results and filters on screen.

What is expected is read from the built alert pages themselves (their words and the
filters they give the index), so the sample content can change without editing this.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.browser.harness import DESKTOP, NODE_MODULES, PHONE
from tests.browser.test_accessibility import WCAG21_AA, _describe

pytestmark = pytest.mark.browser


def _indexed(site) -> dict[str, dict]:
    """Every alert page the index holds (URL path → its language, words and filters)."""
    found = {}
    for file in sorted((site / "alerts").rglob("index.html")):
        soup = BeautifulSoup(file.read_text("utf-8"), "html.parser")
        data = soup.select_one("article[data-pagefind-body] .search-data")
        if data is None:
            continue  # an embed or a letter
        filters: dict[str, set] = {}
        for span in data.select("[data-pagefind-filter]"):
            filters.setdefault(span["data-pagefind-filter"], set()).add(span.get_text())
        path = "/" + file.parent.relative_to(site).as_posix() + "/"
        found[path] = {"lang": soup.html["lang"].split("-")[0],
                       "body": soup.select_one(".body").get_text(" "),
                       "text": soup.select_one("article").get_text(" ").lower(),
                       "filters": filters}
    return found


@pytest.fixture(scope="module")
def indexed(dev_site):
    pages = _indexed(dev_site)
    assert {info["lang"] for info in pages.values()} >= {"en", "es"}, pages
    return pages


@pytest.fixture
def search_page(browser, server, pages):
    """The search page in the site's language, loaded, with every request watched."""
    context = browser.new_context(viewport=DESKTOP)
    foreign, console = [], []

    def route(route):
        url = route.request.url
        parts = urlsplit(url)
        if url.startswith(("data:", "blob:")) or \
                f"{parts.scheme}://{parts.netloc}" == server.origin:
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: console.append(f"uncaught: {exc}"))
    page.goto(server.url(pages["search"]), wait_until="networkidle")
    page.wait_for_selector("[data-search]:not([hidden]) [data-filter]", state="attached")
    yield page
    context.close()
    assert foreign == [], f"the search page asked another origin for: {foreign}"
    assert console == [], f"console: {console}"


def _results(page, act) -> list[str]:
    """Do `act`, wait until the page shows the search it started, return the URL paths."""
    before = page.get_attribute("[data-search]", "data-searched")
    act()
    page.wait_for_function(
        """before => {
             const root = document.querySelector("[data-search]");
             return root.getAttribute("data-searched") !== before;
           }""", arg=before)
    return page.eval_on_selector_all(
        "[data-search-results] h3 a", "links => links.map(a => new URL(a.href).pathname)")


def _search(page, words: str) -> list[str]:
    return _results(page, lambda: page.fill("#search-terms", words))


def test_a_word_from_one_alerts_body_finds_that_alert(search_page, indexed):
    english = {p: i for p, i in indexed.items() if i["lang"] == "en"}
    # A word of the body that no other alert page has, chosen from the built pages.
    word, path = next((w, p) for p, info in english.items() for w in info["body"].split()
                      if w.isalpha() and len(w) > 7
                      and all(w.lower() not in o["text"] for q, o in indexed.items() if q != p))
    assert sorted(_search(search_page, word)) == [path], word
    status = search_page.inner_text("[data-search-status]")
    assert status == "1 alert found."
    # Nothing typed and no filter: the page asks for a word again.
    assert _search(search_page, "") == []


def test_a_targets_name_finds_the_alerts_to_that_target(search_page, indexed):
    english = {p: i for p, i in indexed.items() if i["lang"] == "en"}
    targets = sorted({t for info in english.values() for t in info["filters"]["target"]})
    name = next(t for t in targets if len(t.split()) > 1)
    surname = max(name.replace(".", " ").split(), key=len)
    expected = sorted(p for p, info in english.items() if surname.lower() in info["text"])
    assert expected
    assert sorted(_search(search_page, surname)) == expected, surname


def test_each_filter_finds_exactly_its_alerts(search_page, indexed):
    english = {p: i for p, i in indexed.items() if i["lang"] == "en"}
    checks = search_page.eval_on_selector_all(
        "[data-filter]", "boxes => boxes.map(b => [b.dataset.filter, b.value, b.id])")
    keys = {key for key, _, _ in checks}
    assert keys == {"state", "topic", "target", "language"}, keys
    for key, value, box in checks:
        expected = sorted(p for p, info in english.items() if value in info["filters"][key])
        found = _results(search_page, lambda b=box: search_page.check(f"#{b}"))
        assert sorted(found) == expected, (key, value)
        _results(search_page, lambda b=box: search_page.uncheck(f"#{b}"))
    # Two values of one filter: either matches; and a second filter: both must.
    first, second = [(value, box) for key, value, box in checks if key == "state"][:2]
    _results(search_page, lambda: search_page.check(f"#{first[1]}"))
    found = _results(search_page, lambda: search_page.check(f"#{second[1]}"))
    either = {p for p, info in english.items()
              if info["filters"]["state"] & {first[0], second[0]}}
    assert sorted(found) == sorted(either) and len(either) >= 2
    topic, box = next((value, box) for key, value, box in checks if key == "topic"
                      and 0 < len({p for p in either
                                   if value in english[p]["filters"]["topic"]}) < len(either))
    found = _results(search_page, lambda: search_page.check(f"#{box}"))
    assert sorted(found) == sorted(p for p in either if topic in english[p]["filters"]["topic"])


def test_the_spanish_search_page_searches_every_spanish_version(browser, server, indexed):
    spanish = {p: i for p, i in indexed.items() if i["lang"] == "es"}
    regional = {v for info in spanish.values() for v in info["filters"]["language"]}
    assert len(regional) >= 2, regional  # "Español" and "Español (México)"
    page = browser.new_page()
    try:
        page.goto(server.url("search/es/"), wait_until="networkidle")
        page.wait_for_selector("[data-search]:not([hidden]) [data-filter]", state="attached")
        assert page.inner_text("h1") == "Buscar alertas"
        for value in sorted(regional):
            selector = f"[data-filter='language'][value={json.dumps(value, ensure_ascii=False)}]"
            box = page.eval_on_selector(selector, "b => b.id")
            found = _results(page, lambda b=box: page.check(f"#{b}"))
            assert sorted(found) == sorted(p for p, i in spanish.items()
                                           if value in i["filters"]["language"]), value
            _results(page, lambda b=box: page.uncheck(f"#{b}"))
    finally:
        page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_the_search_page_with_results_has_no_axe_violation(viewport, browser, server, pages):
    axe = (NODE_MODULES / "axe-core" / "axe.min.js").read_text("utf-8")
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(server.url(pages["search"]), wait_until="networkidle")
        page.wait_for_selector("[data-search]:not([hidden]) [data-filter]", state="attached")
        assert _search(page, "committee")  # results, filters and the count on screen
        # On a phone the filters start folded, so the results are on the first screens.
        folded = not page.eval_on_selector(".search-filters", "d => d.open")
        assert folded == (viewport == PHONE)
        if folded:
            page.click(".search-filters summary")
        assert page.is_visible("[data-filter]")
        page.evaluate(axe)
        result = page.evaluate(
            """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]})""", WCAG21_AA)
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    finally:
        context.close()
    assert result["violations"] == [], _describe(result["violations"])
    assert overflow <= 0, f"the search page scrolls sideways by {overflow}px"


def test_the_search_box_and_filters_are_reached_with_the_keyboard(search_page):
    search_page.focus("#search-terms")
    search_page.keyboard.type("committee")
    search_page.wait_for_function(
        "() => document.querySelectorAll('[data-search-results] li').length > 0")
    search_page.keyboard.press("Tab")  # past the filters' summary to the first checkbox
    search_page.keyboard.press("Tab")
    focused = search_page.evaluate("document.activeElement.dataset.filter")
    assert focused == "state"
    search_page.keyboard.press("Space")
    assert search_page.evaluate("document.activeElement.checked") is True


def test_without_javascript_the_page_links_the_browsing_pages(browser, server, pages):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.url(pages["search"]), wait_until="load")
        assert page.is_hidden("[data-search]")
        text = page.inner_text(".search-browse")
        assert "Searching needs JavaScript" in text
        links = page.eval_on_selector_all(".search-browse a",
                                          "links => links.map(a => new URL(a.href).pathname)")
        assert {"/tags/", "/targets/", "/archive/"} <= set(links), links
    finally:
        context.close()


def _language_counts(page) -> int:
    """The counts the Language filter's labels show, added up: one per alert."""
    labels = page.eval_on_selector_all(
        "[data-filter=language] + label", "labels => labels.map(l => l.textContent)")
    return sum(int(text.rsplit("(", 1)[1].rstrip(")")) for text in labels)


def test_filter_counts_follow_the_search(search_page, indexed):
    english = [p for p, i in indexed.items() if i["lang"] == "en"]
    assert _language_counts(search_page) == len(english)  # before a search: every alert
    word = next(w for p in english for w in indexed[p]["body"].split()
                if w.isalpha() and len(w) > 7
                and sum(w.lower() in indexed[q]["text"] for q in english) == 1)
    assert len(_search(search_page, word)) == 1
    assert _language_counts(search_page) == 1  # the one alert found
    _search(search_page, "")
    assert _language_counts(search_page) == len(english)


def test_a_checked_value_leaves_the_counts_of_its_own_filter_as_they_were(search_page):
    """Within a filter any checked value matches: checking one must not make the others
    of the same filter read (0)."""
    def state_counts() -> dict[str, int]:
        labels = search_page.eval_on_selector_all(
            "[data-filter=state] + label", "labels => labels.map(l => l.textContent)")
        return {t.rsplit(" (", 1)[0]: int(t.rsplit("(", 1)[1].rstrip(")")) for t in labels}

    before = state_counts()
    assert before.get("Open") and before.get("Closed"), before
    box = search_page.eval_on_selector_all(
        "[data-filter=state]", "boxes => boxes.filter(b => b.value === 'Closed')[0].id")
    found = _results(search_page, lambda: search_page.check(f"#{box}"))
    assert len(found) == before["Closed"]
    assert state_counts() == before  # Open still says how many checking it would add
