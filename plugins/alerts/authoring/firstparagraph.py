"""The first paragraph of a rendered body, as plain text: the summary an alert without
one gets (for listings, meta descriptions and shares)."""

from __future__ import annotations

from html.parser import HTMLParser

#: Longer summaries are cut at a word and end in an ellipsis.
MAX_CHARS = 300


class _FirstParagraph(HTMLParser):
    """Collects the text inside the first <p>; ignores everything after it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.done = False
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "p" and not self.done:
            self.inside = True

    def handle_endtag(self, tag):
        if tag == "p" and self.inside:
            self.inside, self.done = False, True

    def handle_data(self, data):
        if self.inside:
            self.parts.append(data)


def first_paragraph(content: str) -> str:
    """The first paragraph of rendered HTML, as plain text on one line."""
    parser = _FirstParagraph()
    # Fed up to each "</p>" in turn: parsing stops soon after the first paragraph ends,
    # where a body is usually long (a "</p>" inside an attribute only means one more turn).
    start = 0
    while not parser.done and start < len(content):
        end = content.find("</p>", start)
        end = len(content) if end < 0 else end + 4
        parser.feed(content[start:end])
        start = end
    text = " ".join("".join(parser.parts).split())
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 3].rsplit(" ", 1)[0] + "…"
    return text
