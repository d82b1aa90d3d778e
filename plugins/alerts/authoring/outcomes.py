"""What happened: an alert's dated `updates`, and once it has closed its `outcome`
(`outcome_date`, `outcome_text`) and `follow_up`, the next thing to do.

    updates:
      - date: 2026-12-04T10:00
        text: 60 members have signed so far. Keep calling!
    outcome: won
    outcome_date: 2026-12-15
    outcome_text: 82 members signed; the Secretary replied in January.
    follow_up: alerts/next-alert-slug        # or https://…

A follow_up naming another alert is checked once every file has been read
(alerts.site.outcomes); everything else here, as the file is parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from alerts.authoring.deadline import DateError, parse_moment
from alerts.authoring.links import WEB_SCHEMES, URLError, check_url
from alerts.authoring.values import Errors, FieldError, each, lines_text, text

OUTCOMES = ("won", "lost", "withdrawn", "mixed")
_SLUG_PATH = re.compile(r"^alerts/([a-z0-9]+(?:-[a-z0-9]+)*)/?$")


@dataclass(frozen=True)
class Update:
    """A dated note on an alert's progress; `text` is Markdown, `html` its rendering."""

    date: datetime
    text: str
    html: str = ""

    @property
    def anchor(self) -> str:
        return f"update-{self.date.strftime('%Y%m%dT%H%M')}"


def _now(parsed: dict) -> datetime | None:
    return parsed["_context"].get("now")


def _closed(parsed: dict) -> bool:
    deadline, now = parsed.get("deadline"), _now(parsed)
    return deadline is not None and (now is None or deadline <= now)


def _update(item, parsed: dict) -> Update:
    if not isinstance(item, dict) or set(item) - {"date", "text"}:
        raise FieldError("each update is a mapping with date and text, e.g. "
                         "{date: 2026-12-04T10:00, text: 60 members have signed so far.}")
    errors = Errors()
    moment = None
    if item.get("date") is None:
        errors.add("", "an update needs a `date:`; write e.g. date: 2026-12-04T10:00")
    else:
        try:
            moment = parse_moment(item["date"], parsed["timezone"], end_of_day=False)
        except DateError as exc:
            errors.add(".date", f"date: {exc}")
    body = None
    if item.get("text") is None:
        errors.add("", "text: an update needs its text; write what happened after `text:`")
    else:
        body = errors.run(".text", lines_text, item["text"], 2000, "update")
    now, published = _now(parsed), parsed.get("date")
    if moment is not None and published is not None and moment < published:
        errors.add(".date", f"date: {moment.isoformat()} is before the alert's date "
                   f"{published.isoformat()}; an update comes after the alert")
    if moment is not None and now is not None and moment > now:
        errors.add(".date", f"date: {moment.isoformat()} is in the future (this build's "
                   f"now is {now.isoformat()}); publish an update once it has happened")
    errors.raise_any()
    return Update(moment, body)


def updates(value, parsed: dict) -> tuple[Update, ...]:
    """The `updates` field, newest first."""
    if not isinstance(value, list) or not value:
        raise FieldError("must be a list of updates, each `- date: …` and `text: …`")
    found = each(value, lambda item: _update(item, parsed), listed=True)
    return tuple(sorted(found, key=lambda u: u.date, reverse=True))


def outcome(value, parsed: dict) -> str:
    word = text(value, 20, "outcome").lower()
    if word not in OUTCOMES:
        raise FieldError(f"{word!r} is not an outcome; write one of {', '.join(OUTCOMES)}")
    if parsed.get("deadline") is None:
        raise FieldError("an outcome is for an alert that has closed, and this one has no "
                         "deadline; add the `deadline:` it closed on")
    if not _closed(parsed):
        raise FieldError(f"the alert is still open until {parsed['deadline'].isoformat()}; "
                         "add the outcome once it has closed (use `updates:` until then)")
    return word


def outcome_date(value, parsed: dict) -> datetime:
    if "outcome" not in parsed:
        raise FieldError("goes with `outcome:`; add the outcome, or remove this line")
    try:
        moment = parse_moment(value, parsed["timezone"], end_of_day=False)
    except DateError as exc:
        raise FieldError(str(exc)) from None
    deadline = parsed["deadline"]
    if moment.date() < deadline.date():
        raise FieldError(f"{moment.date().isoformat()} is before the deadline "
                         f"{deadline.date().isoformat()}; the outcome comes after it")
    return moment


def outcome_text(value, parsed: dict) -> str:
    if "outcome" not in parsed:
        raise FieldError("goes with `outcome:`; add the outcome, or remove this line")
    return text(value, 600, "outcome in a sentence")


def follow_up(value, parsed: dict) -> str:
    """An alert's path ("alerts/<slug>", its slug checked later) or a web address."""
    written = text(value, 500, "follow-up")
    match = _SLUG_PATH.match(written)
    if match:
        if match.group(1) == parsed.get("slug"):
            raise FieldError(f"{written!r} is this alert itself; name the next alert")
        return f"alerts/{match.group(1)}"
    try:
        return check_url(written, WEB_SCHEMES)
    except URLError as exc:
        raise FieldError(f"{exc}; or name another alert as alerts/<its-slug>") from None
