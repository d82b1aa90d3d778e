"""Whether an alert's share text, with its link and hashtags, fits in one post on X."""

from __future__ import annotations

from twitter_text import parse_tweet

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
    return parse_tweet(text).weightedLength


def check(alert, problems) -> int:
    """Record a problem when the alert's post is too long; return its weighted length."""
    text = alert.share_text or alert.title
    length = weighted_length(post_text(text, STAND_IN_URL, alert.hashtags))
    if length > MAX_WEIGHTED:
        line = alert.lines.get("share_text", alert.lines.get("title", 1))
        over = length - MAX_WEIGHTED
        problems.add(
            alert.source_path, line, "share_text",
            f"{length} of {MAX_WEIGHTED} characters with the link and hashtags; shorten it by "
            f"{over} (the link counts 23, each emoji or CJK character 2), or drop a hashtag",
        )
    return length
