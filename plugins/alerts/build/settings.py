"""The ALERTS setting: documented defaults, merged with what pelicanconf.py gives."""

from __future__ import annotations

import difflib
import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from phonenumbers import SUPPORTED_REGIONS

from alerts.authoring.deadline import ConfigError
from alerts.build.config import SettingsError, merged

_PLACEHOLDER = re.compile(r"[^\W\d_][^\[\]\n]{0,58}")
_FIELD = re.compile(r"[a-z][a-z0-9_]{0,30}")
#: An ISO 8601 duration as a calendar alarm takes it (RFC 5545 dur-value): weeks, or days
#: and a time; no years or months, whose length varies.
_DURATION = re.compile(r"P(?:(\d+)W|(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?)")

#: The ALERTS setting is merged over these; any other key is an error.
DEFAULTS = {
    #: Folder under PATH (content/) that holds alerts.
    "path": "alerts",
    #: An alert whose deadline is this many hours away or less is "closing".
    "closing_soon_hours": 72,
    #: Email merge tags allowed in copy, each with the words that replace it.
    "merge_tags": {"First_Name": "friend"},
    #: The country a phone number written without its +country code is read in (ISO 3166).
    "phone_region": "US",
    #: Placeholders a call script or letter may use, each with the visitor's detail that
    #: fills it in their browser: name, zip, address, phone, city (the page's "Your
    #: details" form asks for these), or a name of your own (asked with the placeholder
    #: as its label). [Target] is always known: each target's name, at build time.
    "placeholders": {
        "Your name": "name", "Your ZIP code": "zip", "Your address": "address",
        "Your phone": "phone", "Your city": "city",
        "Tu nombre": "name", "Tu código postal": "zip", "Tu dirección": "address",
        "Tu teléfono": "phone", "Tu ciudad": "city",
    },
    #: How long before a deadline or an event the calendars (deadline.ics, calendar.ics)
    #: remind: an ISO 8601 duration such as "P1D" (a day), "PT2H" (two hours) or
    #: "P1DT12H"; None for no reminder.
    "reminder": "P1D",
    #: What the home page does, in the visitor's browser, with an alert whose deadline
    #: passes while it is open: "just-closed" moves it under a "Just closed" heading,
    #: "hidden" hides it. (The next build moves it to the archive either way.)
    "home_closed": "just-closed",
}
#: The values ALERTS["home_closed"] takes.
HOME_CLOSED = ("just-closed", "hidden")


def alert_settings(settings: dict) -> dict:
    """ALERTS merged over DEFAULTS and checked, once per build (kept in the settings)."""
    return merged(settings, "ALERTS", DEFAULTS, _check)


def alerts_folder(settings: dict) -> str:
    """The folder alerts are read from (ALERTS["path"] under PATH), absolute and
    normalised: a file is an alert when its absolute path is inside it."""
    return os.path.normpath(os.path.join(os.path.abspath(settings["PATH"]),
                                         alert_settings(settings)["path"]))


def within(path: str, folder: str) -> bool:
    """Whether the absolute, normalised `path` is `folder` or inside it (as
    Path.is_relative_to answers, on text)."""
    folder = folder.rstrip(os.sep) or os.sep
    return path == folder or path.startswith(folder if folder == os.sep else folder + os.sep)


def reminder(settings: dict) -> timedelta | None:
    """ALERTS["reminder"] as a timedelta (None: no reminder), checked with the rest."""
    value = alert_settings(settings)["reminder"]
    return None if value is None else parse_duration(value)


def parse_duration(value: str) -> timedelta:
    """"P1D", "PT2H", "P1DT12H", "P2W" as a timedelta; anything else is a SettingsError."""
    match = _DURATION.fullmatch(value.strip().upper()) if isinstance(value, str) else None
    if match is None or not any(match.groups()):
        raise SettingsError(f"ALERTS['reminder'] = {value!r}: give an ISO 8601 duration, "
                            "e.g. 'P1D' (a day before), 'PT2H' (two hours) or 'P1DT12H', "
                            "or None for no reminder")
    weeks, days, hours, minutes, seconds = (int(n or 0) for n in match.groups())
    return timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)


def _check(conf: dict) -> None:
    hours = conf["closing_soon_hours"]
    if not isinstance(hours, (int, float)) or isinstance(hours, bool) or hours < 0:
        raise SettingsError(f"ALERTS['closing_soon_hours'] = {hours!r}: give a number of "
                            "hours, e.g. 72")
    tags = conf["merge_tags"]
    if not isinstance(tags, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and "\n" not in v for k, v in tags.items()):
        raise SettingsError("ALERTS['merge_tags'] maps tag names to one line of text, e.g. "
                            "{'First_Name': 'friend'}")
    region = conf["phone_region"]
    if not isinstance(region, str) or region.upper() not in SUPPORTED_REGIONS:
        raise SettingsError(f"ALERTS['phone_region'] = {region!r}: give a two-letter country "
                            "code, e.g. 'US' or 'MX'")
    names = conf["placeholders"]
    if not isinstance(names, dict) or not names or not all(
            isinstance(k, str) and _PLACEHOLDER.fullmatch(k) and isinstance(v, str)
            and _FIELD.fullmatch(v) for k, v in names.items()):
        raise SettingsError("ALERTS['placeholders'] maps each placeholder (capitalised words, "
                            "without brackets) to the detail that fills it, e.g. "
                            "{'Your name': 'name', 'Your ZIP code': 'zip'}")
    if conf["reminder"] is not None:
        parse_duration(conf["reminder"])
    home = conf["home_closed"]
    if home not in HOME_CLOSED:
        close = difflib.get_close_matches(str(home), HOME_CLOSED, n=1)
        hint = f"did you mean {close[0]!r}?" if close else \
            "give " + " or ".join(repr(value) for value in HOME_CLOSED)
        raise SettingsError(f"ALERTS['home_closed'] = {home!r} is not one of "
                            f"{', '.join(HOME_CLOSED)}; {hint}")


def check_siteurl(settings: dict) -> None:
    """A site built with absolute URLs (publishconf.py) needs a real public address."""
    if settings.get("RELATIVE_URLS"):
        return
    url = settings.get("SITEURL") or ""
    if not url:
        raise ConfigError("SITEURL is not set, and a published site needs its public "
                          "address for links, cards and PDFs; run `make publish "
                          "SITEURL=https://alerts.example.org` or set it in publishconf.py")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or url.endswith("/") \
            or parts.query or parts.fragment:
        raise ConfigError(f"SITEURL={url!r} is not a site address; write it with its "
                          "scheme and without a trailing slash, e.g. https://alerts.example.org")


def check_paths(settings: dict) -> None:
    """Refuse an output folder inside the content folder (each build would read the last)."""
    content = Path(settings["PATH"]).resolve()
    output = Path(settings["OUTPUT_PATH"]).resolve()
    if output == content or output.is_relative_to(content):
        raise ConfigError(f"OUTPUT_PATH {output} is inside the content folder {content}; "
                          "put the output beside it, e.g. OUTPUTDIR=output")
    if content.is_relative_to(output):
        raise ConfigError(f"the content folder {content} is inside OUTPUT_PATH {output}; "
                          "a build replaces the output folder, so keep them apart")
