"""mailto: links (RFC 6068): checked when a writer gives one, composed when we build one.

A supporter must see everyone an email goes to, so only `to`, `cc`, `subject` and `body`
are allowed, never `bcc`; and a line break may only be in the body (in any other header it
would add headers of its own). Composition encodes exactly as the page's script does with
encodeURIComponent, so the link a page is built with and the one it builds match.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

HEADERS = ("to", "cc", "subject", "body")
#: Where mail programs start to cut long links; a longer letter is pasted instead.
MAX_LENGTH = 2000
_SAFE = "!'()*"  # what encodeURIComponent leaves as it is, beyond letters, digits and -_.~


class MailtoError(ValueError):
    """What is wrong with a mailto: link and how to write it."""


def check(url: str) -> None:
    """Refuse a mailto: link with headers other than to, cc, subject and body, with bcc, or
    with an encoded line break outside the body."""
    _, _, query = url.partition("?")
    if not query:
        return
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        name = unquote(name).lower()
        if name == "bcc":
            raise MailtoError("the link has a bcc: a supporter cannot see who is secretly "
                              "copied; put the address in to= or cc= instead")
        if name not in HEADERS:
            raise MailtoError(f"the link sets the {name!r} header; only to, cc, subject and "
                              "body are allowed")
        if name != "body" and re.search(r"%0[ad]", value, re.IGNORECASE):
            raise MailtoError(f"the {name} header contains an encoded line break (%0D or "
                              "%0A), which would add headers of its own; remove it")


def encode(text: str) -> str:
    """Percent-encoding for a header value, line breaks as CRLF (%0D%0A)."""
    return quote(re.sub(r"\r\n|\r|\n", "\r\n", text), safe=_SAFE)


def compose(to: tuple[str, ...], subject: str | None, body: str | None) -> str:
    """mailto:a@x,b@y?subject=…&body=…"""
    fields = [(name, value) for name, value in (("subject", subject), ("body", body))
              if value]
    query = "&".join(f"{name}={encode(value)}" for name, value in fields)
    return "mailto:" + ",".join(quote(address, safe="@.+") for address in to) + (
        "?" + query if query else "")
