"""The ALERTS setting: documented defaults, merged with what pelicanconf.py gives."""

from __future__ import annotations

import difflib
import logging
from pathlib import Path
from urllib.parse import urlsplit

from .deadline import ConfigError

logger = logging.getLogger(__name__)

DEFAULTS = {
    #: Folder under PATH (content/) that holds alerts.
    "path": "alerts",
    #: An alert whose deadline is this many hours away or less is "closing".
    "closing_soon_hours": 72,
    #: Email merge tags allowed in copy, each with the words that replace it.
    "merge_tags": {"First_Name": "friend"},
}


def alert_settings(settings: dict) -> dict:
    """ALERTS merged over DEFAULTS (cached in the settings after the first call)."""
    merged = settings.get("_ALERTS_MERGED")
    if merged is None:
        merged = merge(settings)
        settings["_ALERTS_MERGED"] = merged
    return merged


def merge(settings: dict) -> dict:
    given = settings.get("ALERTS") or {}
    if not isinstance(given, dict):
        raise ConfigError("ALERTS must be a dict, e.g. ALERTS = {'closing_soon_hours': 72}")
    for key in given:
        if key not in DEFAULTS:
            close = difflib.get_close_matches(key, list(DEFAULTS), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "known keys: " + ", ".join(DEFAULTS)
            logger.warning("alerts: unknown key ALERTS[%r] is ignored; %s", key, hint)
    merged = {**DEFAULTS, **given}
    hours = merged["closing_soon_hours"]
    if not isinstance(hours, (int, float)) or isinstance(hours, bool) or hours < 0:
        raise ConfigError(f"ALERTS['closing_soon_hours'] = {hours!r}: give a number of hours, "
                          "e.g. 72")
    tags = merged["merge_tags"]
    if not isinstance(tags, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and "\n" not in v for k, v in tags.items()):
        raise ConfigError("ALERTS['merge_tags'] maps tag names to one line of text, e.g. "
                          "{'First_Name': 'friend'}")
    return merged


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
