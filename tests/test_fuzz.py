"""Property-based tests: any input to the front-matter parser, the link check or the card
text layout gives a value or a clean, named error — never a traceback."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts.authoring import frontmatter
from alerts.authoring.fields import ALERT_FIELDS, DATED, parse_fields
from alerts.authoring.links import URLError, check_url, lookalike_warning
from alerts.authoring.model import Action, Target
from alerts.authoring.outcomes import OUTCOMES, Update

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


#: Values that parse, or nearly do, so that every field's parser also gets past its
#: first check, not only arbitrary text.
FIELD_VALUES = st.sampled_from([
    "2026-11-20", "2026-12-20T17:00", "2026-12-20T17:00-05:00", "2027-03-14T02:30",
    "America/New_York", "Europe/Madrid", "Mars/Olympus", "en", "es-MX", "xx-!!", "draft",
    "published", "true", "no", "save-the-park", "Save The Park", "https://example.org/act",
    "tel:+12025550123", "mailto:a@b.org", "javascript:alert(1)", "call", "petiton",
    "a@b.org", "+1 202-555-0123", "Sign the petition", "here", "City council", "SaveThePark",
    "#Park", "images/x.jpg", "/etc/passwd",
])


def _texts(value) -> bool:
    return isinstance(value, tuple) and all(isinstance(v, str) and v for v in value)


#: What each field parses to when it parses.
PARSED = {
    **{key: lambda v: isinstance(v, str) and v == " ".join(v.split()) and v != ""
       for key in ("title", "summary", "author", "category", "image", "image_alt",
                   "image_caption", "share_text", "slug", "lang")},
    "status": lambda v: v in ("published", "draft", "hidden", "skip"),
    "translation": lambda v: isinstance(v, bool),
    "timezone": lambda v: isinstance(v, ZoneInfo),
    **{key: lambda v: isinstance(v, datetime) and v.tzinfo is not None
       for key in ("date", "modified", "deadline")},
    **{key: _texts for key in ("authors", "tags", "hashtags")},
    "targets": lambda v: isinstance(v, tuple) and v and all(isinstance(t, Target) for t in v),
    "actions": lambda v: isinstance(v, tuple) and v and all(isinstance(a, Action) for a in v),
    "updates": lambda v: isinstance(v, tuple) and v and all(isinstance(u, Update) for u in v),
    "outcome": lambda v: v in OUTCOMES,
    "outcome_date": lambda v: isinstance(v, datetime) and v.tzinfo is not None,
    "outcome_text": lambda v: isinstance(v, str) and v.strip() == v != "",
    "follow_up": lambda v: isinstance(v, str) and v.startswith(("alerts/", "https://")),
}
#: A message says what is wrong and then how to put it right: `…; how to fix it`, a
#: `did you mean …?`, an example (`e.g. …`), or what to write in so many words.
HINT = re.compile(r"; \S.*\S$|\?$|\be\.g\. |^(must be|each \w+ is|write) |is not true or false$")


FIELD_KEYS = st.sampled_from([*sorted(ALERT_FIELDS), "other"])
FIELD_VALUE = st.recursive(
    st.none() | st.text(max_size=30) | FIELD_VALUES,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["name", "url", "label", "kind", "role", "phone",
                                       "email", "x"]), inner, max_size=4),
    max_leaves=8)
#: Every field, each with a value that parses.
VALID_ALERT = {
    "title": "Save the park", "timezone": "Europe/Madrid", "date": "2026-11-20",
    "modified": "2026-11-21T10:00", "deadline": "2026-12-20T17:00",
    "summary": "The council votes.", "author": "Ana", "authors": ["Ana", "Ben"],
    "tags": "parks, budget", "category": "Parks", "slug": "save-the-park", "lang": "es-MX",
    "status": "draft", "translation": "true",
    "targets": [{"name": "Council", "role": "Members", "phone": "+1 202-555-0123",
                 "email": "a@b.org", "url": "https://example.org/c"}, "Mayor"],
    "actions": [{"label": "Sign the petition", "url": "https://example.org/act",
                 "kind": "petition"}],
    "image": "images/x.jpg", "image_alt": "A park.", "image_caption": "The park.",
    "share_text": "Save it", "hashtags": ["SavePark"],
    "updates": [{"date": "2026-11-22T10:00", "text": "The vote is delayed."}],
    "outcome": "won", "outcome_date": "2026-12-21", "outcome_text": "The park stays.",
    "follow_up": "alerts/next-one",
}
#: Arbitrary mappings, and the valid alert with some fields dropped or replaced by
#: arbitrary values (so that each parser's success is checked as often as its failures).
FIELDS = st.dictionaries(FIELD_KEYS, FIELD_VALUE) | st.builds(
    lambda changes, dropped: {**{k: v for k, v in VALID_ALERT.items() if k not in dropped},
                              **changes},
    st.dictionaries(FIELD_KEYS, FIELD_VALUE, max_size=3),
    st.sets(st.sampled_from(sorted(VALID_ALERT)), max_size=3))


def test_the_valid_alert_parses_cleanly():
    parsed, problems = parse_fields(VALID_ALERT, {}, ALERT_FIELDS, ZONE)
    assert problems == []
    assert set(parsed) == set(ALERT_FIELDS) == set(PARSED)
    for key, value in parsed.items():
        assert PARSED[key](value), (key, value)


# Twice the usual examples: as many arbitrary mappings as before, as many near-valid ones.
@settings(FAST, max_examples=400)
@given(FIELDS)
def test_any_field_values_give_values_or_problems(values):
    """What the loader can produce (str, None, lists, mappings) never crashes a parser:
    each field given gives a value of its type or a problem naming it, never both."""
    lines = {key: number for number, key in enumerate(values, start=2)}
    parsed, problems = parse_fields(values, lines, ALERT_FIELDS, ZONE)
    for line, field, message in problems:
        # The line of a value given, or 1 (the front-matter's start) for a missing one.
        assert isinstance(line, int) and (line == 1 or line in lines.values()), (field, line)
        assert isinstance(field, str) and (field in values or field in ALERT_FIELDS), field
        assert isinstance(message, str) and HINT.search(message), (field, message)
    troubled = {field for _, field, _ in problems}
    assert troubled >= set(values) - set(ALERT_FIELDS)  # unknown keys are named
    for key, value in parsed.items():
        if key == "timezone" and value in (ZONE, None):
            continue  # the site's zone, or None after a bad timezone (reported)
        assert key in values and PARSED[key](value), (key, value)
        assert key not in troubled, key
    for key, field in ALERT_FIELDS.items():
        if values.get(key) is not None and key not in parsed:
            # Dates are left unread when the timezone they are read in is wrong.
            assert key in troubled or (key in DATED and "timezone" in troubled), key
        elif values.get(key) is None and field.required:
            assert key in troubled, key


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
    from sharing.cards import draw as cards
    from sharing.cards import fonts as cardfonts
    from sharing.cards import text as cardtext

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
