"""The build's named steps, in one explicit order, whatever the order of PLUGINS.

Pelican reads every file (the alerts reader decides each alert's state as it reads it)
and writes the pages; around that, the alerts plugin runs the steps below. The sharing
and print plugins do not connect to Pelican's signals: each names its steps in an
`ALERT_STEPS` tuple, and the alerts plugin collects them from the plugins Pelican
loaded. A step says which steps it needs; one that needs a step no loaded plugin
provides stops the build with a message naming the plugin to add.

    setup     every step's `setup`, the alerts plugin's first: template globals
    read      Pelican's readers (alerts.reader)
    list      translations, slug checks, listings; then each step of phase "listed"
    alert-pages  Pelican has written the alert pages (its articles generator); then
              each step of phase "written":
    search-start  Pagefind starts indexing the alert pages, when they changed, while
              the other pages are written and the steps below run
              (alerts.site.searchindex)
    pages     Pelican writes every other page
    minify    the theme's CSS and JS in the output, without comments or spare space
              ("finalized" phase, in this order)
    photos    published without metadata
    cards     social cards (sharing)
    pdfs      one PDF per alert page and per letter (printpdf)
    calendars each alert's deadline.ics and the site's calendar.ics
    email     each alert's email edition, email.html and email.txt (with SITEURL only)
    feeds     the Atom feeds and the JSON Feed of open alerts, updates and outcomes
    search    the search index of every published alert page (Pagefind), waited for
    headers   _headers and nginx-headers.conf
    carry     what the next build needs to carry this one's unchanged pages
              (alerts.build.carry; the writer carries or renders each page in "pages")
    swap      the staging folder replaces the output (alerts.build.staging)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from alerts.authoring.deadline import ConfigError

logger = logging.getLogger(__name__)

#: Steps Pelican or the build itself does; others may need them but not provide them.
BUILT_IN = ("setup", "read", "list", "alert-pages", "pages", "swap")
#: The first phase whose steps run after each built-in step; "swap" runs after them all.
BUILT_IN_DONE = {"setup": "listed", "read": "listed", "list": "listed",
                 "alert-pages": "written", "pages": "finalized", "swap": None}
#: Where a known step runs among the steps of its phase; unknown ones run after these.
ORDER = ("share-text", "pdf-warm", "minify", "search-start", "photos", "cards", "pdfs", "calendars",
         "email", "feeds", "search", "headers", "carry")
PHASES = ("listed", "written", "finalized")


@dataclass(frozen=True)
class Step:
    """One named piece of the build, contributed by a plugin."""

    name: str
    #: Called with the build's state (alerts.build.state.BuildState) at its phase.
    run: Callable[[object], object] | None = None
    #: "listed": every file read and listed, pages not yet written; "written": the alert
    #: pages written, other pages not yet; "finalized": every page written.
    phase: str = "finalized"
    #: Names of the steps that must have run before this one.
    needs: tuple[str, ...] = ()
    #: Called with the Pelican object once the build state exists, before any file is
    #: read: merge the plugin's setting, give templates its globals.
    setup: Callable[[object], None] | None = None
    plugin: str = ""  # filled in by `collect`, for messages


def collect(plugins) -> tuple[Step, ...]:
    """Every step of the loaded plugin modules, in the order they run."""
    steps: dict[str, Step] = {}
    for module in plugins:
        name = getattr(module, "__name__", str(module)).split(".")[0]
        for step in getattr(module, "ALERT_STEPS", ()):
            if step.phase not in PHASES:
                raise ConfigError(f"plugin {name}: step {step.name!r} has phase "
                                  f"{step.phase!r}; use one of {', '.join(PHASES)}")
            if step.name in steps or step.name in BUILT_IN:
                raise ConfigError(f"plugin {name}: a step named {step.name!r} is already "
                                  "in the build; give it another name")
            steps[step.name] = Step(**{**step.__dict__, "plugin": name})
    for step in steps.values():
        for need in step.needs:
            if need not in steps and need not in BUILT_IN:
                raise ConfigError(
                    f"plugin {step.plugin}: step {step.name!r} needs the step {need!r}, "
                    "which no plugin in PLUGINS provides; add the plugin that does")
    return _ordered(steps)


def _ordered(steps: dict[str, Step]) -> tuple[Step, ...]:
    """Phase by phase; within one, each step after what it needs, else in ORDER."""
    def rank(step: Step) -> tuple:
        known = ORDER.index(step.name) if step.name in ORDER else len(ORDER)
        return (PHASES.index(step.phase), known, step.name)

    done: list[Step] = []
    waiting = sorted(steps.values(), key=rank)
    while waiting:
        names = {s.name for s in done} | set(BUILT_IN)
        ready = next((s for s in waiting if all(n in names for n in s.needs)), None)
        if ready is None:
            cycle = ", ".join(f"{s.name} needs {', '.join(s.needs)}" for s in waiting)
            raise ConfigError(f"the build's steps wait on each other: {cycle}")
        for need in ready.needs:
            after = steps[need].phase if need in steps else BUILT_IN_DONE[need]
            if after is None:
                raise ConfigError(f"plugin {ready.plugin}: step {ready.name!r} needs the step "
                                  f"{need!r}, which comes after every step; leave it out")
            if PHASES.index(after) > PHASES.index(ready.phase):
                raise ConfigError(f"plugin {ready.plugin}: step {ready.name!r} runs in phase "
                                  f"{ready.phase!r} but needs a later step ({need!r}); move "
                                  f"it to phase {after!r}")
        done.append(ready)
        waiting.remove(ready)
    return tuple(done)


def run_phase(steps: tuple[Step, ...], phase: str, state) -> None:
    for step in steps:
        if step.phase == phase and step.run is not None:
            started = time.perf_counter()
            step.run(state)
            # `make bench` reads these lines (-v) to say what each step costs.
            logger.info("alerts: step %s: %.0f ms", step.name,
                        (time.perf_counter() - started) * 1000)


def plugin_names(settings: dict) -> set[str]:
    """The plugins a build's PLUGINS names, as names ("alerts"), whether it lists names or
    modules. Pelican's signals outlive a build, so in a process that builds several sites
    (tests, the devserver) each handler asks this whether its plugin is in this build."""
    return {(p if isinstance(p, str) else getattr(p, "__name__", "")).split(".")[-1]
            for p in settings.get("PLUGINS") or ()}


def require_alerts(pelican, plugin: str) -> None:
    """For an `initialized` handler of a plugin that only adds steps: without the alerts
    plugin nobody would run them, so say so instead of building a site without them.
    (`alerts.build.staging.build` says so before Pelican starts; this is for Pelican run
    some other way.)"""
    names = plugin_names(pelican.settings)
    if plugin in names and "alerts" not in names:
        raise ConfigError(f"PLUGINS has {plugin!r} but not 'alerts', which runs its steps; "
                          "add 'alerts' to PLUGINS")
