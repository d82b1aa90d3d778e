"""A printable page per letter: one for each target office with an address, for every
alert with a letter on the page (see SiteURLs.letters). The print plugin makes each a PDF.

The page (theme/templates/letter.html) is listed nowhere and asks search engines not to
index it: the alert's page links it. Its date is the build's "now" in the alert's zone,
so a letter printed from a site built today is dated today; a build on another day
writes it anew (alerts.build.unchanged asks `deadline.today`).
"""

from __future__ import annotations

from datetime import datetime, time

from pelican.generators import Generator

from alerts.authoring import deadline
from alerts.authoring.placeholders import Blank
from alerts.build import state as buildstate


class LetterPageGenerator(Generator):
    """Writes each alert's letters with the theme's letter.html."""

    def generate_output(self, writer):
        state = buildstate.current()
        template = self.get_template("letter")
        head_meta = self.env.globals.get("head_meta")
        for alert in _every_alert(state.alerts, self.context):
            action = letter_action(alert)
            for url, target, office in state.urls.letters(alert):
                writer.write_file(
                    state.urls.page_file(url), template, self.context,
                    relative_urls=self.settings["RELATIVE_URLS"],
                    alert=alert, target=target, office=office, action=action,
                    paragraphs=paragraphs(action.parts(action.body, target.name)),
                    letter_date=today(state, alert.timezone),
                    page_lang=alert.lang, page_dir=alert.dir, canonical_path=url, url=url,
                    **({"head_meta": _site_page_meta(head_meta)} if head_meta else {}),
                )


def today(state, zone) -> datetime:
    """Midnight of the build's day in `zone`: the letter's date, and no more of "now"
    (a page shows only what its key covers: alerts.build.carry)."""
    day = deadline.today(state.now, zone)
    state.clock.add(("today", str(zone), day.isoformat()))
    return datetime.combine(day, time(), tzinfo=zone)


def letter_action(alert):
    """The letter the alert's page offers to print: its first on-page action of kind
    letter, or None."""
    return next((a for a in alert.actions if a.on_page and a.kind == "letter"), None)


def paragraphs(parts: tuple) -> list[list[list]]:
    """A letter as paragraphs of lines of pieces, each piece a string or a Blank: the
    template writes a paragraph per blank line of the text and a line break per line
    break, as the writer laid the letter out."""
    result: list[list[list]] = [[[]]]
    for part in parts:
        if isinstance(part, Blank):
            result[-1][-1].append(part)
            continue
        for index, chunk in enumerate(part.split("\n\n")):
            if index:
                result.append([[]])
            for number, line in enumerate(chunk.split("\n")):
                if number:
                    result[-1].append([])
                if line:
                    result[-1][-1].append(line)
    return [paragraph for paragraph in result if any(paragraph)]


def _every_alert(published, context: dict):
    """The published alerts, then the drafts (built under drafts/, their letters with
    them), each page once. Drafts are not among the build's alerts, which are what is
    listed and made into PDFs; Pelican keeps the draft originals in the context and each
    one's translations on it."""
    seen = set()
    drafts = [version for draft in context.get("drafts") or ()
              for version in (draft, *getattr(draft, "translations", ()))]
    for alert in [*published, *(getattr(d, "alert", None) for d in drafts)]:
        if alert is not None and alert.url not in seen:
            seen.add(alert.url)
            yield alert


def _site_page_meta(head_meta):
    """The theme's head_meta, describing the letter as a page of its own: the meta
    partial describes the alert instead (its title, its address as the canonical one)
    on any page that has an `alert`."""
    return lambda alert, *args: head_meta(None, *args)
