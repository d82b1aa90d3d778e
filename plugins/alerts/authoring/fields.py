"""The authoring contract as a table: one parser per front-matter field.

Each parser takes the raw value (str, list, dict or None — see frontmatter.py) and
the values parsed before it, and returns the typed value or raises FieldError with
what is wrong and how to write it. Every field is tried, so a writer sees every
problem in a file at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from alerts.authoring import outcomes
from alerts.authoring.actions import actions
from alerts.authoring.contacts import targets
from alerts.authoring.deadline import DateError, parse_moment, zone
from alerts.authoring.languages import LanguageError, canonical
from alerts.authoring.values import FieldError, FieldErrors, text, unknown_key, word_list
from alerts.build.settings import DEFAULTS as ALERT_DEFAULTS

MAX_TITLE = 200
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 100
HASHTAG = re.compile(r"^[^\W][\w]*$")


@dataclass(frozen=True)
class Field:
    parse: Callable[[object, dict], object]
    required: bool = False


# -- field parsers ----------------------------------------------------------------------

def _title(value, _):
    return text(value, MAX_TITLE, "title")


def _timezone(value, _):
    try:
        return zone(text(value, 64, "time zone name"))
    except DateError as exc:
        raise FieldError(str(exc)) from None


def _date(value, parsed):
    try:
        return parse_moment(value, parsed["timezone"], end_of_day=False)
    except DateError as exc:
        raise FieldError(str(exc)) from None


def _deadline(value, parsed):
    try:
        moment = parse_moment(value, parsed["timezone"], end_of_day=True)
    except DateError as exc:
        raise FieldError(str(exc)) from None
    published = parsed.get("date")
    if published is not None and moment <= published:
        raise FieldError(f"{moment.isoformat()} is not after the publication date "
                         f"{published.isoformat()}; check both dates")
    return moment


def _hashtags(value, _):
    tags = word_list(value, "hashtags")
    for tag in tags:
        if tag.startswith("#"):
            raise FieldError(f"write hashtags without #: {tag[1:]}")
        if not HASHTAG.match(tag):
            raise FieldError(f"{tag!r} is not a hashtag; use letters, digits and _ only")
    return tags


def _slug(value, _):
    slug = text(value, 1000, "slug")
    if len(slug) > MAX_SLUG:
        raise FieldError(f"is {len(slug)} characters long; keep it to {MAX_SLUG}")
    if not SLUG.match(slug):
        raise FieldError(f"{slug!r} is not a slug; use lower-case letters, digits and "
                         "single hyphens, e.g. support-human-rights-in-mexico")
    return slug


def _lang(value, _):
    try:
        return canonical(text(value, 20, "language tag"))
    except LanguageError as exc:
        raise FieldError(str(exc)) from None


def _status(value, _):
    status = text(value, 20, "status")
    if status not in ("published", "draft", "hidden", "skip"):
        raise FieldError(f"{status!r} is not a status; write published, draft, hidden or skip")
    return status


def _flag(value, _):
    raw = text(value, 10, "true or false").lower()
    if raw not in ("true", "false", "yes", "no"):
        raise FieldError(f"{raw!r} is not true or false")
    return raw in ("true", "yes")


def _plain(limit: int, what: str):
    return lambda value, _: text(value, limit, what)


def _words(what: str):
    return lambda value, _: word_list(value, what)


def _image(value, _):
    path = text(value, 300, "image path")
    if "://" in path or path.startswith("/"):
        raise FieldError(f"{path!r}: give the image's path under content/, e.g. images/photo.jpg")
    return path


COMMON_FIELDS: dict[str, Field] = {
    "title": Field(_title, required=True),
    "timezone": Field(_timezone),  # before every date: they are read in it
    "date": Field(_date),
    "modified": Field(_date),
    "summary": Field(_plain(600, "summary")),
    "author": Field(_plain(200, "author name")),
    "authors": Field(_words("author names")),
    "tags": Field(_words("tags")),
    "category": Field(_plain(100, "category")),
    "slug": Field(_slug),
    "lang": Field(_lang),
    "status": Field(_status),
    "translation": Field(_flag),
}

ALERT_FIELDS: dict[str, Field] = {
    **COMMON_FIELDS,
    "date": Field(_date, required=True),
    "deadline": Field(_deadline),
    "targets": Field(targets, required=True),  # before actions: they are checked with them
    "actions": Field(actions, required=True),
    "image": Field(_image),
    "image_alt": Field(_plain(300, "image description")),
    "image_caption": Field(_plain(300, "caption")),
    # Its length with the link and hashtags is checked by the sharing plugin (X's rules).
    "share_text": Field(_plain(1000, "share text")),
    "hashtags": Field(_hashtags),
    # After date and deadline: each is checked against them and the build's "now".
    "updates": Field(outcomes.updates),
    "outcome": Field(outcomes.outcome),
    "outcome_date": Field(outcomes.outcome_date),
    "outcome_text": Field(outcomes.outcome_text),
    "follow_up": Field(outcomes.follow_up),
}

PAGE_FIELDS: dict[str, Field] = {
    **COMMON_FIELDS,
    "template": Field(_plain(60, "template name")),
    "save_as": Field(_plain(200, "output path")),
    "url": Field(_plain(200, "URL path")),
}


def line_of(lines: dict[str, int], where: str) -> int:
    """The line of `where` ("targets[1].email"), or of the nearest value around it."""
    while where:
        if where in lines:
            return lines[where]
        where = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", where)
    return 1


#: Fields read in the alert's zone: skipped when the zone itself was wrong.
DATED = ("date", "deadline", "modified", "updates", "outcome_date")

#: What field parsers know beyond the file: ALERTS["phone_region"] and ["placeholders"],
#: and the build's "now" (None: checks against it are skipped).
CONTEXT_KEYS = ("phone_region", "placeholders")
DEFAULT_CONTEXT = {**{key: ALERT_DEFAULTS[key] for key in CONTEXT_KEYS}, "now": None}


def parse_fields(values: dict, lines: dict[str, int], table: dict[str, Field],
                 default_zone, context: dict | None = None,
                 ) -> tuple[dict, list[tuple[int, str, str]]]:
    """Parse every field of `values` by `table`; return (parsed, [(line, field, message)]).
    `context` is what parsers know beyond the file (see DEFAULT_CONTEXT)."""
    parsed: dict = {"timezone": default_zone, "_context": context or DEFAULT_CONTEXT}
    problems: list[tuple[int, str, str]] = []
    for key in values:
        if key not in table:
            problems.append((lines.get(key, 1), key, unknown_key(key, table)))
    for key, field in table.items():
        if values.get(key) is None:
            if field.required:
                problems.append((1, key, f"is required; add a `{key}:` line to the "
                                 "front-matter"))
            continue
        if key in DATED and parsed.get("timezone") is None:
            continue  # the zone itself was wrong: that is the problem to report
        try:
            parsed[key] = field.parse(values[key], parsed)
        except (FieldError, FieldErrors) as exc:
            for error in getattr(exc, "errors", [exc]):
                problems.append((line_of(lines, key + error.where) + error.offset, key,
                                 str(error)))
            if key == "timezone":
                parsed["timezone"] = None
    if values.get("image") is not None and values.get("image_alt") is None:
        problems.append((lines.get("image", 1), "image_alt",
                         "is required with image; describe the photo for people who cannot "
                         "see it"))
    del parsed["_context"]
    return parsed, problems
