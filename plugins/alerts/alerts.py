"""The alerts plugin: reads alerts, decides their deadline state, lists and publishes them,
and runs the build's steps, its own and the other plugins' (see pipeline.py)."""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from . import buildstate, deadline, headers, i18n, images, languages, pipeline, translations
from .model import CLOSED
from .photocache import PhotoCache
from .problems import display_path
from .reader import AlertReader
from .settings import alert_settings, check_paths, check_siteurl
from .siteurls import SiteURLs

logger = logging.getLogger(__name__)


def _in_this_build(settings: dict) -> bool:
    """Pelican's signals outlive a build: in a process that builds several sites (tests,
    the devserver), a handler connected for one must stay quiet in a build whose PLUGINS
    leave this plugin out."""
    return "alerts" in settings.get("PLUGINS", ())


def initialize(pelican) -> None:
    """Start the build's state, give templates the alerts' globals, then set up every
    plugin's steps in the pipeline's order."""
    settings = pelican.settings
    if not _in_this_build(settings):
        return
    check_paths(settings)
    check_siteurl(settings)
    conf = alert_settings(settings)
    state = buildstate.start(buildstate.BuildState(
        now=deadline.build_now(), settings=settings,
        output_path=Path(settings["OUTPUT_PATH"]),
        urls=SiteURLs(settings),
        photos=PhotoCache(Path(settings["CACHE_PATH"]) / "photos"),
        steps=pipeline.collect(pelican.plugins),
    ))
    # Templates print writers' text: escaping must never depend on a theme remembering.
    settings.setdefault("JINJA_ENVIRONMENT", {})["autoescape"] = True
    settings.setdefault("JINJA_GLOBALS", {}).update({
        "t": i18n.t,
        "now": state.now,
        "closing_soon_hours": conf["closing_soon_hours"],
        "time_words": i18n.time_words,
        "canonical_base": settings.get("SITEURL", "").rstrip("/"),
        "content_security_policy": headers.CONTENT_SECURITY_POLICY,
        "referrer_policy": headers.REFERRER_POLICY,
        "urls": state.urls,
    })
    # The sharing and print plugins' setup replaces these when they are in PLUGINS.
    settings["JINJA_GLOBALS"]["qr_svg"] = lambda url: ""
    settings["JINJA_GLOBALS"]["pdf_href"] = lambda alert: None
    settings.setdefault("JINJA_FILTERS", {}).update({
        "long_datetime": i18n.long_datetime,
        "long_date": i18n.long_date,
        "text_dir": languages.direction,
        "time_left": lambda moment, lang=None: deadline.time_left(moment, state.now, lang),
    })
    for step in state.steps:
        if step.setup is not None:
            step.setup(pelican)


def add_reader(readers) -> None:
    if not _in_this_build(readers.settings):
        return
    for extension in AlertReader.file_extensions:
        readers.reader_classes[extension] = AlertReader


def sort_alerts(generator) -> None:
    """The "list" step: link each alert's translations, check slugs across alerts, and
    give templates the lists."""
    if not _in_this_build(generator.settings):
        return
    state = buildstate.current()
    published = [a for a in generator.articles + generator.translations if hasattr(a, "alert")]
    state.alerts = [article.alert for article in published]
    _check_slugs(generator.articles + generator.translations + generator.drafts, state)
    listed = translations.link(published, generator.settings["DEFAULT_LANG"], state.problems)

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
        "alert_targets": sorted(by_target.items(), key=lambda item: item[0].lower()),
    })


def listing_order(article) -> tuple:
    """Open alerts first, soonest deadline first (none last); then closed, latest first."""
    alert = article.alert
    if alert.state == CLOSED:
        return (1, -alert.deadline.timestamp(), alert.slug)
    due = alert.deadline or alert.date
    return (0, alert.deadline is None, due.timestamp(), -alert.date.timestamp(), alert.slug)


def _check_slugs(articles, state) -> None:
    """Two alerts may not share a page: report each against the first by file name."""
    groups: dict[str, list] = defaultdict(list)
    for article in articles:
        alert = getattr(article, "alert", None)
        if alert is not None:
            groups[alert.url.lower()].append(alert)  # the page two alerts would share
    for group in groups.values():
        first, *others = sorted(group, key=lambda a: a.source_path)
        for other in others:
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


class TargetPageGenerator(Generator):
    """Writes a page per target listing its alerts, and an index of targets."""

    def generate_output(self, writer):
        urls = buildstate.current().urls
        targets = self.context.get("alert_targets", [])
        template = self.get_template("target")
        for name, articles in targets:
            url = urls.target(name)
            writer.write_file(
                urls.target_save_as(name), template, self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                target_name=name, articles=articles, canonical_path=url, url=url,
            )
        writer.write_file(
            urls.targets_save_as, self.get_template("targets"), self.context,
            relative_urls=self.settings["RELATIVE_URLS"], canonical_path=urls.targets,
            url=urls.targets,
        )


def get_generators(pelican):
    return TargetPageGenerator if _in_this_build(pelican.settings) else ()


def publish_images(state) -> None:
    """The "photos" step: write every photo, without metadata, into the folder of the page
    that shows it."""
    output = Path(state.output_path)
    for folder, image in dict.fromkeys(state.images):
        images.publish(image, output / state.urls.beside(folder, image.output_name),
                       state.photos)
    state.photos.save()
    logger.info("alerts: photos: %d encoded, %d reused", state.photos.encoded,
                state.photos.reused)


def run_listed(generators) -> None:
    if generators and _in_this_build(generators[0].settings):
        state = buildstate.current()
        pipeline.run_phase(state.steps, "listed", state)


def run_finalized(pelican) -> None:
    if _in_this_build(pelican.settings):
        state = buildstate.current()
        pipeline.run_phase(state.steps, "finalized", state)


#: The alerts plugin's own steps; the sharing and print plugins add theirs.
ALERT_STEPS = (
    pipeline.Step("photos", publish_images, needs=("pages",)),
    pipeline.Step("headers", headers.write_headers, needs=("pages",)),
)


def register():
    signals.initialized.connect(initialize)
    signals.readers_init.connect(add_reader)
    signals.article_generator_finalized.connect(sort_alerts)
    signals.all_generators_finalized.connect(run_listed)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(run_finalized)
