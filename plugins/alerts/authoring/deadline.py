"""Dates and deadlines: strict ISO 8601 parsing, "now", the open/closing/closed state."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alerts.authoring.model import CLOSED, CLOSING, OPEN
from alerts.site.i18n import t

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)
_LAST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last moment a datetime holds
ISO_HOW = "write it as ISO 8601, e.g. 2016-07-15, 2016-07-15T18:00 or 2016-07-15T18:00-04:00"


class DateError(ValueError):
    """A date the writer must fix; the message says how."""


class ConfigError(Exception):
    """The build's configuration or environment is wrong; the message says how to fix it."""


def build_now(environ=os.environ) -> datetime:
    """The build's "now": SOURCE_DATE_EPOCH when set (reproducible builds), else the clock."""
    epoch = settle_source_date_epoch(environ)
    if epoch is None:
        return datetime.now(UTC).replace(microsecond=0)
    return datetime.fromtimestamp(epoch, UTC)


def today(now: datetime, zone) -> date:
    """The day it is at `now` in `zone` (a zoneinfo.ZoneInfo or its name)."""
    return now.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone).date()


def settle_source_date_epoch(environ=os.environ) -> int | None:
    """Read SOURCE_DATE_EPOCH, and remove it from `environ` when it is empty.

    An empty value means "now" to us, but not to the libraries a build starts: fontTools
    (WeasyPrint's font subsetter when HarfBuzz's is missing) does
    `int(os.environ["SOURCE_DATE_EPOCH"])` and fontconfig complains, so no process of the
    build may see it empty. A value that is not a whole number of seconds is refused.
    """
    raw = environ.get("SOURCE_DATE_EPOCH")
    if raw is None:
        return None
    if not raw.strip():
        del environ["SOURCE_DATE_EPOCH"]
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text) > _LAST_EPOCH:
        raise ConfigError(f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds "
                          "since 1970-01-01 UTC; unset it or give e.g. 1468600000")
    if text != raw:
        environ["SOURCE_DATE_EPOCH"] = text
    return int(text)


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; abbreviations such as EST are refused (they are ambiguous)."""
    if not isinstance(name, str) or not name.strip():
        raise DateError("a time zone name is required, e.g. America/New_York")
    if "/" not in name and name.upper() != "UTC":
        raise DateError(f"{name!r} is not an IANA time zone name; abbreviations are "
                        "ambiguous, write a name such as America/New_York or Europe/Madrid")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DateError(f"{name!r} is not a known IANA time zone; write a name such as "
                        "America/New_York or Europe/Madrid") from None


def parse_moment(raw: object, tz: ZoneInfo, *, end_of_day: bool) -> datetime:
    """Read an ISO 8601 date or date-time written in front-matter as an aware datetime.

    With an offset it is exact; without one it is wall time in `tz`; a bare date is
    the end of that day (`end_of_day`) or its start.
    """
    if not isinstance(raw, str):
        raise DateError(f"a date is required; {ISO_HOW}")
    text = raw.strip()
    if _DATE.match(text):
        day = _fromiso(date.fromisoformat, text)
        wall = datetime.combine(day, time(23, 59, 59) if end_of_day else time(0, 0))
        return localize(wall, tz)
    match = _DATETIME.match(text)
    if not match:
        hint = ""
        if re.search(r"\s[A-Z]{2,5}$", text):
            hint = " (a zone abbreviation is ambiguous: give an offset such as -04:00, " \
                   "or set timezone)"
        raise DateError(f"{raw!r} is not an ISO 8601 date{hint}; {ISO_HOW}")
    moment = _fromiso(datetime.fromisoformat, text.replace(" ", "T", 1))
    if moment.tzinfo is not None:
        return moment.astimezone(tz)
    return localize(moment, tz)


def _fromiso(parse, text: str):
    try:
        return parse(text)
    except ValueError as exc:
        raise DateError(f"{text!r} is not a real date ({exc}); {ISO_HOW}") from None


def localize(wall: datetime, tz: ZoneInfo) -> datetime:
    """Attach `tz` to a wall time, refusing times that a DST change skips or repeats."""
    early, late = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early
    roundtrip = early.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if roundtrip != wall:
        raise DateError(f"{wall:%Y-%m-%d %H:%M} does not exist in {tz.key} (the clocks "
                        "skip it for daylight saving); pick another time or give an offset")
    raise DateError(f"{wall:%Y-%m-%d %H:%M} happens twice in {tz.key} (the clocks go back); "
                    f"give an offset, e.g. {early.isoformat()} or {late.isoformat()}")


def state(deadline: datetime | None, now: datetime, closing_hours: float) -> str:
    """open, closing or closed — the one place the state is decided."""
    if deadline is None or deadline - now > timedelta(hours=closing_hours):
        return OPEN
    if deadline > now:
        return CLOSING
    return CLOSED


def scheduled(date: datetime, now: datetime) -> bool:
    """An alert dated after the build's "now" is scheduled: nothing of it is published
    until a build at or after its date — the one place that is decided."""
    return date > now


def utc_stamp(moment: datetime) -> str:
    """A moment as the schedule and `make check` print it: 2016-07-15T22:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=8192)  # for every page that shows the alert, and every kept page's check
def time_left(deadline: datetime, now: datetime, lang: str | None = None) -> str:
    """"2 days left", "5 hours left"…; the same rounding as theme/static/js/alert.js."""
    seconds = (deadline - now).total_seconds()
    if seconds <= 0:
        return t("closed", lang)
    minutes = int(seconds // 60)
    if minutes < 1:
        unit, n = "less_than_minute", 1
    elif minutes < 60:
        unit, n = "minute", minutes
    elif minutes < 48 * 60:
        unit, n = "hour", minutes // 60
    else:
        unit, n = "day", minutes // (24 * 60)
    amount = t(unit, lang) if n == 1 else t(unit + "s", lang, n=n)
    # "1 hour left" / "queda 1 hora": some languages agree the verb with the amount.
    return t("left_one" if n == 1 else "left", lang, n=amount)
