"""Reduce a written alert page to what may shape its PDF: no clock text, scripts or attachments."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

#: Elements that never have content or an end tag, so they never open a skipped region.
VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()
)
#: Elements dropped with their content: nothing in them can reach the PDF.
#: <object>, <embed> and <iframe> could pull in other documents; scripts do not run in print.
DROPPED = frozenset({"script", "noscript", "template", "iframe", "object", "embed"})


def _rel_tokens(attrs) -> list[str]:
    for name, value in attrs:
        if name == "rel" and value:
            return value.lower().split()
    return []


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        # Character references stay as written: the output must be the input minus cuts.
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.skip: list[str] = []  # open elements inside a dropped region

    def _emit(self, text: str) -> None:
        if not self.skip:
            self.out.append(text)

    def handle_starttag(self, tag, attrs):
        if self.skip:
            if tag not in VOID:
                self.skip.append(tag)
            return
        volatile = any(name == "data-volatile" for name, _ in attrs)
        rel = _rel_tokens(attrs)
        if tag == "link" and "attachment" in rel:
            return  # WeasyPrint embeds <link rel="attachment"> files into the PDF
        if volatile or tag in DROPPED:
            if tag not in VOID:
                self.skip.append(tag)
            return
        if tag == "a" and "attachment" in rel:
            # Keep the link, lose the rel that would make WeasyPrint embed its target.
            kept = [(n, v) for n, v in attrs if n != "rel"]
            self.out.append(_starttag(tag, kept))
            return
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        if self.skip:
            return
        if tag == "link" and "attachment" in _rel_tokens(attrs):
            return
        if any(name == "data-volatile" for name, _ in attrs) or tag in DROPPED:
            return
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if self.skip:
            # Close up to the matching element, as the HTML parser would.
            if tag in self.skip:
                while self.skip and self.skip.pop() != tag:
                    pass
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self._emit(data)

    def handle_entityref(self, name):
        self._emit(f"&{name};")

    def handle_charref(self, name):
        self._emit(f"&#{name};")

    def handle_comment(self, data):
        pass  # comments never print, and templates put build notes in them

    def handle_decl(self, decl):
        self._emit(f"<!{decl}>")

    def handle_pi(self, data):
        pass

    def unknown_decl(self, data):
        self._emit(f"<![{data}]>")


def _starttag(tag: str, attrs) -> str:
    parts = [tag] + [n if v is None else f'{n}="{escape(v, quote=True)}"' for n, v in attrs]
    return "<" + " ".join(parts) + ">"


def prepare(html: str) -> str:
    """The page without data-volatile elements, scripts, comments, embeds or attachment links."""
    parser = _Sanitizer()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)
