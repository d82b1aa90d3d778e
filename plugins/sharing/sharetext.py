"""Whether an alert's share text, with its link and hashtags, fits in one post on each
network that limits a post's length: X, Bluesky, Mastodon and Threads.

Each network is measured on exactly the text its share link carries (sharing.links
composes it), counted the way that network counts. Nothing is ever cut: a text too long
for a listed network is an error naming the network.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

from sharing.links import tagged

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


def graphemes(text: str) -> int:
    """User-perceived characters: Unicode extended grapheme clusters (UAX #29), as
    Bluesky and Mastodon count them ("e" + a combining accent, or a family emoji joined
    by ZWJs, is one)."""
    import regex  # only for a text longer than a limit in code points

    return len(regex.findall(r"\X", text))


#: A link as Mastodon and Bluesky find one in a post: an http(s) address up to a space,
#: without the punctuation that usually follows one. (Their own patterns find bare
#: domains too, which count here as written: never less than they count.)
_URL = re.compile(r"https?://\S*[^\s.,:;!?'\")\]}>]", re.IGNORECASE)
MASTODON_URL_LENGTH = 23


def mastodon_text(text: str) -> str:
    """`text` as Mastodon's length check sees it: each link as 23 characters."""
    return _URL.sub("x" * MASTODON_URL_LENGTH, text)


def bluesky_link(url: str) -> str:
    """A link as Bluesky's app writes it into the post it counts: the host, then the path,
    query and fragment, cut to 13 characters and "..." when longer than 15."""
    parts = urlsplit(url)
    # The browser's URL parser percent-encodes what is not ASCII before Bluesky cuts.
    path = quote(("" if parts.path == "/" else parts.path)
                 + (f"?{parts.query}" if parts.query else "")
                 + (f"#{parts.fragment}" if parts.fragment else ""),
                 safe="/?#[]@!$&'()*+,;=:%~")
    host = parts.netloc.rpartition("@")[2].lower()
    return f"{host}{path[:13]}..." if len(path) > 15 else host + path


def bluesky_text(text: str) -> str:
    """`text` as Bluesky counts it: each link shortened as its app shows it."""
    return _URL.sub(lambda match: bluesky_link(match[0]), text)


@dataclass(frozen=True)
class Limit:
    """One network's limit on a post, and how it counts."""

    network: str  # id in sharing.links.NETWORKS
    name: str  # as the error names it
    most: int
    unit: str  # what `most` counts, as the error says it
    how: str  # how the link and special characters count, as the error says it
    #: The post as the network counts it, from the URL of its share link.
    post: Callable[[str], str]
    #: An upper bound of `count`, cheap, so that most posts need no exact count.
    bound: Callable[[str], int]
    count: Callable[[str], int]


def _param(url: str, name: str) -> str:
    """One parameter of a share link: from its query, or from its #fragment."""
    parts = urlsplit(url)
    values = parse_qs(parts.query) or parse_qs(parts.fragment)
    return values.get(name, [""])[0]


def _x_post(url: str) -> str:
    # X composes text, link and #hashtags itself; any link counts 23 (the stand-in).
    tags = [tag for tag in _param(url, "hashtags").split(",") if tag]
    return post_text(_param(url, "text"), STAND_IN_URL, tags)


#: Every network with a limit, in the order the error names them.
LIMITS = (
    Limit("x", "X", MAX_WEIGHTED, "characters",
          "the link counts 23, each emoji or CJK character 2", _x_post,
          # The stand-in, like any link, is at most 24 with its space (see upper_bound).
          lambda post: upper_bound(post.replace(STAND_IN_URL, "", 1), links=1),
          weighted_length),
    Limit("bluesky", "Bluesky", 300, "graphemes",
          "the link counts as Bluesky shows it, its host and at most 16 more; each emoji 1",
          lambda url: bluesky_text(_param(url, "text")), len, graphemes),
    Limit("fediverse", "Mastodon", 500, "characters",
          "the link counts 23, each emoji 1", lambda url: mastodon_text(_param(url, "text")),
          len, graphemes),
    # Meta does not say how Threads counts: each code point, the link in full, is the
    # stricter reading.
    Limit("threads", "Threads", 500, "characters", "the link counts in full",
          lambda url: _param(url, "text"), len, len),
)


def plainly_fits(share, utm: bool) -> bool:
    """True when `share` (sharing.links.Share) fits every network's limit however it is
    carried, counted generously without composing a link: most texts, which then need no
    link built, parsed or counted."""
    longest = max((limit.network for limit in LIMITS), key=len)  # its UTM tags are longest
    link = tagged(share.url, longest, share.slug) if utm else share.url
    if upper_bound(post_text(share.text, "", share.hashtags), links=1) > MAX_WEIGHTED:
        return False
    post = post_text(share.text, link, share.hashtags)
    # At most the post's code points, each link in it perhaps counted as 23 (Mastodon).
    generous = len(post) + MASTODON_URL_LENGTH * post.lower().count("http")
    return generous <= min(limit.most for limit in LIMITS if limit.network != "x")


def measure(limit: Limit, url: str) -> int:
    """The length `limit`'s network counts for the post its share link `url` carries, or
    -1 when the post plainly fits and was not counted."""
    post = limit.post(url)
    if limit.bound(post) <= limit.most:
        return -1
    return limit.count(post)


def check(alert, problems, share_links: Iterable) -> dict[str, int]:
    """Record one problem when the alert's post is too long for any network in
    `share_links` (sharing.links.ShareLink, as its page lists them); return the length
    of each network's post that was counted (a post that plainly fits is not)."""
    urls = {link.network: link.url for link in share_links}
    counted, over = {}, []
    for limit in LIMITS:
        if limit.network not in urls:
            continue
        length = measure(limit, urls[limit.network])
        if length >= 0:
            counted[limit.network] = length
        if length > limit.most:
            over.append((limit, length))
    if over:
        line = alert.lines.get("share_text", alert.lines.get("title", 1))
        parts = " and ".join(f"{length} of {limit.most} {limit.unit} on {limit.name} "
                             f"({limit.how})" for limit, length in over)
        by = max(length - limit.most for limit, length in over)
        problems.add(alert.source_path, line, "share_text",
                     f"{parts}, with the link and hashtags; shorten it by {by}"
                     + (", or drop a hashtag" if alert.hashtags else ""))
    return counted
