"""One alert or page file's text, parsed: checked fields, merge tags replaced, Markdown
rendered and cleaned, photos checked, the Alert built, every problem with its line.

`Parser.parse(text, path, is_alert=…)` reads nothing but the photos the file names and
writes nothing; Pelican's reader (alerts.reader) only adapts it. What a build shares
— the settings, "now", the site's layout and the photo cache — is given when the Parser
is made, once per build.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import nh3
from pelican.utils import slugify

from alerts.authoring import bodyimages, frontmatter, images, markdowns, mergetags
from alerts.authoring.deadline import state as deadline_state
from alerts.authoring.fields import (
    ALERT_FIELDS,
    CONTEXT_KEYS,
    PAGE_FIELDS,
    line_of,
    parse_fields,
)
from alerts.authoring.firstparagraph import first_paragraph
from alerts.authoring.links import lookalike_warning
from alerts.authoring.mailto import MAX_LENGTH
from alerts.authoring.model import Alert, AlertImage
from alerts.build.settings import alert_settings, within

#: What survives in a rendered body: text structure, links, images, tables.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "*": {"id", "lang", "dir"},
}


@dataclass
class Parsed:
    """What one file gave: its page (HTML and Pelican metadata), its Alert, the photos to
    publish beside it, and its problems as (line, field, message, warning)."""

    content: str = ""
    #: For Pelican; "category", "tags" and "authors" are plain text for the reader to
    #: turn into Pelican's objects.
    metadata: dict = field(default_factory=dict)
    alert: Alert | None = None
    images: list[tuple[str, AlertImage]] = field(default_factory=list)
    problems: list[tuple[int, str, str, bool]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(not warning for *_, warning in self.problems)


class Stop(Exception):
    """A problem that ends the parse of a file at once (empty, not UTF-8, no front-matter)."""

    def __init__(self, line, field, message):
        super().__init__(message)
        self.line, self.field, self.message = line, field, message


def refuse_outside_link(real: str, content_root: str) -> None:
    """Stop a file whose real path (symbolic links followed) is outside the content
    folder's real path: a link would publish a file from elsewhere on the machine."""
    if not within(real, content_root):
        raise Stop(1, "file", f"is a link to {real}, outside the content folder; "
                   "copy the file into content/ instead of linking to it")


class Parser:
    """Parses the files of one build."""

    def __init__(self, settings: dict, *, now: datetime, urls, photos) -> None:
        self.settings, self.now, self.urls, self.photos = settings, now, urls, photos
        self.conf = alert_settings(settings)
        self.content_root = Path(settings["PATH"])
        self.site_zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
        self._markdown = None

    def parse(self, text: str, source_path, *, is_alert: bool) -> Parsed:
        """A file with YAML front-matter (every alert; pages may use it)."""
        result = Parsed()
        try:
            front = frontmatter.split(text)
        except frontmatter.FrontMatterError as exc:
            return self._stopped(result, Stop(exc.line, exc.field, exc.message))
        if is_alert and not front.present:
            return self._stopped(result, Stop(
                1, "front-matter", "an alert starts with YAML front-matter between two "
                "`---` lines; run `make new` for a template"))
        self._front(result, source_path, front, is_alert)
        return result

    @staticmethod
    def decode(raw: bytes) -> str:
        """A file's bytes as text, or Stop: empty, UTF-16, not UTF-8, NUL bytes."""
        if not raw.strip():
            raise Stop(1, "file", "the file is empty; run `make new TITLE=…` for a template")
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise Stop(1, "file", "the file is UTF-16; save it as UTF-8")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise Stop(line, "file", "the file is not UTF-8 text (byte "
                       f"0x{raw[exc.start]:02x}); save it as UTF-8") from None
        if "\x00" in text:
            raise Stop(1, "file", "the file contains NUL bytes; save it as UTF-8 text")
        return text

    def page_url(self, slug: str) -> str:
        return self.settings["PAGE_URL"].format(slug=slug)

    # -- parts ------------------------------------------------------------------------

    @staticmethod
    def _stopped(result: Parsed, stop: Stop) -> Parsed:
        result.problems.append((stop.line, stop.field, stop.message, False))
        return result

    def _front(self, result: Parsed, source_path, front, is_alert: bool) -> None:
        table = ALERT_FIELDS if is_alert else PAGE_FIELDS
        fallbacks = self.conf["merge_tags"]
        # Known merge tags become tokens, filled with their fallback for the page here
        # and kept as tags for the email edition (mergetags.Tagged).
        kept = {key: self._merge_value(result, value, key, key, fallbacks, front.lines)
                for key, value in front.values.items()}
        web = list(fallbacks.values())
        values = {key: _filled(value, web) for key, value in kept.items()}
        parsed, problems = parse_fields(values, front.lines, table, self.site_zone,
                                        {**{key: self.conf[key] for key in CONTEXT_KEYS},
                                         "now": self.now})
        result.problems.extend((line, field, message, False)
                               for line, field, message in problems)
        body = self._merge(result, front.body, fallbacks, front.body_line, "body")
        tagged_content = self.render(body)
        content = mergetags.fill(tagged_content, [html.escape(value) for value in web])
        parsed["summary"] = parsed.get("summary") or first_paragraph(content)
        alert = self._alert(result, source_path, parsed, front) if is_alert else None
        if is_alert and alert is not None:
            folder = alert.url
        elif not is_alert and "title" in parsed:
            parsed["slug"] = parsed.get("slug") or title_slug(parsed["title"], self.settings,
                                                              limit=1000)
            folder = parsed.get("url") or self.page_url(parsed["slug"])
        else:
            folder = None
        if folder is not None:
            tagged_content = self.localize_images(result, tagged_content, front.body,
                                                  front.body_line, source_path, folder)
            content = mergetags.fill(tagged_content, [html.escape(value) for value in web])
            if alert is not None and alert.image is not None:
                result.images.append((folder, alert.image))
        if alert is not None:
            alert.tagged = _tagged(kept, tagged_content, alert, fallbacks)
        result.content, result.alert = content, alert
        result.metadata = _pelican_metadata(parsed, self.settings["DEFAULT_CATEGORY"])
        if alert is not None:
            result.metadata.update({
                "alert": alert,
                "title": html.escape(alert.title),  # Pelican treats titles as HTML
                "template": "alert", "slug": alert.slug,
                "url": alert.url, "save_as": self.urls.page_file(alert.url),
            })

    def _merge_value(self, result, value, field, where, fallbacks, lines):
        """Merge tags in every text of the front-matter: labels, names, alt text, URLs…"""
        if isinstance(value, str):
            return self._merge(result, value, fallbacks, line_of(lines, where), field)
        if isinstance(value, list):
            return [self._merge_value(result, item, field, f"{where}[{i}]", fallbacks, lines)
                    for i, item in enumerate(value)]
        if isinstance(value, dict):
            return {key: self._merge_value(result, item, field, f"{where}.{key}", fallbacks,
                                           lines)
                    for key, item in value.items()}
        return value

    @staticmethod
    def _merge(result, text, fallbacks, first_line, field):
        merged, problems = mergetags.replace(text, fallbacks, keep=True)
        result.problems.extend((first_line + p.line_offset, field, p.message, False)
                               for p in problems)
        return merged

    def render(self, body: str) -> str:
        # One Markdown instance per build, reset between files: building one costs as
        # much as converting a short alert.
        if self._markdown is None:
            self._markdown = markdowns.converter(self.settings["MARKDOWN"])
        return self.clean(self._markdown.reset().convert(body))

    @staticmethod
    def clean(rendered: str) -> str:
        """Rendered HTML reduced to the allow-list: no script, style, frame, form, handler."""
        return nh3.clean(
            rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel="noopener noreferrer", strip_comments=True,
        )

    def localize_images(self, result, content, body, body_line, source_path, folder) -> str:
        """Body photos become checked, metadata-free copies beside the page."""
        content, found, problems = bodyimages.localize(
            content, str(source_path), self.content_root, self.photos)
        for problem in problems:
            offset = body.find(problem.src) if problem.src else -1
            line = body_line + (body.count("\n", 0, offset) if offset >= 0 else 0)
            result.problems.append((line, "body", str(problem), False))
        result.images.extend((folder, image) for image in found)
        return content

    def _alert(self, result, source_path, parsed, front) -> Alert | None:
        if "title" not in parsed or "targets" not in parsed or "actions" not in parsed \
                or "date" not in parsed:
            return None
        image = None
        if parsed.get("image"):
            try:
                image = images.check(self.content_root, parsed["image"],
                                     parsed.get("image_alt") or "", parsed.get("image_caption"),
                                     self.photos)
            except images.ImageProblem as exc:
                result.problems.append((front.lines.get("image", 1), "image", str(exc), False))
        for index, action in enumerate(parsed["actions"]):
            warning = action.url and lookalike_warning(action.url, action.label)
            if warning:
                result.problems.append((front.lines.get("actions", 1), "actions", warning,
                                        True))
            if action.on_page and action.kind == "email":
                targets = [t for t in parsed["targets"]
                           if not action.target_names or t.name in action.target_names]
                result.problems.extend(_long_mailto(action, targets, front.lines,
                                                    f"actions[{index}].body"))
        updates = tuple(replace(u, html=self.render(u.text)) for u in parsed.get("updates", ()))
        if any("<img" in u.html for u in updates):
            result.problems.append((front.lines.get("updates", 1), "updates", "an update "
                                    "cannot show a photo; put photos in the body", False))
        slug = parsed.get("slug") or title_slug(parsed["title"], self.settings)
        if not slug:
            result.problems.append((front.lines.get("title", 1), "slug", "the title gives no "
                                    "usable slug; add `slug: some-words`", False))
            return None
        authors = parsed.get("authors") or (
            (parsed["author"],) if parsed.get("author") else ())
        lang = parsed.get("lang") or self.settings["DEFAULT_LANG"]
        translation, draft = bool(parsed.get("translation")), parsed.get("status") == "draft"
        return Alert(
            source_path=str(source_path), title=parsed["title"], slug=slug,
            date=parsed["date"], timezone=parsed["timezone"], targets=parsed["targets"],
            actions=parsed["actions"], summary=parsed["summary"],
            share_text=parsed.get("share_text") or parsed["title"], lang=lang,
            url=self.urls.alert(slug, lang, translation=translation, draft=draft),
            deadline=parsed.get("deadline"), modified=parsed.get("modified"),
            image=image, hashtags=parsed.get("hashtags", ()), tags=parsed.get("tags", ()),
            authors=authors, translation=translation, draft=draft,
            updates=updates,
            outcome=parsed.get("outcome"), outcome_date=parsed.get("outcome_date"),
            outcome_text=parsed.get("outcome_text"), follow_up=parsed.get("follow_up"),
            # "now" and the closing window are known before any file is read: the state
            # is decided here, once, and never patched in later.
            state=deadline_state(parsed.get("deadline"), self.now,
                                 self.conf["closing_soon_hours"]),
            lines=dict(front.lines),
        )


def _filled(value, fallbacks: list[str]):
    """A front-matter value with every merge tag token as its fallback (for the page)."""
    if isinstance(value, str):
        return mergetags.fill(value, fallbacks)
    if isinstance(value, list):
        return [_filled(item, fallbacks) for item in value]
    if isinstance(value, dict):
        return {key: _filled(item, fallbacks) for key, item in value.items()}
    return value


def _tagged(kept: dict, content: str, alert: Alert, fallbacks: dict) -> mergetags.Tagged:
    """The alert's title, summary and body with merge tags kept, for the email edition.
    Only texts that carry a token differ from the page's."""
    def plain(key: str, checked: str) -> str:
        given = kept.get(key)
        return " ".join(given.split()) if isinstance(given, str) and \
            mergetags.has_tag(given) else checked

    summary = plain("summary", alert.summary) if kept.get("summary") else \
        first_paragraph(content)
    return mergetags.Tagged(tuple(fallbacks), plain("title", alert.title), summary, content)


def _long_mailto(action, targets, lines, where) -> list:
    """A warning for each email link past the length where mail programs cut them: the
    page then opens the email with its subject only and asks to paste the letter."""
    return [(line_of(lines, where), "actions",
             f"{action.label}: the email to {target.name} makes a mailto: link of "
             f"{len(action.mailto(target))} characters, over the {MAX_LENGTH} where mail "
             "programs start to cut it; the page will ask readers to paste the letter, or "
             "shorten the letter", True)
            for target in targets if target.email and action.mailto_too_long(target)]


def _pelican_metadata(parsed: dict, default_category: str) -> dict:
    metadata = {}
    for key in ("title", "date", "modified", "slug", "lang", "status", "template",
                "save_as", "url", "category"):
        if parsed.get(key) is not None:
            metadata[key] = parsed[key]
    # Pelican gives articles its DEFAULT_CATEGORY, but not drafts, which then fail.
    metadata["category"] = metadata.get("category") or default_category
    if parsed.get("tags"):
        metadata["tags"] = ",".join(parsed["tags"])
    authors = parsed.get("authors") or ([parsed["author"]] if parsed.get("author") else [])
    if authors:
        metadata["authors"] = ",".join(authors)
    if parsed.get("translation") is not None:
        metadata["translation"] = "true" if parsed["translation"] else "false"
    if parsed.get("summary"):
        metadata["summary"] = html.escape(parsed["summary"])  # Pelican treats it as HTML
    return metadata


def title_slug(title: str, settings: dict, limit: int = 80) -> str:
    """A slug from the title, cut at a word boundary to at most `limit` characters."""
    slug = slugify(title, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
    if len(slug) > limit:
        slug = slug[: limit + 1].rsplit("-", 1)[0]
    return slug.strip("-")
