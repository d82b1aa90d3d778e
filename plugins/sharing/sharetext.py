"""Whether an alert's share text, with its link and hashtags, fits in one post on X."""

from __future__ import annotations

#: X's limit in weighted characters (twitter-text v3: a link counts 23, CJK and emoji 2).
MAX_WEIGHTED = 280

# X counts any link it recognises as 23, whatever its length, so the post is measured
# with a stand-in: the same in development (no SITEURL) and for any public address, and
# not fooled by an address X would not link (an IP address, localhost).
STAND_IN_URL = "https://example.org/"


def post_text(text: str, url: str, hashtags) -> str:
    """The post X composes from the intent: text, link, then each #hashtag."""
    tags = " ".join("#" + tag for tag in hashtags)
    return " ".join(part for part in (text, url, tags) if part)


def weighted_length(text: str) -> int:
    """The length X counts for `text` (twitter-text v3 weighting)."""
    from twitter_text import parse_tweet  # ~0.4 s to import: only when a post may not fit

    return parse_tweet(text).weightedLength


def surely_fits(text: str, links: int = 0) -> bool:
    """True when `text` plus `links` links fits whatever X's rules: no character counts
    more than 2 and a link counts 23 (any link in the text has a dot), so most posts need
    no exact count."""
    return 2 * len(text) + 23 * (text.count(".") + links) <= MAX_WEIGHTED


def check(alert, problems) -> int:
    """Record a problem when the alert's post is too long; return its weighted length,
    or -1 when it plainly fits and was not measured."""
    text = alert.share_text or alert.title
    post = post_text(text, STAND_IN_URL, alert.hashtags)
    if surely_fits(post.replace(STAND_IN_URL, ""), links=1):
        return -1  # fits; not measured
    length = weighted_length(post)
    if length > MAX_WEIGHTED:
        line = alert.lines.get("share_text", alert.lines.get("title", 1))
        over = length - MAX_WEIGHTED
        problems.add(
            alert.source_path, line, "share_text",
            f"{length} of {MAX_WEIGHTED} characters with the link and hashtags; shorten it by "
            f"{over} (the link counts 23, each emoji or CJK character 2), or drop a hashtag",
        )
    return length
