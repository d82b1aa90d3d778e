"""The "list" step: what the home, archive, tag and target pages show, in which order,
and the checks that need every alert at once (two alerts on one page)."""

from __future__ import annotations

from collections import defaultdict

from alerts.authoring.model import CLOSED
from alerts.build import state as buildstate
from alerts.build.problems import display_path
from alerts.site import outcomes, translations


def sort_alerts(generator) -> None:
    """The "list" step: link each alert's translations, check slugs across alerts, and
    give templates the lists."""
    state = buildstate.current()
    published = [a for a in generator.articles + generator.translations if hasattr(a, "alert")]
    clashes = _check_slugs(generator.articles + generator.translations + generator.drafts
                           + generator.drafts_translations, state)
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
    outcomes.resolve_follow_ups(state.alerts, [a.alert for a in drafts], state.problems)

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


def listing_order(article) -> tuple:
    """Open alerts first, soonest deadline first (none last); then closed, latest first."""
    alert = article.alert
    if alert.state == CLOSED:
        return (1, -alert.deadline.timestamp(), alert.slug)
    due = alert.deadline or alert.date
    return (0, alert.deadline is None, due.timestamp(), -alert.date.timestamp(), alert.slug)


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
