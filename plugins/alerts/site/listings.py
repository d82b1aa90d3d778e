"""The "list" step: what the home, archive, tag and target pages show, in which order,
and the checks that need every alert at once (two alerts on one page)."""

from __future__ import annotations

import json
from collections import defaultdict
from types import SimpleNamespace

from alerts.authoring.model import CLOSED
from alerts.build import state as buildstate
from alerts.build.problems import display_path
from alerts.site import outcomes, translations
from alerts.site.i18n import register_strings, time_words

#: The home page's heading for alerts that close while it is open (theme/static/js/alert.js).
register_strings({
    "en": {"just_closed": "Just closed"},
    "es": {"just_closed": "Recién cerradas"},
    "ar": {"just_closed": "أُغلقت للتو"},
})


def sort_alerts(generator) -> None:
    """The "list" step: link each alert's translations, check slugs across alerts, and
    give templates the lists."""
    state = buildstate.current()
    _hold_versions_of_scheduled(generator, state)
    published = [a for a in generator.articles + generator.translations if hasattr(a, "alert")]
    held = [SimpleNamespace(alert=alert) for alert, _ in state.scheduled]
    clashes = _check_slugs(generator.articles + generator.translations + generator.drafts
                           + generator.drafts_translations + held, state)
    if clashes:  # reported; Pelican must not also fail on writing one page twice
        for kind in ("articles", "translations", "drafts", "drafts_translations"):
            setattr(generator, kind, [a for a in getattr(generator, kind)
                                      if id(getattr(a, "alert", None)) not in clashes])
        published = [a for a in published if id(a.alert) not in clashes]
    state.alerts = [article.alert for article in published]  # what cards and PDFs are for
    drafts = [a for a in generator.drafts + generator.drafts_translations
              if hasattr(a, "alert")]
    state.drafts = list({a.alert.url: a.alert for a in drafts}.values())
    listed = translations.link(published, generator.settings["DEFAULT_LANG"], state.problems,
                               drafts=drafts, failed=state.failed_slugs)
    outcomes.resolve_follow_ups(state.alerts, [a.alert for a in drafts], state.problems,
                                scheduled=state.scheduled)

    originals = sorted((listed[a.alert.slug] for a in generator.articles
                        if hasattr(a, "alert")), key=listing_order)
    open_alerts = [a for a in originals if a.alert.state != CLOSED]
    closed = [a for a in originals if a.alert.state == CLOSED]
    by_target = defaultdict(list)
    for article in originals:
        for target in article.alert.targets:
            by_target[target.name].append(article)
    for tagged in generator.tags.values():
        tagged[:] = [listed.get(getattr(a, "slug", None), a) for a in tagged]
        tagged.sort(key=listing_order)
    generator.context.update({
        "open_alerts": open_alerts,
        "closed_alerts": closed,
        "won_alerts": outcomes.won(closed),
        "alert_targets": sorted(by_target.items(), key=lambda item: item[0].lower()),
    })
    _note_tag_pages(generator)


def _note_tag_pages(generator) -> None:
    """Give each alert the addresses of its tags that have a page (`tag_pages`): tag pages
    list the published originals, so a translation's or a draft's own tag words have
    none, and its page shows them unlinked. Kept on each alert rather than given to
    every page once, so that a tag page coming or going renders again only the pages of
    the alerts with that tag (alerts.build.carry)."""
    with_pages = {tag.url for tag in generator.tags}
    for kind in ("articles", "translations", "drafts", "drafts_translations",
                 "hidden_articles", "hidden_translations"):
        for article in getattr(generator, kind):
            article.tag_pages = tuple(tag.url for tag in getattr(article, "tags", ())
                                      if tag.url in with_pages)


def list_words(items) -> str:
    """The time words of each language a listing shows, as JSON by language, for
    theme/static/js/alert.js (a listed alert is in its own language)."""
    langs = dict.fromkeys(item.alert.lang for item in items)
    return "{" + ", ".join(f"{json.dumps(lang)}: {time_words(lang)}" for lang in langs) + "}"


def listing_order(article) -> tuple:
    """Open alerts first, soonest deadline first (none last); then closed, latest first."""
    alert = article.alert
    if alert.state == CLOSED:
        return (1, -alert.deadline.timestamp(), alert.slug)
    due = alert.deadline or alert.date
    return (0, alert.deadline is None, due.timestamp(), -alert.date.timestamp(), alert.slug)


#: Pelican's lists of what it read, by status.
_READ = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles",
         "hidden_translations")


def _hold_versions_of_scheduled(generator, state) -> None:
    """A translation waits for its scheduled original: it is taken out of everything
    Pelican has read (lists, tags, the archives), and its photos with it, and appears
    with the original."""
    originals = {alert.slug: moment for alert, moment in state.scheduled
                 if not alert.translation}
    held = {}
    for kind in _READ:
        for article in getattr(generator, kind):
            alert = getattr(article, "alert", None)
            if alert is not None and alert.slug in originals:
                held[id(article)] = article
                state.scheduled.append((alert, max(alert.date, originals[alert.slug])))
    if not held:
        return
    for kind in (*_READ, "dates"):
        getattr(generator, kind)[:] = [a for a in getattr(generator, kind)
                                       if id(a) not in held]
    for name in list(generator.tags):
        generator.tags[name][:] = [a for a in generator.tags[name] if id(a) not in held]
        if not generator.tags[name]:
            del generator.tags[name]  # a tag only the held version has: no page for it
    for kind in ("categories", "authors"):  # lists of (name, articles) by now
        pairs = [(name, [a for a in items if id(a) not in held])
                 for name, items in getattr(generator, kind)]
        getattr(generator, kind)[:] = [(name, items) for name, items in pairs if items]
    generator.period_archives = generator._build_period_archives(
        generator.dates, generator.articles, generator.settings)
    generator.context.update({"tags": list(generator.tags.items()),
                              "period_archives": generator.period_archives})
    folders = {article.alert.url for article in held.values()}
    state.images[:] = [(folder, image) for folder, image in state.images
                       if folder not in folders]


def _check_slugs(articles, state) -> set[int]:
    """Two alerts may not share a page: report each against the first by file name, and
    return the others (by id) so that only one of them is written."""
    clashes: set[int] = set()
    groups: dict[str, list] = defaultdict(list)
    for article in articles:
        alert = getattr(article, "alert", None)
        if alert is not None:
            groups[alert.url.lower()].append(alert)  # the page two alerts would share
    for group in groups.values():
        first, *others = sorted(group, key=lambda a: a.source_path)
        for other in others:
            clashes.add(id(other))
            if first.translation and other.translation:
                state.problems.add(
                    other.source_path, other.lines.get("lang", 1), "lang",
                    f"{other.lang}: {display_path(first.source_path)} is already the "
                    f"{other.lang} translation of {other.slug!r}; give one of them another "
                    "`lang:`, or remove one")
                continue
            same = "the same slug" if first.slug == other.slug else "a slug that differs " \
                   "only in case (they collide on case-insensitive servers)"
            line = other.lines.get("slug", other.lines.get("title", 1))
            state.problems.add(
                other.source_path, line, "slug",
                f"{other.slug!r}: {display_path(first.source_path)} has {same}; "
                "give one of them another `slug:`")
    return clashes
