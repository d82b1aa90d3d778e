"""Pelican reader for Markdown with YAML front-matter: alerts and pages.

Files under the alerts folder must follow the whole authoring contract and carry an
Alert in their metadata; pages may use YAML front-matter or Pelican's own `Key: value`
header. Every problem is recorded in the build's Problems; a file with errors is
skipped (AlertError) so nothing half-checked is published.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import ClassVar

import nh3
from pelican.readers import MarkdownReader
from pelican.utils import slugify

from . import bodyimages, buildstate, frontmatter, images, markdowns, mergetags
from .fields import ALERT_FIELDS, PAGE_FIELDS, line_of, parse_fields
from .firstparagraph import first_paragraph
from .model import Alert
from .problems import AlertError
from .settings import alert_settings
from .urls import lookalike_warning

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


class AlertReader(MarkdownReader):
    """Reads `.md` files: YAML front-matter when present, Pelican's header otherwise."""

    file_extensions: ClassVar[list[str]] = ["md", "markdown"]

    def read(self, source_path):
        state = buildstate.current()
        self._problems = []
        try:
            is_alert = self._is_alert(source_path)
            if is_alert:
                state.alert_files.add(str(source_path))
            self._refuse_outside_link(source_path)
            text = self._decode(Path(source_path).read_bytes())
            if not is_alert and not frontmatter.has_front_matter(text):
                return self._read_native(source_path, text)
            try:
                front = frontmatter.split(text)
            except frontmatter.FrontMatterError as exc:
                raise _Stop(exc.line, exc.field, exc.message) from None
            if is_alert and not front.present:
                raise _Stop(1, "front-matter", "an alert starts with YAML front-matter "
                            "between two `---` lines; run `make new` for a template")
            return self._read_front(source_path, front, is_alert)
        except _Stop as stop:
            self._problem(stop.line, stop.field, stop.message)
        finally:
            for line, field, message, warning in self._problems:
                state.problems.add(source_path, line, field, message, warning=warning)
        raise AlertError(source_path)

    # -- parts ------------------------------------------------------------------------

    def _decode(self, raw: bytes) -> str:
        if not raw.strip():
            raise _Stop(1, "file", "the file is empty; run `make new TITLE=…` for a template")
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _Stop(1, "file", "the file is UTF-16; save it as UTF-8")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise _Stop(line, "file", "the file is not UTF-8 text (byte "
                        f"0x{raw[exc.start]:02x}); save it as UTF-8") from None
        if "\x00" in text:
            raise _Stop(1, "file", "the file contains NUL bytes; save it as UTF-8 text")
        return text

    def _is_alert(self, source_path) -> bool:
        content = Path(os.path.abspath(self.settings["PATH"]))
        alerts_dir = content / alert_settings(self.settings)["path"]
        return Path(os.path.abspath(source_path)).is_relative_to(alerts_dir)

    def _refuse_outside_link(self, source_path) -> None:
        real = Path(source_path).resolve()
        if getattr(self, "_content_root", None) is None:  # once per build, not per file
            self._content_root = Path(self.settings["PATH"]).resolve()
        if not real.is_relative_to(self._content_root):
            raise _Stop(1, "file", f"is a link to {real}, outside the content folder; "
                        "copy the file into content/ instead of linking to it")

    def _read_native(self, source_path, text):
        """A page with Pelican's `Key: value` header: Pelican reads it, we clean the body."""
        content, metadata = super().read(source_path)
        slug = metadata.get("slug") or title_slug(str(metadata.get("title", "")),
                                                  self.settings, limit=1000)
        metadata["slug"] = slug
        content = self._localize_images(self._clean(content), text, 1, source_path,
                                        metadata.get("url") or self._page_url(slug))
        if self._problems:
            raise _Stop(0, "", "")
        return content, metadata

    def _page_url(self, slug: str) -> str:
        return self.settings["PAGE_URL"].format(slug=slug)

    def _localize_images(self, content, body, body_line, source_path, folder) -> str:
        """Body photos become checked, metadata-free copies beside the page."""
        content, found, problems = bodyimages.localize(
            content, str(source_path), Path(self.settings["PATH"]), buildstate.current().photos)
        for problem in problems:
            offset = body.find(problem.src) if problem.src else -1
            line = body_line + (body.count("\n", 0, offset) if offset >= 0 else 0)
            self._problem(line, "body", str(problem))
        state = buildstate.current()
        state.images.extend((folder, image) for image in found)
        return content

    def _read_front(self, source_path, front, is_alert):
        conf = alert_settings(self.settings)
        table = ALERT_FIELDS if is_alert else PAGE_FIELDS
        merge_fallbacks = conf["merge_tags"]
        values = {key: self._merge_value(value, key, key, merge_fallbacks, front.lines)
                  for key, value in front.values.items()}
        parsed, problems = parse_fields(values, front.lines, table, self._site_zone())
        for line, field, message in problems:
            self._problem(line, field, message)
        body = self._merge(front.body, merge_fallbacks, front.body_line, "body")
        content = self._render(body)
        parsed["summary"] = parsed.get("summary") or first_paragraph(content)
        alert = self._alert(source_path, parsed, front, content) if is_alert else None
        if is_alert and alert is not None:
            folder = alert.url
        elif not is_alert and "title" in parsed:
            parsed["slug"] = parsed.get("slug") or title_slug(parsed["title"], self.settings,
                                                              limit=1000)
            folder = parsed.get("url") or self._page_url(parsed["slug"])
        else:
            folder = None
        if folder is not None:
            content = self._localize_images(content, front.body, front.body_line,
                                            source_path, folder)
            if alert is not None and alert.image is not None:
                buildstate.current().images.append((folder, alert.image))
        if any(not warning for *_, warning in self._problems):
            raise _Stop(0, "", "")  # already recorded: skip the file
        metadata = self._pelican_metadata(parsed, content)
        if is_alert:
            metadata["alert"] = alert
            metadata["title"] = html.escape(alert.title)  # Pelican treats titles as HTML
            metadata["template"] = "alert"
            metadata["slug"] = alert.slug
            metadata["url"] = alert.url
            metadata["save_as"] = alert.url + "index.html"
        return content, metadata

    def _merge_value(self, value, field, where, fallbacks, lines):
        """Merge tags in every text of the front-matter: labels, names, alt text, URLs…"""
        if isinstance(value, str):
            return self._merge(value, fallbacks, line_of(lines, where), field)
        if isinstance(value, list):
            return [self._merge_value(item, field, f"{where}[{i}]", fallbacks, lines)
                    for i, item in enumerate(value)]
        if isinstance(value, dict):
            return {key: self._merge_value(item, field, f"{where}.{key}", fallbacks, lines)
                    for key, item in value.items()}
        return value

    def _merge(self, text, fallbacks, first_line, field):
        result, problems = mergetags.replace(text, fallbacks)
        for problem in problems:
            self._problem(first_line + problem.line_offset, field, problem.message)
        return result

    def _render(self, body: str) -> str:
        # One Markdown instance per reader, reset between files: building one costs
        # as much as converting a short alert.
        if getattr(self, "_markdown", None) is None:
            self._markdown = markdowns.converter(self.settings["MARKDOWN"])
        return self._clean(self._markdown.reset().convert(body))

    def _clean(self, rendered: str) -> str:
        """Rendered HTML reduced to the allow-list: no script, style, frame, form, handler."""
        return nh3.clean(
            rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel="noopener noreferrer", strip_comments=True,
        )

    def _alert(self, source_path, parsed, front, content) -> Alert | None:
        if "title" not in parsed or "targets" not in parsed or "actions" not in parsed \
                or "date" not in parsed:
            return None
        image = None
        if parsed.get("image"):
            try:
                image = images.check(Path(self.settings["PATH"]), parsed["image"],
                                     parsed.get("image_alt") or "", parsed.get("image_caption"),
                                     buildstate.current().photos)
            except images.ImageProblem as exc:
                self._problem(front.lines.get("image", 1), "image", str(exc))
        for action in parsed["actions"]:
            warning = lookalike_warning(action.url, action.label)
            if warning:
                self._problem(front.lines.get("actions", 1), "actions", warning, warning=True)
        slug = parsed.get("slug") or title_slug(parsed["title"], self.settings)
        if not slug:
            self._problem(front.lines.get("title", 1), "slug", "the title gives no usable "
                          "slug; add `slug: some-words`")
            return None
        authors = parsed.get("authors") or (
            (parsed["author"],) if parsed.get("author") else ())
        return Alert(
            source_path=str(source_path), title=parsed["title"], slug=slug,
            date=parsed["date"], timezone=parsed["timezone"], targets=parsed["targets"],
            actions=parsed["actions"], summary=parsed["summary"],
            share_text=parsed.get("share_text") or parsed["title"],
            lang=parsed.get("lang") or self.settings["DEFAULT_LANG"],
            deadline=parsed.get("deadline"), modified=parsed.get("modified"),
            image=image, hashtags=parsed.get("hashtags", ()), tags=parsed.get("tags", ()),
            authors=authors, translation=bool(parsed.get("translation")),
            draft=parsed.get("status") == "draft",
            lines=dict(front.lines),
        )

    def _pelican_metadata(self, parsed, content) -> dict:
        metadata = {}
        for key in ("title", "date", "modified", "slug", "lang", "status", "template",
                    "save_as", "url", "category"):
            if parsed.get(key) is not None:
                metadata[key] = parsed[key]
        # Pelican gives articles its DEFAULT_CATEGORY, but not drafts, which then fail.
        metadata["category"] = self.process_metadata(
            "category", metadata.get("category") or self.settings["DEFAULT_CATEGORY"])
        if parsed.get("tags"):
            metadata["tags"] = self.process_metadata("tags", ",".join(parsed["tags"]))
        authors = parsed.get("authors") or ([parsed["author"]] if parsed.get("author") else [])
        if authors:
            metadata["authors"] = self.process_metadata("authors", ",".join(authors))
        if parsed.get("translation") is not None:
            metadata["translation"] = "true" if parsed["translation"] else "false"
        if parsed.get("summary"):
            # Pelican treats summaries as HTML
            metadata["summary"] = html.escape(parsed["summary"])
        return metadata

    def _site_zone(self):
        from zoneinfo import ZoneInfo
        return ZoneInfo(self.settings.get("TIMEZONE") or "UTC")

    def _problem(self, line, field, message, warning=False):
        if field:
            self._problems.append((line, field, message, warning))


class _Stop(Exception):
    def __init__(self, line, field, message):
        super().__init__(message)
        self.line, self.field, self.message = line, field, message


def title_slug(title: str, settings: dict, limit: int = 80) -> str:
    """A slug from the title, cut at a word boundary to at most `limit` characters."""
    slug = slugify(title, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
    if len(slug) > limit:
        slug = slug[: limit + 1].rsplit("-", 1)[0]
    return slug.strip("-")
