"""Reduce a written alert page to what may shape its PDF: no clock text, scripts or attachments,
and nothing that print.css hides, so WeasyPrint neither parses nor styles it."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

#: Elements that never have content or an end tag, so they never open a skipped region.
VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()
)
#: Elements dropped with their content: nothing in them can reach the PDF.
#: <object>, <embed> and <iframe> could pull in other documents; scripts do not run in print.
DROPPED = frozenset({"script", "noscript", "template", "iframe", "object", "embed"})
#: What theme/static/css/print.css hides with `display: none !important`, dropped here
#: so WeasyPrint does not parse and style it for nothing. Only ever a subset of that
#: rule: tests/test_print_css.py checks each one against print.css.
PRINT_HIDDEN_TAGS = frozenset({"nav", "footer", "button"})
PRINT_HIDDEN_CLASSES = frozenset({"share", "skip", "no-print"})
#: Never copied: <meta> (render.py sets the PDF's metadata from the alert) and <link>
#: (print stylesheets go to Prepared.links; icons and feeds cannot shape the PDF, and
#: WeasyPrint would embed <link rel="attachment"> files in it).
UNCOPIED = frozenset({"meta", "link"})


def _tokens(attrs, attr: str) -> list[str]:
    """The space-separated words of an attribute, as written (class names are case-sensitive)."""
    for name, value in attrs:
        if name == attr and value:
            return value.split()
    return []


def _rel(attrs) -> list[str]:
    return [word.lower() for word in _tokens(attrs, "rel")]  # link types ignore case


def _dropped(tag: str, attrs) -> bool:
    """Whether the element and its content can never reach the PDF."""
    if tag in DROPPED or tag in PRINT_HIDDEN_TAGS or tag in UNCOPIED:
        return True
    if any(name in ("data-volatile", "hidden") for name, _ in attrs):
        return True
    classes = _tokens(attrs, "class")
    return any(c in PRINT_HIDDEN_CLASSES for c in classes) or (
        "button" in classes and "action" not in classes)  # .button:not(.action)


def _print_stylesheet(attrs) -> str | None:
    """The href of a <link> that WeasyPrint would load as a print stylesheet, else None."""
    values = dict(attrs)
    rel = _rel(attrs)
    kind = (values.get("type") or "text/css").split(";", 1)[0].strip().lower()
    media = [m.strip().lower() for m in (values.get("media") or "").split(",")]
    href = (values.get("href") or "").strip()
    if ("stylesheet" in rel and "alternate" not in rel and kind == "text/css" and href
            and ("print" in media or "all" in media or media == [""])):
        return href
    return None


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        # Character references stay as written: the output must be the input minus cuts.
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.skip: list[str] = []  # open elements inside a dropped region
        self.links: list[str] = []

    def _emit(self, text: str) -> None:
        if not self.skip:
            self.out.append(text)

    def _link(self, tag, attrs) -> None:
        if tag == "link" and not self.skip and (href := _print_stylesheet(attrs)):
            self.links.append(href)

    def handle_starttag(self, tag, attrs):
        self._link(tag, attrs)
        if self.skip:
            if tag not in VOID:
                self.skip.append(tag)
            return
        if _dropped(tag, attrs):
            if tag not in VOID:
                self.skip.append(tag)
            return
        if tag == "a" and "attachment" in _rel(attrs):
            # Keep the link, lose the rel that would make WeasyPrint embed its target.
            kept = [(n, v) for n, v in attrs if n != "rel"]
            self.out.append(_starttag(tag, kept))
            return
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self._link(tag, attrs)
        if self.skip or _dropped(tag, attrs):
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


@dataclass(frozen=True)
class Prepared:
    """An alert page as the PDF sees it."""

    #: The page without data-volatile elements, scripts, comments, embeds, <link>s,
    #: <meta> tags, or the page furniture print.css hides: about 40% of its HTML.
    html: str
    #: The hrefs of the print stylesheets it linked, in order. The worker loads them
    #: itself, parsing each once per process instead of once per PDF (styles.py).
    links: tuple[str, ...]


def prepare(html: str) -> Prepared:
    """What of a written alert page can shape its PDF."""
    parser = _Sanitizer()
    parser.feed(html)
    parser.close()
    return Prepared("".join(parser.out), tuple(parser.links))
