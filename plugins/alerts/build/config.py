"""The plugins' dict settings (ALERTS, SHARE, PDF, SOCIAL_CARDS) merged over their
documented defaults, and the one error every setting raises.

A mistake in a setting stops the build before any page is written, with one line that
names the file, the setting and the key:

    pelicanconf.py: SHARE.utmm: unknown key; did you mean utm?
    pelicanconf.py: PDF['workers'] must be None or a whole number >= 1, not 0

An unknown key is an error rather than a warning: a misspelt key would otherwise be
ignored, and the site built without what the writer asked for.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable

from alerts.authoring.deadline import ConfigError

#: What a message names when the build did not say which settings file it read.
DEFAULT_FILE = "pelicanconf.py"
#: Where alerts.build.load_settings records the settings file it read (Pelican does not).
SETTINGS_FILE = "_SETTINGS_FILE"
#: Set by `make devserver`: a live preview, which writes no search index (see search.py).
PREVIEW = "_PREVIEW"
#: Set by `make check`: a build that replaces nothing, so it keeps nothing for the next.
CHECK_ONLY = "_CHECK_ONLY"
#: The output folder a build replaces, holding the last good build (alerts.build.carry).
LIVE_OUTPUT = "_LIVE_OUTPUT"
#: Set when the staging folder already holds the replaced site's folders (alerts.build.spare).
SPARE_STAGING = "_SPARE_STAGING"
#: Where `merged` keeps each setting's merge for the rest of the build.
_MERGED = "_MERGED_SETTINGS"


class SettingsError(ConfigError):
    """A setting that cannot work. Its text is one line, "<file>: <what is wrong>", which
    the command line prints after "error: " and the build reports as its failure."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.message = message
        self.source = source or settings_file()
        super().__init__(f"{self.source}: {message}")


def settings_file(settings: dict | None = None) -> str:
    """The settings file `settings` were read from; without `settings`, that of the build
    this process last started (so a check handed only its own setting, which that build
    runs, still names the right file)."""
    if settings is None:
        from alerts.build import (
            state as buildstate,  # here: buildstate imports the caches, which import this
        )

        try:
            settings = buildstate.current().settings
        except RuntimeError:  # no build running: a unit test, or a caller outside Pelican
            settings = {}
    return settings.get(SETTINGS_FILE) or DEFAULT_FILE


def merge(name: str, given: dict | None, defaults: dict,
          check: Callable[[dict], None] | None = None, *, source: str | None = None) -> dict:
    """`defaults` with the site's `given` values over them. Every key must be one of
    `defaults`; `check(merged)` raises SettingsError for a value that cannot work."""
    if given is None:
        given = {}
    if not isinstance(given, dict):
        key, value = next(iter(defaults.items()))
        raise SettingsError(f"{name} must be a dict such as {{{key!r}: {value!r}}}, "
                            f"not {given!r}", source=source)
    for key in given:
        if key not in defaults:
            raise SettingsError(f"{name}.{key}: unknown key; {_hint(str(key), defaults)}",
                                source=source)
    merged = {**defaults, **given}
    if check is not None:
        try:
            check(merged)
        except SettingsError as error:
            if source is None or error.source == source:
                raise
            raise SettingsError(error.message, source=source) from None
    return merged


def merged(settings: dict, name: str, defaults: dict,
           check: Callable[[dict], None] | None = None) -> dict:
    """settings[name] merged as by `merge`, kept in `settings` so that a build merges and
    checks each setting once however often it asks (a card is asked for on every page).

    The merge is kept beside the value it came from and made again when the value
    changes, so what is kept can never be another build's or an older value's.
    """
    kept = settings.setdefault(_MERGED, {})
    given = settings.get(name)
    hit = kept.get(name)
    if hit is None or hit[0] != given:
        value = merge(name, given, defaults, check, source=settings_file(settings))
        hit = kept[name] = (copy.deepcopy(given), value)
    return hit[1]


def _hint(key: str, defaults: dict) -> str:
    close = difflib.get_close_matches(key, [str(k) for k in defaults], n=1)
    return f"did you mean {close[0]}?" if close else "known keys: " + ", ".join(defaults)
