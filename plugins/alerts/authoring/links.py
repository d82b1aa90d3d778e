"""Checks for the links a writer puts in front-matter: only web, mail and phone links;
and the campaign parameters (utm_*) the share links and the email edition may add."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlencode, urlsplit, urlunsplit

SAFE_SCHEMES = ("https", "http", "mailto", "tel")
WEB_SCHEMES = ("https", "http")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_HOW = "write a full link that starts with https://, http://, mailto: or tel:"


class URLError(ValueError):
    """The link cannot be published; the message says why and how to write it."""


def check_url(raw: object, schemes: tuple[str, ...] = SAFE_SCHEMES) -> str:
    """Return `raw` when it is a safe absolute link of one of `schemes`, else raise."""
    if not isinstance(raw, str) or not raw.strip():
        raise URLError(f"a link is required; {_HOW}")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in raw):
        raise URLError(f"the link contains invisible control characters; retype it; {_HOW}")
    if raw != raw.strip() or any(ch.isspace() for ch in raw):
        raise URLError("the link contains spaces; remove them (write a space inside a link "
                       "as %20)")
    decoded = html.unescape(raw)
    if decoded != raw:
        raise URLError(f"the link contains HTML entities ({raw!r} reads as {decoded!r}); "
                       "write the characters themselves")
    if raw.startswith("//"):
        raise URLError(f"a link without a scheme (//host) is not allowed; {_HOW}")
    match = _SCHEME.match(raw)
    if not match:
        raise URLError(f"{raw!r} is not a full link; {_HOW}")
    scheme = match.group(1).lower()
    if scheme not in schemes:
        allowed = ", ".join(s + ":" for s in schemes)
        raise URLError(f"the {scheme}: scheme is not allowed; use one of {allowed}")
    rest = raw[match.end():]
    if scheme in WEB_SCHEMES:
        _check_web(raw)
    elif scheme == "mailto":
        address = rest.split("?", 1)[0]
        if not all(_EMAIL.match(part) for part in address.split(",")):
            raise URLError(f"{address!r} is not an email address; write mailto:name@example.org")
    elif scheme == "tel":
        if sum(ch.isdigit() for ch in rest) < 3 or not re.fullmatch(r"[+\d\-.()]+", rest):
            raise URLError(f"{rest!r} is not a phone number; write tel:+12025551234")
    return raw


def _check_web(raw: str) -> None:
    try:
        parts = urlsplit(raw)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise URLError(f"the link is malformed ({exc}); {_HOW}") from None
    if not host or ("." not in host.strip(".") and host != "localhost"):
        raise URLError(f"{raw!r} has no host name; write https://example.org/page")
    if parts.username or parts.password:
        raise URLError("a link must not carry a user name or password before the host")


def lookalike_warning(url: str, label: str | None = None) -> str | None:
    """Say why a link may mislead a reader: a non-ASCII or punycode host, or a label
    that names a different host than the link goes to."""
    if not url.lower().startswith(("http://", "https://")):
        return None
    host = (urlsplit(url).hostname or "").lower()
    if any(ord(ch) > 127 for ch in host) or any(p.startswith("xn--") for p in host.split(".")):
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            ascii_host = host
        return (f"the host {host!r} ({ascii_host}) uses non-Latin letters that can imitate "
                "another site; check that it is the site you mean")
    if label:
        named = re.search(r"\b((?:[a-z0-9-]+\.)+[a-z]{2,})\b", label.lower())
        if named and not _same_site(named.group(1), host):
            return (f"the label names {named.group(1)} but the link goes to {host}; "
                    "make them agree")
    return None


def _same_site(a: str, b: str) -> bool:
    a, b = a.removeprefix("www."), b.removeprefix("www.")
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def with_utm(url: str, source: str, medium: str, campaign: str) -> str:
    """`url` with utm_source, utm_medium and utm_campaign after its own query (before its
    #fragment): the only parameters the site ever adds to a link."""
    parts = urlsplit(url)
    extra = urlencode({"utm_source": source, "utm_medium": medium, "utm_campaign": campaign})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))
