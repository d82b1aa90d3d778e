"""Pelican's reader for Markdown with YAML front-matter: alerts and pages.

It adapts alerts.authoring.parse to Pelican: finds out whether a file is an alert, refuses links
out of the content folder, lets Pelican read pages written with its own `Key: value`
header, records every problem in the build's Problems and skips a file with errors
(AlertError), so nothing half-checked is published, and holds back an alert dated after
the build's "now" (scheduled) after checking it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from pelican.readers import MarkdownReader

from alerts.authoring import frontmatter
from alerts.authoring.deadline import scheduled
from alerts.authoring.parse import Parsed, Parser, Stop, refuse_outside_link, title_slug
from alerts.build import state as buildstate
from alerts.build.problems import AlertError
from alerts.build.settings import alerts_folder, within

#: Metadata the parser gives as plain text and Pelican wants as its own objects.
_PELICAN_OBJECTS = ("category", "tags", "authors")


class AlertReader(MarkdownReader):
    """Reads `.md` files: YAML front-matter when present, Pelican's header otherwise."""

    file_extensions: ClassVar[list[str]] = ["md", "markdown"]

    def read(self, source_path):
        state = buildstate.current()
        result, is_alert = Parsed(), False
        try:
            is_alert = self._is_alert(source_path)
            if is_alert:
                state.alert_files.add(str(source_path))
            self._refuse_outside_link(source_path)
            result = self._kept(state, source_path, is_alert)
        except Stop as stop:
            result.problems.append((stop.line, stop.field, stop.message, False))
        for line, field, message, warning in result.problems:
            if field:
                state.problems.add(source_path, line, field, message, warning=warning)
        if not result.ok or not result.metadata:
            if is_alert:  # None: an alert whose slug could not even be read
                state.failed_slugs.add(result.alert.slug if result.alert else None)
            raise AlertError(source_path)
        alert = result.alert
        if alert is not None and result.metadata.get("status") != "skip" \
                and scheduled(alert.date, state.now):
            # Checked in full above, and published nowhere yet: not as a draft (drafts/
            # is on the server too), not its photos. Pelican skips a "skip" quietly.
            state.scheduled.append((alert, alert.date))
            return "", {"status": "skip"}
        state.images.extend(result.images)
        metadata = dict(result.metadata)
        for key in _PELICAN_OBJECTS:
            if isinstance(metadata.get(key), str):
                metadata[key] = self.process_metadata(key, metadata[key])
        return result.content, metadata

    def process_metadata(self, name, value):
        """Pelican's objects for a metadata value (a date, Tags, a Category, Authors),
        each made once a build: Pelican asks for them for every file (the date in its
        name, the default category, its tags), and each Tag or Author slugifies its name
        again. Equal text gives equal objects; lists are copied, so no file's list is
        another's."""
        try:
            key = (name, value)
            hash(key)
        except TypeError:  # a value that is not text (a list from Pelican's header)
            return super().process_metadata(name, value)
        if getattr(self, "_processed", None) is None:  # the reader is made anew each build
            self._processed = {}
        if key not in self._processed:
            self._processed[key] = super().process_metadata(name, value)
        found = self._processed[key]
        return list(found) if isinstance(found, list) else found

    def _kept(self, state, source_path, is_alert: bool) -> Parsed:
        """The file's parse: kept from an earlier build when nothing it depends on
        changed (alerts.build.parsecache), else parsed now (raises Stop)."""
        parses = state.parses
        kept = parses.recall(source_path, is_alert, state.now)  # the file not even read
        if kept is not None:
            return kept
        seen = parses.stat(source_path)  # before reading: a later write shows as a change
        raw = Path(source_path).read_bytes()
        key = parses.key(source_path, raw, is_alert)
        kept = parses.get(source_path, key, state.now, seen, is_alert)
        if kept is not None:
            return kept
        text = Parser.decode(raw)
        if not is_alert and not frontmatter.has_front_matter(text):
            return self._read_native(source_path, text)  # Pelican's own header: not kept
        result = self._parser(state).parse(text, source_path, is_alert=is_alert)
        parses.put(source_path, key, state.now, result, seen, is_alert)
        return result

    def _parser(self, state) -> Parser:
        # One per build (the reader is made anew for each build): it holds the Markdown
        # converter, which costs as much to build as converting a short alert.
        if getattr(self, "_made_parser", None) is None:
            self._made_parser = Parser(self.settings, now=state.now, urls=state.urls,
                                       photos=state.photos)
        return self._made_parser

    def _is_alert(self, source_path) -> bool:
        if getattr(self, "_alerts_dir", None) is None:  # once per build, not per file
            self._alerts_dir = alerts_folder(self.settings)
        return within(os.path.abspath(source_path), self._alerts_dir)

    def _refuse_outside_link(self, source_path) -> None:
        if getattr(self, "_content_root", None) is None:  # once per build, not per file
            self._content_root = os.path.realpath(self.settings["PATH"])
            self._real_folders: dict[str, str] = {}
        refuse_outside_link(self._real_path(source_path), self._content_root)

    def _real_path(self, source_path) -> str:
        """os.path.realpath, with each folder's real path found once a build: a file
        that is no link is where its folder really is, plus its name."""
        folder, name = os.path.split(os.path.abspath(source_path))
        if os.path.islink(source_path):
            return os.path.realpath(source_path)
        if folder not in self._real_folders:
            self._real_folders[folder] = os.path.realpath(folder)
        return os.path.join(self._real_folders[folder], name)

    def _read_native(self, source_path, text) -> Parsed:
        """A page with Pelican's `Key: value` header: Pelican reads it, we clean the body."""
        content, metadata = super().read(source_path)
        parser = self._parser(buildstate.current())
        slug = metadata.get("slug") or title_slug(str(metadata.get("title", "")),
                                                  self.settings, limit=1000)
        metadata["slug"] = slug
        result = Parsed(metadata=metadata)
        result.content = parser.localize_images(
            result, parser.clean(content), text, 1, source_path,
            metadata.get("url") or parser.page_url(slug))
        return result

