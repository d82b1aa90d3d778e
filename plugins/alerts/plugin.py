"""The alerts plugin: reads alerts, decides their deadline state, lists and publishes them,
and runs the build's steps, its own and the other plugins' (see pipeline.py)."""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals

from alerts.authoring import deadline, images, languages
from alerts.build import pipeline
from alerts.build import state as buildstate
from alerts.build.carry import Pages, verifying
from alerts.build.config import CHECK_ONLY, LIVE_OUTPUT
from alerts.build.parsecache import ParseCache
from alerts.build.photocache import PhotoCache
from alerts.build.settings import alert_settings, check_paths, check_siteurl
from alerts.build.writer import CarryingWriter
from alerts.reader import AlertReader
from alerts.site import acts, calendars, emailedition, feeds, headers, i18n, listings, search
from alerts.site.embeds import EmbedPageGenerator, add_embed_helpers
from alerts.site.letters import LetterPageGenerator
from alerts.site.minify import minify_theme
from alerts.site.outcomes import VictoriesGenerator
from alerts.site.targets import TargetPageGenerator
from alerts.site.urls import SiteURLs

logger = logging.getLogger(__name__)


def _in_this_build(settings: dict) -> bool:
    return "alerts" in pipeline.plugin_names(settings)


def initialize(pelican) -> None:
    """Start the build's state, give templates the alerts' globals, then set up every
    plugin's steps in the pipeline's order."""
    settings = pelican.settings
    if not _in_this_build(settings):
        return
    check_paths(settings)
    check_siteurl(settings)
    conf = alert_settings(settings)
    now, output = deadline.build_now(), Path(settings["OUTPUT_PATH"])
    live = settings.get(LIVE_OUTPUT)
    state = buildstate.start(buildstate.BuildState(
        now=now, settings=settings, output_path=output,
        urls=SiteURLs(settings),
        photos=PhotoCache(Path(settings["CACHE_PATH"]) / "photos"),
        steps=pipeline.collect(pelican.plugins),
        pages=Pages(Path(settings["CACHE_PATH"]) / "pages", Path(live) if live else None,
                    output, settings, now),
    ))
    # Our feeds step writes FEED_ALL_ATOM (open alerts and updates only; SiteURLs has
    # read where): Pelican's own would list every article, closed ones included.
    settings["FEED_ALL_ATOM"] = None
    # An alert dated after the build's "now" is held back by our reader, against
    # SOURCE_DATE_EPOCH when set; Pelican's WITH_FUTURE_DATES = False would instead compare
    # with the machine's clock and publish such alerts as drafts, under drafts/.
    settings["WITH_FUTURE_DATES"] = True
    # Templates print writers' text: escaping must never depend on a theme remembering.
    settings.setdefault("JINJA_ENVIRONMENT", {})["autoescape"] = True
    keep_compiled_templates(settings)
    settings.setdefault("JINJA_GLOBALS", {}).update({
        "t": i18n.t,
        "now": state.now,
        "closing_soon_hours": conf["closing_soon_hours"],
        "home_closed": conf["home_closed"],
        "time_words": i18n.time_words,
        "list_words": listings.list_words,
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
        "time_left": lambda moment, lang=None: _time_left(state, moment, lang),
    })
    acts.add_template_helpers(settings)
    add_embed_helpers(settings)
    for step in state.steps:
        if step.setup is not None:
            step.setup(pelican)


def _time_left(state, moment, lang=None) -> str:
    """"3 days left": the page that shows it is carried to later builds only while the
    words stay the same (alerts.build.carry)."""
    words = deadline.time_left(moment, state.now, lang)
    state.pages.noted("time_left", moment, lang, words)
    return words


def keep_compiled_templates(settings: dict) -> None:
    """Keep the theme's compiled templates in the cache from one build to the next: every
    Pelican generator compiles each template it uses again, which was about a second of
    every build. Jinja checks each entry against the template's source; the folder is
    named for the environment's options and Jinja's version, which the compiled code
    depends on and Jinja's own check does not cover. A theme's own cache is left alone."""
    import hashlib

    import jinja2

    if "bytecode_cache" in settings["JINJA_ENVIRONMENT"]:
        return
    # A copy: the settings module's own dict may serve another build, with another cache.
    options = settings["JINJA_ENVIRONMENT"] = dict(settings["JINJA_ENVIRONMENT"])
    shape = repr(sorted((k, repr(v)) for k, v in options.items())) + jinja2.__version__
    folder = Path(settings["CACHE_PATH"]) / "templates" / \
        hashlib.sha256(shape.encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    options["bytecode_cache"] = jinja2.FileSystemBytecodeCache(str(folder))


def add_reader(readers) -> None:
    if not _in_this_build(readers.settings):
        return
    state = buildstate.current()
    if state.parses is None:  # each generator makes its readers: once a build
        settings = readers.settings
        state.parses = ParseCache(Path(settings["CACHE_PATH"]) / "parses",
                                  lambda: state.pages.shape,
                                  alert_settings(settings)["closing_soon_hours"],
                                  keep=not settings.get(CHECK_ONLY),
                                  trust_stat=not verifying())
    for extension in AlertReader.file_extensions:
        readers.reader_classes[extension] = AlertReader


def sort_alerts(generator) -> None:
    if _in_this_build(generator.settings):
        listings.sort_alerts(generator)


def get_writer(pelican):
    """Pelican's writer, carrying unchanged pages from the last build."""
    return CarryingWriter if _in_this_build(pelican.settings) else None


def save_pages(state) -> None:
    """The "carry" step, last: what the next build needs to carry this one's pages, and
    only the parses of files this build read."""
    # `make check` (other settings: no PDFs) and a failing build keep the caches as
    # they are, for the next build of the live output.
    keep = not (state.problems.errors or state.settings.get(CHECK_ONLY))
    state.pages.save(keep)
    if state.parses is not None:
        if keep:
            state.parses.prune()
        logger.info("alerts: parses: %d reused, %d parsed", state.parses.reused,
                    state.parses.parsed)


def get_generators(pelican):
    if not _in_this_build(pelican.settings):
        return ()
    return (TargetPageGenerator, LetterPageGenerator, VictoriesGenerator, EmbedPageGenerator,
            search.SearchPageGenerator)


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
        buildstate.freeze_read()
        pipeline.run_phase(state.steps, "listed", state)


def run_written(generator, writer=None) -> None:
    """After Pelican's articles generator has written its pages: the alert pages."""
    if _in_this_build(generator.settings):
        state = buildstate.current()
        pipeline.run_phase(state.steps, "written", state)


def run_finalized(pelican) -> None:
    if _in_this_build(pelican.settings):
        state = buildstate.current()
        pipeline.run_phase(state.steps, "finalized", state)


#: The alerts plugin's own steps; the sharing and print plugins add theirs.
ALERT_STEPS = (
    pipeline.Step("minify", minify_theme, needs=("pages",)),
    pipeline.Step("photos", publish_images, needs=("pages",)),
    pipeline.Step("calendars", calendars.write_calendars, needs=("pages",)),
    emailedition.STEP,
    pipeline.Step("feeds", feeds.write_feeds, needs=("pages",)),
    pipeline.Step("search-start", search.start_index, phase="written", needs=("alert-pages",)),
    pipeline.Step("search", search.write_index, needs=("search-start",), setup=search.setup),
    pipeline.Step("headers", headers.write_headers, needs=("pages",)),
    pipeline.Step("carry", save_pages, needs=("pages",)),
)


def register():
    signals.initialized.connect(initialize)
    signals.readers_init.connect(add_reader)
    signals.article_generator_finalized.connect(sort_alerts)
    signals.all_generators_finalized.connect(run_listed)
    signals.get_generators.connect(get_generators)
    signals.get_writer.connect(get_writer)
    signals.article_writer_finalized.connect(run_written)
    signals.finalized.connect(run_finalized)
