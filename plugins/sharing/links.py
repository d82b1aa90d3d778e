"""Share links as plain URLs: one small function per network, kept in a registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, urlencode

from alerts.authoring import mailto
from alerts.authoring.links import with_utm
from alerts.site.i18n import t
from alerts.site.urls import DEFAULTS as URL_DEFAULTS


@dataclass(frozen=True)
class Share:
    """What a reader shares: the page link and the words that go with it."""

    url: str  # absolute link to the page, without any tracking parameters
    title: str
    text: str  # the writer's share text, or the title
    hashtags: tuple[str, ...]  # without '#'
    slug: str
    lang: str
    #: Our page that asks for the visitor's fediverse server (sharing.fediverse): absolute,
    #: or root-relative without SITEURL.
    fediverse_page: str = "/" + URL_DEFAULTS["SHARE_FEDIVERSE_URL"]


@dataclass(frozen=True)
class ShareLink:
    """One rendered link: which network, its accessible text and where it goes."""

    network: str
    label: str
    url: str

    # Unpacks as (network_id, label, url), the shape templates loop over.
    def __iter__(self):
        return iter((self.network, self.label, self.url))


@dataclass(frozen=True)
class Network:
    id: str
    name: str  # as shown in "Share on {name}"
    build: Callable[[Share, str], str]  # (share, link to share) -> share URL
    label_key: str = "share_on"


#: Every network, in the order the page lists them.
NETWORKS: dict[str, Network] = {}


def network(id: str, name: str, label_key: str = "share_on"):
    """Register a function (share, link) -> URL as the share target `id`."""

    def add(build: Callable[[Share, str], str]) -> Callable[[Share, str], str]:
        NETWORKS[id] = Network(id, name, build, label_key)
        return build

    return add


def _query(base: str, params: dict[str, str]) -> str:
    # %20 rather than '+' for spaces: every network decodes %20. (Email links are made
    # by alerts.authoring.mailto, as every mailto: on the site.)
    return base + "?" + urlencode({k: v for k, v in params.items() if v}, quote_via=_quote)


# The same text, title and link are quoted for each of a page's networks.
_quote = lru_cache(maxsize=256)(quote)


def _with_tags(text: str, share: Share, link: str) -> str:
    """Text, link and #hashtags in one message, for networks with a single text field."""
    tags = " ".join("#" + tag for tag in share.hashtags)
    return " ".join(part for part in (text, link, tags) if part)


@network("facebook", "Facebook")
def facebook(share: Share, link: str) -> str:
    return _query("https://www.facebook.com/sharer/sharer.php", {"u": link})


@network("x", "X")
def x(share: Share, link: str) -> str:
    return _query("https://twitter.com/intent/tweet",
                  {"text": share.text, "url": link, "hashtags": ",".join(share.hashtags)})


@network("bluesky", "Bluesky")
def bluesky(share: Share, link: str) -> str:
    return _query("https://bsky.app/intent/compose", {"text": _with_tags(share.text, share, link)})


@network("fediverse", "Mastodon", label_key="share_on_fediverse")
def fediverse(share: Share, link: str) -> str:
    # In the fragment, which browsers never send: no server, ours included, receives the
    # words; our page (theme/static/js/fediverse.js) reads them and asks for the server.
    words = urlencode({"text": _with_tags(share.text, share, link), "lang": share.lang},
                      quote_via=_quote)
    return f"{share.fediverse_page}#{words}"


@network("threads", "Threads")
def threads(share: Share, link: str) -> str:
    return _query("https://www.threads.com/intent/post",
                  {"text": _with_tags(share.text, share, link)})


@network("whatsapp", "WhatsApp")
def whatsapp(share: Share, link: str) -> str:
    return _query("https://wa.me/", {"text": _with_tags(share.text, share, link)})


@network("telegram", "Telegram")
def telegram(share: Share, link: str) -> str:
    return _query("https://t.me/share/url", {"url": link, "text": share.text})


@network("linkedin", "LinkedIn")
def linkedin(share: Share, link: str) -> str:
    return _query("https://www.linkedin.com/sharing/share-offsite/", {"url": link})


@network("reddit", "Reddit")
def reddit(share: Share, link: str) -> str:
    return _query("https://www.reddit.com/submit", {"url": link, "title": share.title})


@network("email", "email", label_key="share_by_email")
def email(share: Share, link: str) -> str:
    # Line breaks as CRLF (%0D%0A), as RFC 6068 asks, like every mailto: on the site.
    return mailto.compose((), share.title, f"{share.text}\n\n{link}")


def tagged(url: str, network_id: str, campaign: str) -> str:
    """`url` with utm_source=<network>, utm_medium=social and utm_campaign."""
    return with_utm(url, network_id, "social", campaign)


def share_links(share: Share, networks=None, utm: bool = False) -> list[ShareLink]:
    """The share links for `share`, for `networks` (ids, in order; all when None)."""
    links = []
    for net_id in NETWORKS if networks is None else networks:
        net = NETWORKS[net_id]
        link = tagged(share.url, net.id, share.slug) if utm else share.url
        label = t(net.label_key, share.lang, network=net.name)
        links.append(ShareLink(net.id, label, net.build(share, link)))
    return links
