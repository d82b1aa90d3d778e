"""Office hours: a subset of OpenStreetMap's `opening_hours` syntax, in words and as data.

    Mo-Fr 09:00-17:00
    Mo-Th 09:00-12:00,13:00-17:00; Fr 09:00-13:00; Sa,Su off

Rules are separated by `;`. Each names days (`Mo`…`Su`, ranges `Mo-Fr`, lists `Mo,We`)
and either time ranges (`09:00-17:00`, several with `,`) or `off`. As in OpenStreetMap,
a later rule replaces what an earlier one said about the days it names; days no rule
names are closed. Times are wall-clock times in the office's zone; `24:00` ends a day.
Ranges that run past midnight are not part of the subset.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import time
from itertools import pairwise
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton, format_time, get_day_names, get_timezone_name

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


class HoursError(ValueError):
    """What is wrong with an hours text, and how to write it."""


@dataclass(frozen=True)
class Hours:
    """When an office is open: for each weekday, Monday first, its (start, end) minutes."""

    spec: str  # as written
    week: tuple[tuple[tuple[int, int], ...], ...]

    @property
    def open_days(self) -> int:
        return sum(1 for day in self.week if day)


def parse(spec: str) -> Hours:
    week: list[tuple[tuple[int, int], ...]] = [()] * 7
    rules = [rule.strip() for rule in spec.split(";")]
    if not any(rules):
        raise HoursError("is empty; write e.g. Mo-Fr 09:00-17:00")
    for rule in rules:
        if not rule:
            continue
        days_text, _, times_text = rule.partition(" ")
        days = _days(days_text)
        times_text = times_text.strip()
        if not times_text:
            raise HoursError(f"{rule!r} gives days but no hours; write e.g. "
                             f"{days_text} 09:00-17:00, or {days_text} off")
        spans = () if times_text.lower() in ("off", "closed") else _spans(times_text)
        for day in days:
            week[day] = spans
    if not any(week):
        raise HoursError(f"{spec!r} is closed every day; write the hours the office is open")
    return Hours(spec, tuple(week))


def _day(name: str) -> int:
    if name not in DAYS:
        close = difflib.get_close_matches(name[:2].title(), DAYS, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]}? " if close else ""
        raise HoursError(f"{name!r} is not a weekday; {hint}write Mo, Tu, We, Th, Fr, Sa or Su")
    return DAYS.index(name)


def _days(text: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        first, dash, last = part.partition("-")
        start = _day(first)
        end = _day(last) if dash else start
        # Sa-Mo wraps over the weekend, as in OpenStreetMap.
        days.extend((start + i) % 7 for i in range((end - start) % 7 + 1))
    return days


def _minutes(text: str) -> int:
    match = _TIME.match(text)
    if not match or int(match[2]) > 59 or int(match[1]) > 24 or (
            int(match[1]) == 24 and match[2] != "00"):
        raise HoursError(f"{text!r} is not a time; write 24-hour times such as 09:00 or 17:30")
    return int(match[1]) * 60 + int(match[2])


def _spans(text: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        if not dash:
            raise HoursError(f"{part.strip()!r} is not a time range; write e.g. 09:00-17:00")
        start, end = _minutes(first.strip()), _minutes(last.strip())
        if end <= start:
            raise HoursError(f"{part.strip()!r} ends before it starts; ranges past midnight "
                             "are not supported, write two rules instead")
        spans.append((start, end))
    spans.sort()
    for (_, end), (start, _) in pairwise(spans):
        if start < end:
            raise HoursError(f"{text!r} has overlapping ranges; merge them")
    return tuple(spans)


# -- in words ------------------------------------------------------------------------

def _locale(lang: str) -> Locale:
    return Locale.parse(lang.replace("-", "_"))


def clock(minutes: int, lang: str) -> str:
    """A time of day as the language writes it: "9 AM", "5:30 PM", "17:30"."""
    locale = _locale(lang)
    moment = time(0, 0) if minutes >= 24 * 60 else time(minutes // 60, minutes % 60)
    if "h" in locale.time_formats["short"].pattern:  # a 12-hour clock
        return format_skeleton("h" if moment.minute == 0 else "hm", moment, locale=locale)
    return format_time(moment, "short", locale=locale)


def zone_label(zone: ZoneInfo, lang: str) -> str:
    """The zone's short name ("ET"), or its city where the language has no short name."""
    locale = _locale(lang)
    short = get_timezone_name(zone, "short", locale=locale)
    if len(short) <= 5:
        return short
    city = get_timezone_name(zone, "short", locale=Locale.parse("en"))
    if len(city) <= 5:
        return city
    return zone.key.rsplit("/", 1)[-1].replace("_", " ")


def day_names(lang: str, width: str = "abbreviated") -> list[str]:
    names = get_day_names(width, locale=_locale(lang))
    return [names[i] for i in range(7)]


def in_words(hours: Hours, zone: ZoneInfo, lang: str) -> str:
    """ "Mon–Fri 9 AM–5 PM ET", days with the same hours grouped, closed days left out."""
    names = day_names(lang)
    groups: list[tuple[int, int, tuple]] = []  # (first day, last day, spans)
    for day, spans in enumerate(hours.week):
        if spans and groups and groups[-1][2] == spans and groups[-1][1] == day - 1:
            groups[-1] = (groups[-1][0], day, spans)
        elif spans:
            groups.append((day, day, spans))
    parts = []
    for first, last, spans in groups:
        days = names[first] if first == last else f"{names[first]}–{names[last]}"
        times = ", ".join(f"{clock(a, lang)}–{clock(b, lang)}" for a, b in spans)
        parts.append(f"{days} {times}")
    return "; ".join(parts) + " " + zone_label(zone, lang)


def browser_data(hours: Hours, zone: ZoneInfo, lang: str) -> dict:
    """What the page's script needs to say "Open now" or when the office opens: the zone,
    the week, and each opening time already in words."""
    return {
        "zone": zone.key,
        "week": [[list(span) for span in day] for day in hours.week],
        "clock": {str(m): clock(m, lang) for day in hours.week for span in day for m in span},
        "label": zone_label(zone, lang),
        "days": day_names(lang, "wide"),
    }
