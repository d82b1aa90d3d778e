"""The share-text check: each network's length of text, link and hashtags, counted as that
network counts (X: twitter-text v3 weighting; Bluesky: graphemes; Mastodon: graphemes with
links as 23; Threads: characters)."""

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
from sharing import sharetext, sharing
from sharing.sharing import jinja_globals

CONFORMANCE = Path(__file__).parent / "fixtures" / "twitter-text" / "validate-weighted-length.yml"
CASES = yaml.safe_load(CONFORMANCE.read_text(encoding="utf-8"))["tests"][
    "WeightedTweetsWithDiscountedEmojiCounterTest"]
SITE = "https://alerts.example.org"
URL = f"{SITE}/alerts/save-the-park/"


def make_alert(**changes) -> Alert:
    return park_alert(**{"lines": {"title": 2, "share_text": 7}, **changes})


def check(alert, problems, **share) -> dict[str, int]:
    """sharetext.check on the links the alert's page would list with SHARE = `share`."""
    settings = {"SITEURL": SITE, "SITENAME": "Action Alerts", "SHARE": share}
    links = jinja_globals(settings, lambda alert, settings: None)["share_links"](alert)
    return sharetext.check(alert, problems, links)


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
    assert check(make_alert(), problems) == {}  # plainly fits everywhere: not counted
    assert not problems.errors and not problems.warnings


def test_exactly_280_fits_and_281_does_not():
    text = "x" * (280 - 1 - 23 - 1 - len("#SaveThePark"))
    post = sharetext.post_text(text, URL, ("SaveThePark",))
    assert sharetext.weighted_length(post) == 280
    problems = Problems()
    assert check(make_alert(share_text=text), problems, networks=["x"]).get("x", 280) == 280
    assert not problems
    assert check(make_alert(share_text=text + "x"), problems, networks=["x"]) == {"x": 281}
    assert [p.field for p in problems.errors] == ["share_text"]


def test_a_long_post_is_an_error_at_the_share_text_line():
    problems = Problems()
    text = "x" * 250 + "🌳"  # 252 weighted
    counted = check(make_alert(share_text=text), problems, networks=["x"])
    assert counted == {"x": 252 + 1 + 23 + 1 + 12}
    [problem] = problems.errors
    assert (problem.path, problem.line, problem.field) == (
        "content/alerts/save-the-park.md", 7, "share_text")
    assert problem.message == (
        "289 of 280 characters on X (the link counts 23, each emoji or CJK character 2), "
        "with the link and hashtags; shorten it by 9, or drop a hashtag")


def test_without_share_text_the_title_is_measured_at_its_line():
    problems = Problems()
    alert = make_alert(share_text="", title="T" * 300, lines={"title": 2})
    check(alert, problems)
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
    assert "x" not in check(make_alert(share_text=title), problems, networks=["x"])
    assert sharetext.weighted_length(sharetext.post_text(title, URL, ("SaveThePark",))) <= 280


def test_copyright_sign_counts_two_in_the_bound():
    assert sharetext.upper_bound("\u00a9") == 2 == sharetext.weighted_length("\u00a9")
    assert sharetext.upper_bound("a") == 1


# -- every network with a limit -------------------------------------------------------

FAMILY = "👨\u200d👩\u200d👧"  # one grapheme of five code points
E_ACUTE = "e\u0301"  # one grapheme of two


def test_graphemes_are_user_perceived_characters():
    assert sharetext.graphemes(E_ACUTE) == 1
    assert sharetext.graphemes(FAMILY) == 1
    assert sharetext.graphemes("🇫🇷🇩🇪") == 2  # two flags, four regional indicators
    assert sharetext.graphemes("\u1100\u1161\u11a8") == 1  # a Hangul syllable in jamo
    assert sharetext.graphemes("\r\n") == 1
    assert sharetext.graphemes("ab") == 2


def grapheme_text(count: int) -> str:
    """`count` graphemes, far more code points: combining marks and ZWJ families."""
    pieces = [E_ACUTE, FAMILY, "a"]
    return "".join(pieces[i % 3] for i in range(count))


#: The page's link as Bluesky's app shortens it (host, then 13 characters of the path).
BLUESKY_LINK = "alerts.example.org/alerts/save-..."


def test_bluesky_counts_links_as_its_app_shortens_them():
    assert sharetext.bluesky_link(URL) == BLUESKY_LINK
    assert sharetext.bluesky_link("https://alerts.example.org/") == "alerts.example.org"
    assert sharetext.bluesky_link("https://a.org/abc?x=1#top") == "a.org/abc?x=1#top"
    assert sharetext.bluesky_link("http://A.org:8080/0123456789abcdef") == \
        "a.org:8080/0123456789ab..."
    assert sharetext.bluesky_text(f"Act: {URL}, now") == f"Act: {BLUESKY_LINK}, now"
    assert sharetext.bluesky_text("alerts/x/ is not a link") == "alerts/x/ is not a link"


def test_bluesky_allows_300_graphemes_and_not_301():
    room = 300 - len(f" {BLUESKY_LINK}")
    text = grapheme_text(room)
    assert len(text) > 300  # so the bound cannot pass it: it is counted
    problems = Problems()
    assert check(make_alert(share_text=text, hashtags=()), problems,
                 networks=["bluesky"]) == {"bluesky": 300}
    assert not problems
    assert check(make_alert(share_text=text + E_ACUTE, hashtags=()), problems,
                 networks=["bluesky"]) == {"bluesky": 301}
    [problem] = problems.errors
    assert problem.message == (
        "301 of 300 graphemes on Bluesky (the link counts as Bluesky shows it, its host and "
        "at most 16 more; each emoji 1), with the link and hashtags; shorten it by 1")


def test_bluesky_counts_the_hashtags_it_carries():
    room = 300 - len(f" {BLUESKY_LINK} #SaveThePark")
    problems = Problems()
    check(make_alert(share_text=grapheme_text(room)), problems, networks=["bluesky"])
    assert not problems
    check(make_alert(share_text=grapheme_text(room + 1)), problems, networks=["bluesky"])
    assert "301 of 300 graphemes on Bluesky" in problems.errors[0].message


def test_mastodon_counts_any_link_as_23():
    long_link = "https://example.org/" + "a" * 200
    assert sharetext.mastodon_text(f"see {long_link}.") == "see " + "x" * 23 + "."
    assert sharetext.mastodon_text("http://a.b/c, and HTTPS://x.org") == \
        "x" * 23 + ", and " + "x" * 23
    assert sharetext.mastodon_text("/alerts/x/ is not a link") == "/alerts/x/ is not a link"


def test_mastodon_allows_500_and_not_501():
    room = 500 - len(" ") - 23 - len(" #SaveThePark")  # our link, like any, counts 23
    text = grapheme_text(room)
    problems = Problems()
    assert check(make_alert(share_text=text), problems,
                 networks=["fediverse"]) == {"fediverse": 500}
    assert not problems
    # A link in the writer's text counts 23 too, however long.
    longer = text + " https://example.org/" + "a" * 300
    assert check(make_alert(share_text=longer), problems,
                 networks=["fediverse"]) == {"fediverse": 524}
    [problem] = problems.errors
    assert problem.message.startswith("524 of 500 characters on Mastodon (the link counts 23")


def test_threads_counts_every_character_and_the_link_in_full():
    room = 500 - len(f" {URL} #SaveThePark")
    problems = Problems()
    assert check(make_alert(share_text="t" * room), problems, networks=["threads"]) == {}
    assert not problems
    assert check(make_alert(share_text="t" * (room + 1)), problems,
                 networks=["threads"]) == {"threads": 501}
    assert "501 of 500 characters on Threads" in problems.errors[0].message


def test_one_error_names_every_network_the_text_is_too_long_for():
    problems = Problems()
    counted = check(make_alert(share_text="w" * 290), problems)
    assert counted["x"] == 290 + 1 + 23 + 1 + 12
    assert counted["bluesky"] == 290 + 1 + len(BLUESKY_LINK) + 1 + 12 == 338
    [problem] = problems.errors
    assert problem.line == 7
    assert problem.message == (
        "327 of 280 characters on X (the link counts 23, each emoji or CJK character 2) and "
        "338 of 300 graphemes on Bluesky (the link counts as Bluesky shows it, its host and "
        "at most 16 more; each emoji 1), with the link and hashtags; shorten it by 47, "
        "or drop a hashtag")


def test_only_the_networks_the_page_lists_are_checked():
    problems = Problems()
    assert check(make_alert(share_text="w" * 290), problems,
                 networks=["facebook", "fediverse", "email"]) == {}
    assert not problems


def test_utm_tags_count_where_the_link_counts_in_full():
    room = 500 - len(f" {URL} #SaveThePark")
    text = "w" * room
    problems = Problems()
    networks = ["threads", "bluesky", "fediverse"]
    check(make_alert(share_text=text[:200]), problems, networks=networks, utm=True)
    assert not problems
    check(make_alert(share_text=text), problems, networks=["threads"])
    assert not problems
    check(make_alert(share_text=text), problems, networks=["threads"], utm=True)
    [problem] = problems.errors
    assert "on Threads" in problem.message


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES | st.sampled_from(["w" * 40, " https://x.org/" + "a" * 30, FAMILY]),
                max_size=40).map("".join), st.booleans())
def test_what_plainly_fits_is_never_too_long_for_any_network(text, utm):
    alert = make_alert(share_text=text or "t")
    settings_ = {"SITEURL": SITE, "SITENAME": "Action Alerts", "SHARE": {"utm": utm}}
    links = jinja_globals(settings_, lambda alert, settings: None)["share_links"](alert)
    share = sharing.share_for(alert, settings_)
    if sharetext.plainly_fits(share, utm):
        problems = Problems()
        sharetext.check(alert, problems, links)
        assert not problems


def test_plainly_fits_passes_short_texts_and_not_long_ones():
    short = sharing.share_for(make_alert(), {"SITEURL": SITE})
    assert sharetext.plainly_fits(short, utm=True)
    long = sharing.share_for(make_alert(share_text="w" * 240), {"SITEURL": SITE})
    assert not sharetext.plainly_fits(long, utm=False)
