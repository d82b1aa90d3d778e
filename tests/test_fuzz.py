"""Property-based tests: any input to the front-matter parser, the link check or the card
text layout gives a value or a clean, named error — never a traceback."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts import frontmatter
from alerts.fields import ALERT_FIELDS, parse_fields
from alerts.urls import URLError, check_url, lookalike_warning

FAST = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
ZONE = ZoneInfo("America/New_York")

#: Pieces writers (and attackers) put in front-matter, mixed with arbitrary text.
YAML_BITS = st.sampled_from([
    "---", "...", "title: ", "date: ", "deadline: ", "targets: ", "actions:", "  - ",
    "label: ", "url: ", "kind: ", "name: ", "- ", ": ", "&a ", "*a", "!!python/object ",
    "!!binary ", "!x ", "{", "}", "[", "]", '"', "'", "|", ">", "#", "\t", "\n", "\r\n",
    "NO", "12:30", "010", "~", "null", "2026-03-08T02:30", "javascript:alert(1)",
    "https://example.org/", "\u202e", "\ufeff", "\x00", "%YAML 1.1\n", "? ", "<<: ",
])
TEXT = st.lists(st.one_of(YAML_BITS, st.text(max_size=12)), max_size=40).map("".join)


@FAST
@given(TEXT)
def test_front_matter_gives_values_or_a_clean_error(text):
    try:
        front = frontmatter.split(text)
    except frontmatter.FrontMatterError as exc:
        assert exc.line >= 1 and exc.field and exc.message
        return
    assert isinstance(front.values, dict) and isinstance(front.body, str)
    _, problems = parse_fields(front.values, front.lines, ALERT_FIELDS, ZONE)
    for line, field, message in problems:
        assert isinstance(line, int) and line >= 1 and field and message


@FAST
@given(st.dictionaries(
    st.sampled_from([*sorted(ALERT_FIELDS), "other"]),
    st.recursive(st.none() | st.text(max_size=30),
                 lambda inner: st.lists(inner, max_size=3)
                 | st.dictionaries(st.sampled_from(["name", "url", "label", "kind", "role",
                                                    "phone", "email", "x"]), inner,
                                   max_size=4),
                 max_leaves=8)))
def test_any_field_values_give_values_or_problems(values):
    """What the loader can produce (str, None, lists, mappings) never crashes a parser."""
    parse_fields(values, {key: 2 for key in values}, ALERT_FIELDS, ZONE)


URL_BITS = st.sampled_from([
    "https://", "http://", "mailto:", "tel:", "javascript:", "JaVaScRiPt:", "data:", "//",
    "&#58;", "&#x3a;", "&colon;", "%0a", " ", "\t", "\n", "\x00", "\u200b", "\u202e", "@",
    "example.org", "xn--", "exаmple.org", ":80", ":99999", "[::1]", "[", "?", "#", "/",
    "+1", "a@b.org",
])
URLS = st.lists(st.one_of(URL_BITS, st.text(max_size=6)), max_size=12).map("".join)


@FAST
@given(URLS, st.none() | st.text(max_size=40))
def test_url_check_accepts_safely_or_refuses(raw, label):
    try:
        url = check_url(raw)
    except URLError as exc:
        assert str(exc)
        return
    assert url == raw
    scheme = url.split(":", 1)[0].lower()
    assert scheme in ("https", "http", "mailto", "tel")
    assert url == url.strip() and not any(ord(ch) < 32 for ch in url)
    warning = lookalike_warning(url, label)
    assert warning is None or isinstance(warning, str)


def _card_fit():
    from sharing import cardfonts, cards, cardtext

    dirs = cardfonts.font_dirs()
    chain = cardfonts.resolve(cards.TITLE_FONTS, "en", dirs)
    return cardtext.fit, chain


CARD_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@FAST
@given(CARD_TEXT, st.sampled_from(["en", "es", "ar", "he", "ja"]),
       st.integers(100, 1100), st.integers(1, 6))
def test_card_title_layout_always_fits(title, lang, width, max_lines):
    fit, chain = _card_fit()
    block = fit(title, chain, lang, width, 600, range(88, 39, -2), max_lines, 1.2)
    assert 1 <= len(block.lines) <= max_lines or not title.split()
    assert 40 <= block.size <= 88
    assert all(isinstance(line, str) for line in block.lines)
