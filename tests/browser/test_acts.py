"""The act on the page, in a visitor's browser (theme/static/js/act.js): offices that say
whether they are open now, in the office's own zone; the visitor's details filling the
call script and the emails; the email link rebuilt from what they wrote; the call log;
and nothing of it leaving the browser. Letters' own pages are not tested here."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from urllib.parse import quote, quote_plus, unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from alerts.authoring.mailto import MAX_LENGTH, compose
from tests.browser.harness import DESKTOP, NODE_MODULES, PHONE
from tests.browser.test_accessibility import WCAG21_AA, _describe
from tests.browser.test_behaviour import FOCUS_STYLE, tab_stops

pytestmark = pytest.mark.browser

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
#: The browser's own zone in every test: far from both offices, and a day ahead of them
#: in their evenings, so that a script reading the browser's clock would be caught.
ELSEWHERE = "Asia/Tokyo"
NEW_YORK, LOS_ANGELES = ZoneInfo("America/New_York"), ZoneInfo("America/Los_Angeles")
#: The sample's offices, found by their zone whatever the page's language.
WASHINGTON = '[data-office][data-hours*="America/New_York"]'
LONG_BEACH = '[data-office][data-hours*="America/Los_Angeles"]'

DETAILS = "alerts:details"
#: What a visitor types: distinctive, so that any trace of it in a request is found.
#: The name would load an image if the script ever wrote it as HTML.
TYPED = {
    "name": 'Zofia Quillfeather <img src="https://evil.example/x.png">',
    "zip": "90802-7731",
    "address": "4417 Wisteria Lane",
    "phone": "+1 562 555 0143",
    "city": "Quetzalport",
}
BLANKS = {
    "en": {"name": "Your name", "zip": "Your ZIP code", "address": "Your address",
           "phone": "Your phone", "city": "Your city"},
    "es": {"name": "Tu nombre", "zip": "Tu código postal", "address": "Tu dirección",
           "phone": "Tu teléfono", "city": "Tu ciudad"},
}
REACHED = {"en": "{n} of {m} offices reached", "es": "{n} de {m} oficinas contactadas"}
COPIED = {"en": "Copied. Paste it into your email.", "es": "Copiada. Pégala en tu correo."}


# -- fixtures and helpers -------------------------------------------------------------

@pytest.fixture(scope="module")
def acts(dev_site, pages) -> dict[str, str]:
    """Language ("en", "es") → path of the sample's page with acts, and its translation."""
    path = pages["acts"]
    soup = BeautifulSoup((dev_site / path / "index.html").read_text("utf-8"), "html.parser")
    found = {"en": path}
    for link in soup.select('link[rel="alternate"][hreflang^="es"]'):
        translated = (dev_site / path / link["href"]).resolve().relative_to(dev_site)
        found["es"] = translated.as_posix() + "/"
    assert "es" in found, f"{path} has no Spanish translation"
    built = BeautifulSoup((dev_site / found["es"] / "index.html").read_text("utf-8"),
                          "html.parser")
    assert built.select_one("section[data-act]"), f"{found['es']} has no act on the page"
    return found


@pytest.fixture
def new_context(browser):
    """Browser contexts in the far-away zone, closed at the end of the test."""
    made = []

    def make(**options):
        options = {"viewport": DESKTOP, "timezone_id": ELSEWHERE, **options}
        made.append(browser.new_context(**options))
        return made[-1]

    yield make
    for context in made:
        context.close()


def _open(context, url: str, at: datetime | None = None):
    page = context.new_page()
    if at is not None:
        page.clock.set_fixed_time(at)
    page.goto(url, wait_until="load")
    return page


def _mailto(href: str) -> dict[str, str]:
    """A mailto: link as {"to": …, "subject": …, "body": …}, decoded as RFC 6068 says
    (no `+` for a space, unlike a form's query string)."""
    parts = urlsplit(href)
    assert parts.scheme == "mailto", href
    fields = {"to": unquote(parts.path)}
    for pair in parts.query.split("&") if parts.query else []:
        name, _, value = pair.partition("=")
        fields[unquote(name)] = unquote(value)
    return fields


def _line_breaks_are_crlf(href: str) -> bool:
    return re.search(r"(?<!%0D)%0A|%0D(?!%0A)", href, re.IGNORECASE) is None


def _filled(text: str, lang: str, values: dict[str, str]) -> str:
    for field, blank in BLANKS[lang].items():
        if field in values:
            text = text.replace(f"[{blank}]", values[field])
    return text


def _storage(page, key: str):
    return page.evaluate("key => JSON.parse(localStorage.getItem(key))", key)


def _compose(page) -> dict:
    """The first email on the page: its address, fields and link."""
    box = page.locator("[data-compose]").first
    return {
        "to": box.get_attribute("data-to"),
        "subject": box.locator("[data-subject]").input_value(),
        "body": box.locator("[data-body]").input_value(),
        "written": box.locator("[data-body]").evaluate("el => el.defaultValue"),
        "href": box.locator("[data-mailto]").get_attribute("href"),
        "note_hidden": box.locator("[data-long-note]").is_hidden(),
    }


def _marks(page) -> dict[str, set[str]]:
    """Field → the texts of its blanks on the page."""
    found: dict[str, set[str]] = {}
    for field, text in page.eval_on_selector_all(
            "mark[data-fill]", "els => els.map(m => [m.dataset.fill, m.textContent])"):
        found.setdefault(field, set()).add(text)
    return found


def _fill_details(page, values: dict[str, str]) -> None:
    for field, value in values.items():
        page.fill(f'[data-detail="{field}"]', value)


#: Visible things in a section that stick out of the window, and how far the page and the
#: section scroll sideways (WCAG 1.4.10 Reflow).
OVERFLOW = """section => {
    const width = document.documentElement.clientWidth;
    const out = [...section.querySelectorAll('*')].filter(el => el.checkVisibility())
        .map(el => [el, el.getBoundingClientRect()])
        .filter(([, r]) => r.width && (r.right > width + 0.5 || r.left < -0.5))
        .map(([el, r]) => `${el.tagName.toLowerCase()}.${el.className} ` +
                          `${Math.round(r.left)}..${Math.round(r.right)}`);
    return {out, page: document.documentElement.scrollWidth - width,
            section: section.scrollWidth - section.clientWidth};
}"""


# -- open now ---------------------------------------------------------------------------

def _nb(text: str) -> str:
    """Spanish keeps "9 a.m." together with a narrow no-break space, as CLDR writes it."""
    return re.sub(r" (?=[ap]\.m\.)", "\u202f", text)


#: (office, its wall-clock time, English, Spanish). December 2026: no DST change near, the
#: alert still open (deadline Friday 11 December, 6 PM ET). 1 December is a Tuesday.
HOURS = [
    (WASHINGTON, datetime(2026, 12, 1, 8, 59, tzinfo=NEW_YORK),
     "Closed — opens today 9 AM ET", "Cerrado — abre hoy a las 9 a.m. ET"),
    (WASHINGTON, datetime(2026, 12, 1, 9, 0, tzinfo=NEW_YORK),
     "Open now, until 5 PM ET", "Abierto ahora, hasta las 5 p.m. ET"),
    (WASHINGTON, datetime(2026, 12, 1, 16, 59, tzinfo=NEW_YORK),
     "Open now, until 5 PM ET", "Abierto ahora, hasta las 5 p.m. ET"),
    (WASHINGTON, datetime(2026, 12, 1, 17, 0, tzinfo=NEW_YORK),
     "Closed — opens tomorrow 9 AM ET", "Cerrado — abre mañana a las 9 a.m. ET"),
    (WASHINGTON, datetime(2026, 12, 4, 17, 0, tzinfo=NEW_YORK),
     "Closed — opens Monday 9 AM ET", "Cerrado — abre lunes a las 9 a.m. ET"),
    (WASHINGTON, datetime(2026, 12, 5, 12, 0, tzinfo=NEW_YORK),
     "Closed — opens Monday 9 AM ET", "Cerrado — abre lunes a las 9 a.m. ET"),
    (WASHINGTON, datetime(2026, 12, 6, 23, 59, tzinfo=NEW_YORK),
     "Closed — opens tomorrow 9 AM ET", "Cerrado — abre mañana a las 9 a.m. ET"),
    (LONG_BEACH, datetime(2026, 12, 1, 8, 59, tzinfo=LOS_ANGELES),
     "Closed — opens today 9 AM PT", "Cerrado — abre hoy a las 9 a.m. PT"),
    (LONG_BEACH, datetime(2026, 12, 3, 17, 29, tzinfo=LOS_ANGELES),
     "Open now, until 5:30 PM PT", "Abierto ahora, hasta las 5:30 p.m. PT"),
    (LONG_BEACH, datetime(2026, 12, 3, 17, 30, tzinfo=LOS_ANGELES),
     "Closed — opens tomorrow 9 AM PT", "Cerrado — abre mañana a las 9 a.m. PT"),
    (LONG_BEACH, datetime(2026, 12, 4, 9, 0, tzinfo=LOS_ANGELES),
     "Open now, until 12 PM PT", "Abierto ahora, hasta las 12 p.m. PT"),
    (LONG_BEACH, datetime(2026, 12, 4, 11, 59, tzinfo=LOS_ANGELES),
     "Open now, until 12 PM PT", "Abierto ahora, hasta las 12 p.m. PT"),
    (LONG_BEACH, datetime(2026, 12, 4, 12, 0, tzinfo=LOS_ANGELES),
     "Closed — opens Monday 9 AM PT", "Cerrado — abre lunes a las 9 a.m. PT"),
]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(("office", "at", "en", "es"), HOURS,
                         ids=[f"{'dc' if o == WASHINGTON else 'lb'}-{at:%a-%H%M}"
                              for o, at, *_ in HOURS])
def test_open_now_is_reckoned_in_the_office_zone(lang, office, at, en, es, new_context,
                                                 server, acts):
    page = _open(new_context(), server.url(acts[lang]), at)
    shown = page.evaluate("""() => { const d = new Date();
        return [Intl.DateTimeFormat().resolvedOptions().timeZone, d.getDay(), d.getHours()]; }""")
    assert shown[0] == ELSEWHERE
    here = at.astimezone(ZoneInfo(ELSEWHERE))
    assert shown[1:] == [here.isoweekday() % 7, here.hour], "the clock was not frozen"
    line = page.locator(f"{office} [data-open-now]")
    assert line.text_content() == {"en": en, "es": _nb(es)}[lang]
    assert line.get_attribute("class") == "open-now " + (
        "is-open" if en.startswith("Open") else "is-closed")


def test_one_moment_two_offices(new_context, server, acts):
    """11:59 in Washington is 8:59 in Long Beach: one office open, the other not yet."""
    page = _open(new_context(), server.url(acts["en"]),
                 datetime(2026, 12, 1, 11, 59, tzinfo=NEW_YORK))
    assert page.text_content(f"{WASHINGTON} [data-open-now]") == "Open now, until 5 PM ET"
    assert page.text_content(f"{LONG_BEACH} [data-open-now]") == "Closed — opens today 9 AM PT"


def test_open_now_follows_the_clock(new_context, server, acts):
    page = new_context().new_page()
    page.clock.install(time=datetime(2026, 12, 1, 8, 59, 30, tzinfo=NEW_YORK))
    page.goto(server.url(acts["en"]), wait_until="load")
    line = page.locator(f"{WASHINGTON} [data-open-now]")
    assert line.text_content() == "Closed — opens today 9 AM ET"
    page.clock.run_for(61 * 1000)  # act.js looks again every minute
    assert line.text_content() == "Open now, until 5 PM ET"


# -- details ----------------------------------------------------------------------------

def test_details_fill_the_script_and_the_email_and_are_kept(new_context, server, acts):
    context = new_context()
    page = _open(context, server.url(acts["en"]))
    form = page.locator("[data-details]")
    assert form.is_visible(), "the details form stayed hidden"
    before = _compose(page)
    assert _marks(page) == {f: {f"[{b}]"} for f, b in BLANKS["en"].items()}
    assert "[Your name]" in before["written"] and "[Your ZIP code]" in before["written"]

    _fill_details(page, TYPED)

    assert _marks(page) == {f: {v} for f, v in TYPED.items()}
    assert page.locator("mark[data-fill]:not(.filled)").count() == 0
    assert _storage(page, DETAILS) == TYPED
    assert page.locator("mark[data-fill] img, .acts img").count() == 0
    email = _compose(page)
    expected = _filled(before["written"], "en", TYPED)
    assert "[" not in expected.split("Sincerely,")[1], expected
    assert email["body"] == expected
    link = _mailto(email["href"])
    assert link == {"to": email["to"], "subject": email["subject"],
                    "body": expected.replace("\n", "\r\n")}
    assert _line_breaks_are_crlf(email["href"]) and "%0D%0A" in email["href"]
    # The link the script builds is the one the site builds (plugins/alerts/authoring/mailto.py).
    assert email["href"] == compose((email["to"],), email["subject"], email["body"])

    page.reload(wait_until="load")
    values = {f: page.input_value(f'[data-detail="{f}"]') for f in TYPED}
    assert values == TYPED
    assert _marks(page) == {f: {v} for f, v in TYPED.items()}
    assert _compose(page)["href"] == email["href"]

    # One browser, one visitor: the Spanish page is filled in too.
    spanish = _open(context, server.url(acts["es"]))
    assert _marks(spanish) == {f: {v} for f, v in TYPED.items()}
    written = _compose(spanish)["written"]
    assert "[Tu nombre]" in written
    assert _compose(spanish)["body"] == _filled(written, "es", TYPED)

    page.click("[data-forget-details]")
    assert page.evaluate("k => localStorage.getItem(k)", DETAILS) is None
    assert [page.input_value(f'[data-detail="{f}"]') for f in TYPED] == [""] * len(TYPED)
    assert _marks(page) == {f: {f"[{b}]"} for f, b in BLANKS["en"].items()}
    assert page.locator("mark[data-fill].filled").count() == 0
    cleared = _compose(page)
    assert cleared["body"] == before["written"]
    assert _mailto(cleared["href"])["body"] == before["written"].replace("\n", "\r\n")
    page.reload(wait_until="load")
    assert _marks(page) == {f: {f"[{b}]"} for f, b in BLANKS["en"].items()}


def test_one_detail_cleared_shows_its_blank_again(new_context, server, acts):
    page = _open(new_context(), server.url(acts["en"]))
    _fill_details(page, {"name": "Ada Brightwater", "zip": "90802"})
    page.fill('[data-detail="name"]', "   ")
    assert _storage(page, DETAILS) == {"zip": "90802"}
    assert _marks(page)["name"] == {"[Your name]"}
    assert _marks(page)["zip"] == {"90802"}
    assert "[Your name]\n" in _compose(page)["body"]


def test_an_edited_letter_is_the_visitors_own(new_context, server, acts):
    page = _open(new_context(), server.url(acts["en"]))
    page.fill('[data-detail="name"]', "Ada Brightwater")
    body = page.locator("[data-compose] [data-body]").first
    body.press("Control+End")
    body.press_sequentially("\nPS: my grandmother is still searching.")
    edited = body.input_value()
    assert edited.endswith("Ada Brightwater\n[Your address], [Your ZIP code]\n"
                           "PS: my grandmother is still searching."), edited

    # Later details fill the script, but never overwrite what the visitor wrote.
    page.fill('[data-detail="name"]', "Ada B. Brightwater")
    page.fill('[data-detail="address"]', "9 Elm Street")
    assert body.input_value() == edited
    assert _marks(page)["name"] == {"Ada B. Brightwater"}
    email = _compose(page)
    assert _mailto(email["href"])["body"] == edited.replace("\n", "\r\n")

    subject = page.locator("[data-compose] [data-subject]").first
    subject.fill("Sign the Mexico letter, please")
    assert _mailto(_compose(page)["href"])["subject"] == "Sign the Mexico letter, please"
    # The other email on the page is not the one edited: it still follows the details.
    other = page.locator("[data-compose]").nth(1).locator("[data-body]").input_value()
    assert "Ada B. Brightwater\n9 Elm Street, [Your ZIP code]" in other


def test_an_edit_the_browser_puts_back_is_sent_and_kept(new_context, server, acts, pages):
    """Back on the page from another one, the browser restores the letter as the visitor
    left it (after the page's scripts have run): the link must carry that text, and the
    details must not overwrite it."""
    page = _open(new_context(), server.url(acts["en"]))
    page.fill('[data-detail="name"]', "Ada Brightwater")
    body = page.locator("[data-compose] [data-body]").first
    body.press("Control+End")
    body.press_sequentially("\nPS: written before leaving.")
    page.locator("[data-compose] [data-subject]").first.fill("My own subject")
    edited = body.input_value()
    page.goto(server.url(pages["about"]), wait_until="load")
    page.go_back(wait_until="load")
    page.wait_for_function("() => document.querySelector('[data-body]').value"
                           ".endsWith('PS: written before leaving.')")
    email = _compose(page)
    assert email["body"] == edited
    assert _mailto(email["href"]) == {"to": email["to"], "subject": "My own subject",
                                      "body": edited.replace("\n", "\r\n")}
    page.fill('[data-detail="name"]', "Bea Brightwater")
    assert body.input_value() == edited
    assert _marks(page)["name"] == {"Bea Brightwater"}
    # The second email, never edited, still follows the details.
    other = page.locator("[data-compose]").nth(1).locator("[data-body]").input_value()
    assert "\nBea Brightwater\n" in other


def test_details_changed_in_another_tab_show_here(new_context, server, acts):
    context = new_context()
    first = _open(context, server.url(acts["en"]))
    second = _open(context, server.url(acts["es"]))
    second.fill('[data-detail="name"]', "Ada Brightwater")
    first.wait_for_function("() => document.querySelector('mark[data-fill=name]')"
                            ".textContent === 'Ada Brightwater'")
    assert first.input_value('[data-detail="name"]') == "Ada Brightwater"
    second.click("[data-forget-details]")
    first.wait_for_function("() => document.querySelector('mark[data-fill=name]')"
                            ".textContent === '[Your name]'")
    assert first.input_value('[data-detail="name"]') == ""


def test_copy_the_letter_copies_what_the_visitor_wrote(new_context, server, acts):
    for lang in ("en", "es"):
        context = new_context(permissions=["clipboard-read", "clipboard-write"])
        page = _open(context, server.url(acts[lang]))
        page.fill('[data-detail="name"]', "Ada Brightwater")
        body = page.locator("[data-compose] [data-body]").first
        body.press("Control+End")
        body.press_sequentially("\nPS: thank you.")
        button = page.locator("[data-compose] [data-copy]").first
        assert button.is_visible()
        button.click()
        status = page.locator("[data-compose] [data-copied]").first
        status.wait_for(state="visible")
        page.wait_for_function("el => el.textContent !== ''", arg=status.element_handle())
        assert status.text_content() == COPIED[lang]
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == body.input_value()
        assert copied.endswith("\nPS: thank you.") and "Ada Brightwater" in copied


def test_a_failed_copy_selects_the_letter_and_says_so(new_context, server, acts):
    context = new_context()
    context.add_init_script(
        "navigator.clipboard.writeText = () => Promise.reject(new Error('denied'));")
    page = _open(context, server.url(acts["en"]))
    page.locator("[data-compose] [data-copy]").first.click()
    status = page.locator("[data-compose] [data-copied]").first
    page.wait_for_function("el => el.textContent !== ''", arg=status.element_handle())
    selected = page.evaluate("""() => { const el = document.activeElement;
        return el.matches('[data-body]') ? el.value.slice(el.selectionStart, el.selectionEnd)
                                         : null; }""")
    assert selected == _compose(page)["body"]
    assert status.text_content() == "Could not copy: select the letter and copy it yourself."


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_acts_words_leave_the_deadline_words_alone(lang, new_context, server, acts,
                                                       dev_site):
    built = BeautifulSoup((dev_site / acts[lang] / "index.html").read_text("utf-8"),
                          "html.parser")
    deadline = datetime.fromisoformat(built.select_one("[data-deadline]")["data-deadline"])
    page = _open(new_context(), server.url(acts[lang]), deadline - timedelta(hours=5, minutes=1))
    assert page.text_content("[data-time-left]") == {"en": "5 hours left",
                                                     "es": "quedan 5 horas"}[lang]


def test_a_letter_too_long_for_a_link_keeps_the_subject_only(new_context, server, acts):
    page = _open(new_context(), server.url(acts["en"]))
    email = _compose(page)
    assert email["note_hidden"]
    body = page.locator("[data-compose] [data-body]").first
    # Pad the letter so that its full link is exactly the longest allowed.
    room = MAX_LENGTH - len(compose((email["to"],), email["subject"], email["body"]))
    assert room > 10
    body.press("Control+End")
    page.keyboard.insert_text("x" * room)  # as a paste: one input event
    full = _compose(page)
    assert len(full["href"]) == MAX_LENGTH and full["note_hidden"]
    assert _mailto(full["href"])["body"] == full["body"].replace("\n", "\r\n")

    body.press_sequentially("x")  # one character more
    long = _compose(page)
    assert _mailto(long["href"]) == {"to": email["to"], "subject": email["subject"]}
    assert "body=" not in long["href"]
    assert page.locator("[data-compose] [data-long-note]").first.is_visible()

    body.press("Backspace")
    assert _compose(page)["href"] == full["href"]
    assert page.locator("[data-compose] [data-long-note]").first.is_hidden()


# -- the call log -----------------------------------------------------------------------

def _pressed(page) -> dict[str, str | None]:
    """Office → the outcome pressed for it, if any."""
    return page.evaluate("""() => Object.fromEntries(
        [...document.querySelectorAll('[data-office]')].map(li => {
            const on = [...li.querySelectorAll('[data-outcome]')]
                .filter(b => b.getAttribute('aria-pressed') === 'true');
            return [li.dataset.office, on.length ? on.map(b => b.dataset.outcome).join() : null];
        }))""")


def _press(page, office: str, outcome: str) -> None:
    page.click(f'{office} [data-call-log] [data-outcome="{outcome}"]')


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_call_log_counts_offices_reached_and_is_kept(lang, new_context, server, acts):
    page = _open(new_context(), server.url(acts[lang]))
    key = "alerts:calls:" + page.evaluate("location.pathname")
    offices = page.eval_on_selector_all("[data-office]", "els => els.map(e => e.dataset.office)")
    dc, lb = (page.get_attribute(sel, "data-office") for sel in (WASHINGTON, LONG_BEACH))
    assert sorted(offices) == sorted([dc, lb])
    summary = page.locator("[data-call-summary] [data-reached]")

    def reached(n):
        return REACHED[lang].format(n=n, m=2)

    assert page.locator("[data-call-log]").first.is_visible()
    assert page.locator("[data-call-summary]").is_visible()
    assert summary.text_content() == reached(0)
    assert _pressed(page) == {dc: None, lb: None}

    _press(page, WASHINGTON, "called")
    assert _pressed(page) == {dc: "called", lb: None}
    assert summary.text_content() == reached(1)
    _press(page, LONG_BEACH, "failed")  # not reached
    assert _pressed(page) == {dc: "called", lb: "failed"}
    assert summary.text_content() == reached(1)
    _press(page, LONG_BEACH, "message")  # replaces "couldn't get through"
    assert _pressed(page) == {dc: "called", lb: "message"}
    assert summary.text_content() == reached(2)
    assert _storage(page, key) == {dc: "called", lb: "message"}

    page.reload(wait_until="load")
    assert _pressed(page) == {dc: "called", lb: "message"}
    assert summary.text_content() == reached(2)

    _press(page, WASHINGTON, "called")  # pressed again: undone
    assert _pressed(page) == {dc: None, lb: "message"}
    assert summary.text_content() == reached(1)
    assert _storage(page, key) == {lb: "message"}

    page.click("[data-forget-calls]")
    assert _pressed(page) == {dc: None, lb: None}
    assert summary.text_content() == reached(0)
    assert page.evaluate("k => localStorage.getItem(k)", key) is None
    page.reload(wait_until="load")
    assert _pressed(page) == {dc: None, lb: None}


# -- privacy ----------------------------------------------------------------------------

#: Besides the typed texts themselves: their words that nothing on the site contains.
TELLTALES = ["Zofia", "Quillfeather", "90802-7731", "Wisteria", "555 0143", "Quetzalport",
             "Marigold", "Vendetta", "Zephyrquill"]


def _traces(values: list[str]) -> set[str]:
    """What typed text would look like in a URL or a form post: as typed, percent-encoded
    either way, and its telltale words."""
    found = set(TELLTALES)
    for value in values:
        found |= {value, quote(value), quote_plus(value), quote(value, safe="")}
    return {text.lower() for text in found}


def test_nothing_typed_leaves_the_browser(new_context, server, acts):
    """Every request the page makes while a visitor fills in, edits, copies, logs calls,
    reloads and changes language goes to the site itself, and carries nothing typed."""
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    requests, foreign, sockets, errors = [], [], [], []

    def route(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or url.startswith(server.origin + "/"):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", route)
    context.on("request", lambda r: requests.append((r.method, r.url, r.post_data or "")))
    context.on("page", lambda p: p.on("websocket", lambda ws: sockets.append(ws.url)))
    page = context.new_page()
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(server.url(acts["en"]), wait_until="networkidle")
    _fill_details(page, TYPED)
    body = page.locator("[data-compose] [data-body]").first
    body.press("Control+End")
    note = "Marigold-Octopus-Vendetta 7731"
    body.press_sequentially(f"\n{note}")
    page.locator("[data-compose] [data-subject]").first.fill("Zephyrquill petition")
    page.locator("[data-compose] [data-copy]").first.click()
    _press(page, WASHINGTON, "called")
    _press(page, LONG_BEACH, "message")
    page.wait_for_load_state("networkidle")
    page.reload(wait_until="networkidle")
    page.goto(server.url(acts["es"]), wait_until="networkidle")
    _press(page, WASHINGTON, "failed")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")

    assert foreign == [], f"requests to other sites: {foreign}"
    assert sockets == []
    assert errors == []
    assert any(url.endswith("/act.js") for _, url, _ in requests), "act.js was not loaded"
    assert {method for method, _, _ in requests} == {"GET"}, requests
    typed = _traces([*TYPED.values(), note, "Zephyrquill petition"])
    leaked = [(url, data, word) for _, url, data in requests for word in typed
              if word in unquote(url).lower() or word in url.lower() or word in data.lower()]
    assert leaked == [], f"typed words in requests: {leaked}"


# -- without JavaScript -------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "es"])
def test_without_javascript_the_page_is_written_out(lang, new_context, server, acts):
    page = _open(new_context(java_script_enabled=False, viewport=PHONE),
                 server.url(acts[lang]))
    assert page.locator("[data-details]").is_hidden()
    assert page.locator("[data-call-log]").count() == 2
    for selector in ("[data-call-log]", "[data-call-summary]", "[data-copy]",
                     "[data-long-note]"):
        shown = [el for el in page.locator(selector).all() if el.is_visible()]
        assert shown == [], f"{selector} is shown without JavaScript"
    assert _marks(page) == {f: {f"[{b}]"} for f, b in BLANKS[lang].items()}
    assert page.locator("mark[data-fill]").first.is_visible()
    assert [el.text_content() for el in page.locator("[data-open-now]").all()] == ["", ""]
    hours = page.text_content(f"{WASHINGTON} .hours")
    assert hours.strip() == {"en": "Hours: Mon–Fri 9 AM–5 PM ET",
                             "es": _nb("Horario: lun–vie 9 a.m.–5 p.m. ET")}[lang]
    for box in page.locator("[data-compose]").all():
        written = box.locator("[data-body]").input_value()
        href = box.locator("[data-mailto]").get_attribute("href")
        assert _mailto(href) == {"to": box.get_attribute("data-to"),
                                 "subject": box.locator("[data-subject]").input_value(),
                                 "body": written.replace("\n", "\r\n")}
        assert f"[{BLANKS[lang]['name']}]" in written
        assert _line_breaks_are_crlf(href)
    assert page.locator('[data-act] a[href^="tel:"]').count() == 2
    assert page.locator('[data-act="letter"] a[href]').count() >= 1
    fit = page.eval_on_selector(".take-action", OVERFLOW)
    assert fit == {"out": [], "page": 0, "section": 0}, f"at 375px without JavaScript: {fit}"


# -- the page in every state: axe, and no sideways scrolling at 375 px -------------------

@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_acts_in_use_pass_axe_and_fit_the_screen(lang, viewport, new_context, server,
                                                     acts):
    """axe's gate sees the page as it loads; here every state the acts can be in is shown
    at once: an office open and one closed, details filled, outcomes pressed, the long
    letter's note, the copy status."""
    context = new_context(viewport=viewport, permissions=["clipboard-read",
                                                          "clipboard-write"])
    page = _open(context, server.url(acts[lang]),
                 datetime(2026, 12, 1, 11, 59, tzinfo=NEW_YORK))
    assert page.locator(f"{WASHINGTON} .is-open").count() == 1
    assert page.locator(f"{LONG_BEACH} .is-closed").count() == 1
    _fill_details(page, {"name": "Maximiliana Montenegro-Villaseñor de la Cruz",
                         "zip": "90802", "address": "1234 Ocean Boulevard, Apartment 56B",
                         "phone": "+1 562 555 0143",
                         "city": "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"})
    _press(page, WASHINGTON, "called")
    _press(page, LONG_BEACH, "failed")
    boxes = page.locator("[data-compose]")
    long_body = boxes.nth(1).locator("[data-body]")
    long_body.press("Control+End")
    page.keyboard.insert_text(" Please." * 300)
    assert boxes.nth(1).locator("[data-long-note]").is_visible()
    boxes.first.locator("[data-copy]").click()
    page.wait_for_function("el => el.textContent !== ''",
                           arg=boxes.first.locator("[data-copied]").element_handle())
    page.locator('[data-act="letter"] details summary').click()
    page.mouse.move(0, 0)

    page.evaluate(AXE.read_text("utf-8"))
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                      resultTypes: ["violations"]})""", WCAG21_AA)
    assert result["violations"] == [], (
        f"{acts[lang]} at {viewport['width']}px, acts in use:\n"
        + _describe(result["violations"]))
    fit = page.eval_on_selector(".take-action", OVERFLOW)
    assert fit == {"out": [], "page": 0, "section": 0}, (
        f"{acts[lang]} at {viewport['width']}px: the take-action section does not fit: {fit}")


def test_the_details_and_calls_are_stored_as_json(new_context, server, acts):
    """Stored data a later version of the script can read: plain JSON under fixed keys."""
    page = _open(new_context(), server.url(acts["en"]))
    page.fill('[data-detail="city"]', "Long Beach")
    _press(page, WASHINGTON, "message")
    stored = page.evaluate("() => Object.fromEntries(Object.entries(localStorage))")
    path = page.evaluate("location.pathname")
    assert json.loads(stored[DETAILS]) == {"city": "Long Beach"}
    office = page.get_attribute(WASHINGTON, "data-office")
    assert json.loads(stored["alerts:calls:" + path]) == {office: "message"}
    assert set(stored) == {DETAILS, "alerts:calls:" + path}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_keyboard_reaches_every_control_of_the_acts_with_a_visible_focus(
        viewport, new_context, server, acts):
    page = _open(new_context(viewport=viewport), server.url(acts["en"]))
    wanted = page.evaluate("""() => {
        const els = [...document.querySelectorAll(
            '.acts :is(a[href], button, input, textarea, summary)')]
            .filter(el => el.checkVisibility());
        els.forEach((el, i) => { el.dataset.gate = String(i); });
        return els.map(el => el.id || el.innerText.trim());
    }""")
    assert len(wanted) > 20, wanted
    stops = tab_stops(page, 300)
    reached = {s["id"] for s in stops if s["id"] is not None}
    missed = [name for i, name in enumerate(wanted) if str(i) not in reached]
    assert missed == [], f"never reached with Tab: {missed}"

    page.evaluate("document.activeElement && document.activeElement.blur()")
    invisible = []
    for stop in stops:
        if stop["id"] is None:
            continue
        unfocused = page.eval_on_selector(f'[data-gate="{stop["id"]}"]', FOCUS_STYLE)
        if not stop["focusVisible"] or not (stop["outline"] or stop["shadow"]) \
                or unfocused == stop["style"]:
            invisible.append(f"{stop['tag']} {stop['text'][:40]!r}: {stop['style']}")
    assert invisible == [], "Tab stops without a visible focus style:\n" + "\n".join(invisible)
