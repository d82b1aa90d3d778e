"""Feeds that never ask anyone to act on a closed alert.

- FEED_ALL_ATOM (Atom): every open alert, each language version, and each of their
  updates as an entry of its own; a closed alert and its updates leave it at the first
  build after the deadline.
- OUTCOMES_FEED_ATOM (Atom): every closed alert with an outcome ("Won: …").
- JSON_FEED (JSON Feed 1.1): the open alerts and updates again, each with an `_action`
  extension: deadline, state, targets, actions, outcome.

The alerts plugin writes these itself (Pelican's own feed of every article is switched
off in its setup). Entry ids are tag: URIs from the site's host and each alert's date
and address, so they stay the same from build to build.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from feedgenerator import Atom1Feed

from alerts.authoring.model import CLOSED
from alerts.site.i18n import register_strings, t

register_strings({
    "en": {"outcomes_feed": "outcomes"},
    "es": {"outcomes_feed": "resultados"},
})

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


class _Atom(Atom1Feed):
    """An Atom feed whose <updated>, with no entry to take it from, is `empty_since` (the
    function of that name) rather than the clock: the same inputs give the same bytes."""

    def __init__(self, *args, empty_since, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.empty_since = empty_since

    def latest_post_date(self):
        return super().latest_post_date() if self.items else self.empty_since


class Feeds:
    """The feeds of one build."""

    def __init__(self, settings: dict, urls, empty_since: datetime) -> None:
        self.empty_since = empty_since
        self.base = (settings.get("FEED_DOMAIN") or settings.get("SITEURL") or "").rstrip("/")
        self.host = urlsplit(self.base).hostname or "localhost"
        self.name = settings.get("SITENAME") or "Action alerts"
        self.description = settings.get("SITE_DESCRIPTION") or self.name
        self.lang = settings.get("DEFAULT_LANG") or "en"
        self.urls = urls

    def absolute(self, path: str) -> str:
        """The address of `path`; in a preview (no SITEURL) from the root of the site, as a
        feed reader resolves a relative one against the feed's own address (feeds/)."""
        return f"{self.base}/{path}" if self.base else f"/{path}"

    def entry_id(self, alert, fragment: str = "") -> str:
        return f"tag:{self.host},{alert.date:%Y-%m-%d}:/{alert.url}{fragment}"

    # -- what each feed carries -------------------------------------------------------

    @staticmethod
    def open_items(alerts) -> list[tuple[object, object | None]]:
        """(alert, None) for each open alert, (alert, update) for each of its updates,
        newest first."""
        items = []
        for alert in alerts:
            if alert.state == CLOSED or alert.draft:
                continue
            items.append((alert, None))
            items.extend((alert, update) for update in alert.updates)
        return sorted(items, key=lambda item: (
            (item[1].date if item[1] else alert_time(item[0])).timestamp(), item[0].url,
            bool(item[1])), reverse=True)

    def atom(self, alerts, path: str) -> str:
        feed = self._atom(path, self.name)
        for alert, update in self.open_items(alerts):
            if update is None:
                feed.add_item(
                    title=alert.title, link=self.absolute(alert.url),
                    description=alert.summary, unique_id=self.entry_id(alert),
                    pubdate=alert.date, updateddate=alert_time(alert),
                    categories=list(alert.tags), **self._author(alert))
            else:
                feed.add_item(
                    title=t("update_of", alert.lang, title=alert.title),
                    link=self.absolute(alert.url) + "#" + update.anchor,
                    description=update.html, content=update.html,
                    unique_id=self.entry_id(alert, "#" + update.anchor),
                    pubdate=update.date, updateddate=update.date, **self._author(alert))
        return feed.writeString("utf-8")

    def outcomes(self, alerts, path: str) -> str:
        feed = self._atom(path, f"{self.name}: {t('outcomes_feed', self.lang)}")
        closed = [a for a in alerts if a.outcome and not a.draft]
        for alert in sorted(closed, key=lambda a: (outcome_time(a).timestamp(), a.url),
                            reverse=True):
            word = t(f"outcome_{alert.outcome}", alert.lang)
            feed.add_item(
                title=t("outcome_of", alert.lang, outcome=word, title=alert.title),
                link=self.absolute(alert.url), description=alert.outcome_text or word,
                unique_id=self.entry_id(alert, "#outcome"), pubdate=outcome_time(alert),
                updateddate=outcome_time(alert), **self._author(alert))
        return feed.writeString("utf-8")

    def json_feed(self, alerts, path: str) -> str:
        items = []
        for alert, update in self.open_items(alerts):
            item = {
                "id": self.entry_id(alert, "#" + update.anchor if update else ""),
                "url": self.absolute(alert.url) + ("#" + update.anchor if update else ""),
                "title": (t("update_of", alert.lang, title=alert.title) if update
                          else alert.title),
                "language": alert.lang,
                "date_published": (update.date if update else alert.date).isoformat(),
                "date_modified": (update.date if update else alert_time(alert)).isoformat(),
                "_action": self.action_extension(alert),
            }
            if update:
                item["content_html"] = update.html
            else:
                item.update(content_text=alert.summary, summary=alert.summary)
                if alert.tags:
                    item["tags"] = list(alert.tags)
                if alert.authors:
                    item["authors"] = [{"name": name} for name in alert.authors]
            items.append(item)
        feed = {
            "version": JSON_FEED_VERSION, "title": self.name,
            "home_page_url": self.absolute(""), "feed_url": self.absolute(path),
            "description": self.description, "language": self.lang, "items": items,
        }
        # Not indented: json's C encoder writes it (indented, the Python one took ~60 ms
        # for 1000 alerts, on every rebuild).
        return json.dumps(feed, ensure_ascii=False) + "\n"

    def action_extension(self, alert) -> dict:
        """What a partner's site needs to show the alert's call to act."""
        return {
            "deadline": alert.deadline.isoformat() if alert.deadline else None,
            "state": alert.state,
            "targets": [target.name for target in alert.targets],
            "actions": [{"label": a.label, "kind": a.kind,
                         "url": a.url or self.absolute(alert.url) + a.href}
                        for a in alert.actions],
            "outcome": alert.outcome,
        }

    def _atom(self, path: str, title: str) -> Atom1Feed:
        # The feed's id is its own address; a preview build has none, and a tag: URI
        # stands in (ids must be absolute).
        guid = self.absolute(path) if self.base else f"tag:{self.host},2026:/{path}"
        return _Atom(empty_since=self.empty_since, title=title, link=self.absolute(""),
                     description=self.description, language=self.lang,
                     feed_url=self.absolute(path), feed_guid=guid)

    @staticmethod
    def _author(alert) -> dict:
        return {"author_name": ", ".join(alert.authors)} if alert.authors else {}


def alert_time(alert):
    return alert.modified or alert.date


def outcome_time(alert):
    return alert.outcome_date or alert.deadline


def empty_since(alerts, now) -> datetime:
    """The <updated> of a feed with no entry: the last thing that happened on the site —
    an alert published or revised, or a deadline passed (which is when an alert leaves
    the feed of open ones) — or 1970 on a site with none. Not the build's "now": a build
    with nothing new must write the same feed (alerts.build.unchanged)."""
    moments = [alert.revised for alert in alerts]
    moments += [alert.deadline for alert in alerts
                if alert.deadline is not None and alert.deadline <= now]
    return max(moments, default=datetime(1970, 1, 1, tzinfo=UTC))


def write_feeds(state) -> None:
    """The "feeds" step: the Atom feeds and the JSON Feed, into the output."""
    feeds = Feeds(state.settings, state.urls,
                  empty_since([a for a in state.alerts if not a.draft], state.now))
    output = Path(state.output_path)
    for path, text in ((state.urls.feed, feeds.atom), (state.urls.outcomes_feed,
                                                        feeds.outcomes),
                       (state.urls.json_feed, feeds.json_feed)):
        if path:
            target = output / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text(state.alerts, path), "utf-8")
