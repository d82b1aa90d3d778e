"""What the "pdfs" step prints: each alert's page, and each letter it offers to print.

Each is a Document: the written page it is made from, where its PDF goes, the alert's
file that problems name, its @page rules and its metadata. build.py renders them all the
same way, through one cache and one pool of workers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alerts.authoring.fields import line_of
from alerts.site.i18n import t
from alerts.site.letters import letter_action
from alerts.site.urls import SiteURLs
from printpdf.settings import public_root, site_origin

#: A letter's page: no top or side margin, so letter.css places the address from the
#: paper's edge (the `.page-letter` rules); the bottom one ends the page's text.
LETTER_MARGINS = "0 0 20mm"


@dataclass(frozen=True)
class Document:
    """One PDF to make."""

    page: str  # its page's URL relative to the site: the PDF cache's key, the job's name
    pdf: str  # the PDF's path in the output folder
    source: str  # the alert's file, which problems name
    line: int  # the line they name
    name: str  # what a problem calls it: "the PDF", "the letter to …"
    page_css: str  # its @page rules: size, margins, and the margin boxes' texts
    metadata: dict
    #: More pages than this is a problem; None: as many as it takes.
    max_pages: int | None = None


def documents(alerts, settings: dict) -> list[Document]:
    """Every PDF of these alerts, in page order: each alert's, then its letters'."""
    conf = settings["PDF"]
    preview = public_root(conf, settings) is None
    origin = site_origin(conf, settings)
    found = []
    for alert in alerts:
        # The address is isolated as left-to-right text, so an Arabic or Hebrew footer
        # does not move its slashes; a preview build has no address to show.
        address = t("preview", alert.lang) if preview else f"\u2066{origin + alert.url}\u2069"
        found.append(Document(
            alert.url, SiteURLs.pdf(alert), alert.source_path, 1, "the PDF",
            page_css(conf, settings.get("SITENAME") or "", address, alert.lang),
            metadata(alert, alert.title, settings)))
        action = letter_action(alert)
        for url, target, office in SiteURLs.letters(alert):
            found.append(Document(
                url, SiteURLs.letter_pdf(alert, target, office), alert.source_path,
                line_of(alert.lines, f"actions[{action.number - 1}].body"),
                f"the letter to {target.name}, {office.name}", letter_page_css(conf),
                metadata(alert, f"{alert.title} — {target.name}, {office.name}", settings),
                max_pages=1))
    return sorted(found, key=lambda document: document.page)


def metadata(alert, title: str, settings: dict) -> dict:
    """The PDF's metadata, from the alert rather than the page's <head>."""
    return {
        "title": title,
        "authors": list(alert.authors) or ([settings["AUTHOR"]] if settings.get("AUTHOR")
                                           else []),
        "description": alert.summary,
        "keywords": list(alert.tags),
        "created": alert.date.isoformat(timespec="seconds"),
        "modified": (alert.modified or alert.date).isoformat(timespec="seconds"),
        "lang": alert.lang,
        "generator": "Pelican",
    }


def page_css(conf: dict, site_name: str, address: str, lang: str | None) -> str:
    """The @page rules of one alert: size, margins, and the texts of the margin boxes
    (the site's name, the alert's address, the page count)."""
    before, _, rest = t("page_n_of_m", lang).partition("{n}")
    middle, _, after = rest.partition("{m}")
    counter = " ".join(part for part in (
        css_string(before) if before else "", "counter(page)",
        css_string(middle) if middle else "", "counter(pages)",
        css_string(after) if after else "") if part)
    # !important: an @page rule in the page's own print.css must not win, whatever its
    # specificity.
    return (f"\n@page {{ size: {conf['page_size']} !important; "
            f"margin: {conf['margins']} !important;\n"
            f"  @top-left {{ content: {css_string(site_name)}; }}\n"
            f"  @bottom-left {{ content: {css_string(address)}; }}\n"
            f"  @bottom-right {{ content: {counter}; }}\n}}\n"
            # The first page opens with the site's name itself (print.css): the running
            # header starts on the second.
            "@page :first { @top-left { content: none; } }\n")


def letter_page_css(conf: dict) -> str:
    """The @page rules of a letter: the site's page size, LETTER_MARGINS, and no running
    header, footer or page count — it is the sender's letter, not a page of the site."""
    return (f"\n@page {{ size: {conf['page_size']} !important; "
            f"margin: {LETTER_MARGINS} !important; }}\n")


#: What a CSS string literal escapes: quotes, backslashes and control characters.
_CSS_ESCAPED = re.compile(r'["\\\x00-\x1f\x7f]')


def css_string(text: str) -> str:
    """`text` as a CSS string literal, with quotes, backslashes and controls escaped."""
    return '"' + _CSS_ESCAPED.sub(lambda found: f"\\{ord(found[0]):x} ", text) + '"'
