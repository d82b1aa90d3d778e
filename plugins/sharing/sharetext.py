"""Whether an alert's share text, with its link and hashtags, fits in one post on X."""

from __future__ import annotations

import re
import unicodedata

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


#: What X counts as two: every code point outside twitter-text v3's one-weight ranges
#: (0-4351, 8192-8205, 8208-8223, 8242-8247), and the emoji © and ® inside them.
_HEAVY = re.compile("[\u00a9\u00ae\u1100-\u1fff\u200e\u200f\u2020-\u2031\u2038-\U0010ffff]")
#: Characters that may separate a domain's labels: any link X sees has one.
_DOTS = (".", "\u3002", "\uff0e", "\uff61")


def upper_bound(text: str, links: int = 0) -> int:
    """A weighted length X never exceeds for `text` joined by spaces to `links` links:
    each character counted alone (an emoji sequence or a link in the text never counts
    more than its characters plus 23 per dot), so most posts need no exact count."""
    text = unicodedata.normalize("NFC", text)
    heavy = len(_HEAVY.findall(text))
    dots = sum(text.count(dot) for dot in _DOTS)
    return len(text) + heavy + 23 * dots + 24 * links


def surely_fits(text: str, links: int = 0) -> bool:
    """True when `text` plus `links` links fits whatever else X's rules say."""
    return upper_bound(text, links) <= MAX_WEIGHTED


def check(alert, problems) -> int:
    """Record a problem when the alert's post is too long; return its weighted length,
    or -1 when it plainly fits and was not measured."""
    text = alert.share_text or alert.title
    if surely_fits(post_text(text, "", alert.hashtags), links=1):
        return -1  # fits; not measured
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
