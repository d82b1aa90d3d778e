"""The share-text check: X's weighted length (twitter-text v3) of text, link and hashtags."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import park_alert
from hypothesis import given, settings
from hypothesis import strategies as st
from twitter_text import parse_tweet

from alerts.authoring.model import Alert
from alerts.build.problems import Problems
from sharing import sharetext

CONFORMANCE = Path(__file__).parent / "fixtures" / "twitter-text" / "validate-weighted-length.yml"
CASES = yaml.safe_load(CONFORMANCE.read_text(encoding="utf-8"))["tests"][
    "WeightedTweetsWithDiscountedEmojiCounterTest"]
URL = "https://alerts.example.org/alerts/save-the-park/"


def make_alert(**changes) -> Alert:
    return park_alert(**{"lines": {"title": 2, "share_text": 7}, **changes})


def test_the_vendored_section_is_complete():
    assert len(CASES) == 21


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_twitter_text_parser_meets_v3_conformance(case):
    assert parse_tweet(case["text"]).asdict() == case["expected"]


def test_post_text_is_text_link_then_hashtags():
    assert sharetext.post_text("Act now", URL, ("a", "b")) == f"Act now {URL} #a #b"
    assert sharetext.post_text("Act now", URL, ()) == f"Act now {URL}"


def test_link_counts_23_and_cjk_and_emoji_count_2():
    assert sharetext.weighted_length(URL) == 23
    assert sharetext.weighted_length(URL + "?utm_source=x&utm_medium=social") == 23
    assert sharetext.weighted_length("公園") == 4
    assert sharetext.weighted_length("🌳") == 2
    assert sharetext.weighted_length("👨\u200d👩\u200d👧") == 2


def test_a_post_that_fits_records_nothing():
    problems = Problems()
    assert sharetext.check(make_alert(), problems) == -1  # plainly fits: not measured
    assert not problems.errors and not problems.warnings


def test_exactly_280_fits_and_281_does_not():
    text = "x" * (280 - 1 - 23 - 1 - len("#SaveThePark"))
    post = sharetext.post_text(text, URL, ("SaveThePark",))
    assert sharetext.weighted_length(post) == 280
    problems = Problems()
    assert sharetext.check(make_alert(share_text=text), problems) in (-1, 280)
    assert not problems
    assert sharetext.check(make_alert(share_text=text + "x"), problems) == 281
    assert [p.field for p in problems.errors] == ["share_text"]


def test_a_long_post_is_an_error_at_the_share_text_line():
    problems = Problems()
    text = "x" * 250 + "🌳"  # 252 weighted
    length = sharetext.check(make_alert(share_text=text), problems)
    assert length == 252 + 1 + 23 + 1 + 12
    [problem] = problems.errors
    assert (problem.path, problem.line, problem.field) == (
        "content/alerts/save-the-park.md", 7, "share_text")
    assert problem.message.startswith("289 of 280 characters with the link and hashtags; "
                                      "shorten it by 9")


def test_without_share_text_the_title_is_measured_at_its_line():
    problems = Problems()
    alert = make_alert(share_text="", title="T" * 300, lines={"title": 2})
    sharetext.check(alert, problems)
    assert problems.errors[0].line == 2


def test_any_link_counts_23_so_the_site_address_does_not_matter():
    # X links https://example.org/… and a long public address alike, as 23 characters.
    short = sharetext.weighted_length(sharetext.post_text("Act", URL, ()))
    long_url = URL + "alerts/" + "x" * 200 + "/"
    assert sharetext.weighted_length(sharetext.post_text("Act", long_url, ())) == short
    assert sharetext.weighted_length(sharetext.post_text("Act", sharetext.STAND_IN_URL, ())) \
        == short


def bound_holds(text: str, with_link: bool) -> None:
    """The quick bound, taken as check() takes it, is never below X's count."""
    post = sharetext.post_text(text, sharetext.STAND_IN_URL if with_link else "", ())
    bound = sharetext.upper_bound(sharetext.post_text(text, "", ()), int(with_link))
    assert sharetext.weighted_length(post) <= bound


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.booleans())
def test_the_quick_bound_never_passes_a_post_that_is_too_long(text, with_link):
    bound_holds(text, with_link)


PIECES = st.sampled_from([*"ab .#*0\u00a9\u00ae\u200d\ufe0f\u20e3\u3002\uff0e:/\r\n",
                          "🌳", "👨", "公", "é", "e\u0301", "t.co", "x.org/a", "1.2.3.4",
                          "https://", "www.", "\u0958"])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=80).map("".join), st.booleans())
def test_the_quick_bound_holds_for_emoji_links_and_dots(text, with_link):
    bound_holds(text, with_link)


def test_a_long_latin_title_without_dots_is_not_measured():
    # 200 one-weight characters + a link + a hashtag stay below 280: no library call.
    title = ("Tell the council to fund the library, " * 6)[:200]
    problems = Problems()
    assert sharetext.check(make_alert(share_text=title), problems) == -1
    assert sharetext.weighted_length(sharetext.post_text(title, URL, ("SaveThePark",))) <= 280


def test_copyright_sign_counts_two_in_the_bound():
    assert sharetext.upper_bound("\u00a9") == 2 == sharetext.weighted_length("\u00a9")
    assert sharetext.upper_bound("a") == 1
