"""The email edition's body, twice: its links made absolute for the HTML, and written
out as plain text for the text part (alerts.site.emailedition)."""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urljoin

#: Link and photo addresses in cleaned Markdown HTML (nh3 writes every attribute value
#: in double quotes, with any quote inside escaped).
_ADDRESS = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
#: Where the text part breaks its lines; links are never broken.
WIDTH = 72
_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "figure", "pre",
           "table", "tr", "dl", "hr"}


def absolute_links(body: str, page: str, link: Callable[[str], str]) -> str:
    """`body` with every href and src resolved against `page` (photos beside the page,
    links to other pages of the site) and passed through `link` (the UTM tags)."""
    def absolute(match: re.Match) -> str:
        url = urljoin(page, html.unescape(match.group(2)))
        return match.group(1) + html.escape(link(url)) + match.group(3)

    return _ADDRESS.sub(absolute, body)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in _BLOCKS or tag in ("dt", "dd", "figcaption"):
            self.out.append("\n\n")
        if tag == "li":
            self.out.append("\n- ")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "a":
            self.links.append(attrs.get("href"))
            self.out.append("\x00")  # where the link's text starts
        elif tag == "img" and attrs.get("alt"):
            self.out.append(f"[{attrs['alt']}]")

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href = self.links.pop()
            start = max(i for i, piece in enumerate(self.out) if piece == "\x00")
            label = "".join(self.out[start + 1:]).strip()
            self.out[start:] = [label if not href or href in (label, "mailto:" + label)
                                else f"{label} ({href})" if label else href]
        elif tag in _BLOCKS or tag in ("dd", "figcaption"):
            self.out.append("\n\n")

    def handle_data(self, data):
        self.out.append(data.replace("\n", " "))  # a line break in HTML is a space


def plain(body: str) -> str:
    """Body HTML as text: a paragraph per block, "- " for list items, each link as
    "its words (its address)", each photo as [its description]."""
    parser = _Text()
    parser.feed(body)
    parser.close()
    return "".join(parser.out).replace("\x00", "")


def tidy(text: str) -> str:
    """Paragraphs wrapped at WIDTH (a long address stays on one line), one blank line
    between them, list items indented under their dash, and one newline at the end."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in block.strip("\n").split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        wrapped = []
        for line in lines:
            indent = "  " if line.startswith("- ") else ""
            wrapped.extend(textwrap.wrap(line, WIDTH, subsequent_indent=indent,
                                         break_long_words=False, break_on_hyphens=False))
        paragraphs.append("\n".join(wrapped))
    return "\n\n".join(paragraphs) + "\n"
