"""After the deadline: where each alert's follow-up leads, the victories page, and the
words for outcomes and updates."""

from __future__ import annotations

from pelican.generators import Generator

from alerts.authoring.deadline import utc_stamp
from alerts.build import state as buildstate
from alerts.site.i18n import register_strings

register_strings({
    "en": {
        "updates": "Updates", "outcome_won": "Won", "outcome_lost": "Lost",
        "outcome_withdrawn": "Withdrawn", "outcome_mixed": "Mixed result",
        "what_next": "What you can do now", "victories": "Victories",
        "no_victories": "No alert has been won yet.", "update_of": "Update: {title}",
        "outcome_of": "{outcome}: {title}",
    },
    "es": {
        "updates": "Novedades", "outcome_won": "Lo logramos", "outcome_lost": "No se logró",
        "outcome_withdrawn": "Retirada", "outcome_mixed": "Resultado parcial",
        "what_next": "Qué puedes hacer ahora", "victories": "Victorias",
        "no_victories": "Aún no hemos ganado ninguna alerta.",
        "update_of": "Novedad: {title}", "outcome_of": "{outcome}: {title}",
    },
})

def resolve_follow_ups(alerts, drafts, problems, scheduled=()) -> None:
    """Each alert's follow_up_url: another alert's page (in the same language when it
    has one) or the web address as written. An unknown or own slug is a problem, and so
    is a draft or a scheduled alert ((alert, the moment it appears) pairs)."""
    by_slug: dict[str, dict[str, object]] = {}
    for alert in alerts:
        by_slug.setdefault(alert.slug, {})[alert.lang] = alert
    draft_slugs = {alert.slug for alert in drafts}
    waiting = {}
    for alert, moment in scheduled:
        waiting[alert.slug] = min(moment, waiting.get(alert.slug, moment))
    for alert in alerts:
        if not alert.follow_up or not alert.follow_up.startswith("alerts/"):
            alert.follow_up_url = alert.follow_up
            continue
        slug = alert.follow_up.removeprefix("alerts/")
        line = alert.lines.get("follow_up", 1)
        if slug == alert.slug:
            problems.add(alert.source_path, line, "follow_up",
                         f"{alert.follow_up!r} is this alert itself; name the next alert")
        elif slug not in by_slug and slug in waiting:
            problems.add(alert.source_path, line, "follow_up",
                         f"{slug!r} is scheduled: it appears at {utc_stamp(waiting[slug])}; "
                         "link it from a build after then, or write alerts/<slug> of a "
                         "published alert, or a web address")
        elif slug not in by_slug:
            why = "is a draft" if slug in draft_slugs else "is not the slug of any alert"
            problems.add(alert.source_path, line, "follow_up",
                         f"{slug!r} {why}; write alerts/<slug> of a published alert, or "
                         "a web address")
        else:
            versions = by_slug[slug]
            target = versions.get(alert.lang) or next(
                (v for v in versions.values() if not v.translation), None) or next(
                iter(versions.values()))
            alert.follow_up_url = target.url


def won(originals) -> list:
    """The won alerts (as listed articles), the latest outcome first."""
    found = [a for a in originals if a.alert.outcome == "won"]
    return sorted(found, key=lambda a: (a.alert.outcome_date or a.alert.deadline).timestamp(),
                  reverse=True)


class VictoriesGenerator(Generator):
    """Writes the page of won alerts."""

    def generate_output(self, writer):
        urls = buildstate.current().urls
        writer.write_file(
            urls.victories_save_as, self.get_template("victories"), self.context,
            relative_urls=self.settings["RELATIVE_URLS"], canonical_path=urls.victories,
            url=urls.victories,
        )
