"""The authoring contract as a table: one parser per front-matter field.

Each parser takes the raw value (str, list, dict or None — see frontmatter.py) and
the values parsed before it, and returns the typed value or raises FieldError with
what is wrong and how to write it. Every field is tried, so a writer sees every
problem in a file at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from alerts.authoring.deadline import DateError, parse_moment, zone
from alerts.authoring.languages import LanguageError, canonical
from alerts.authoring.links import WEB_SCHEMES, URLError, check_url
from alerts.authoring.model import ACTION_KINDS, Action, Target

BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]")
MAX_TITLE = 200
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 100
HASHTAG = re.compile(r"^[^\W][\w]*$")
_ADDRESS_CHAR = r"[^@\s<>\"?,;:/()\[\]\\]"
EMAIL = re.compile(rf"^{_ADDRESS_CHAR}+@{_ADDRESS_CHAR}+\.{_ADDRESS_CHAR}+$")


class FieldError(ValueError):
    """What is wrong with one field and how to write it; `where` points inside the field
    (".email", "[1].url") so the message can name the exact line."""

    def __init__(self, message: str, where: str = ""):
        super().__init__(message)
        self.where = where


class FieldErrors(ValueError):
    """Several problems inside one field (a list of targets or actions)."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


@dataclass(frozen=True)
class Field:
    parse: Callable[[object, dict], object]
    required: bool = False


# -- plain values ---------------------------------------------------------------------

def text(value, limit: int = 2000, what: str = "text") -> str:
    if isinstance(value, (list, dict)):
        raise FieldError(f"must be a single line of {what}, not a "
                         f"{'list' if isinstance(value, list) else 'mapping'}")
    if value is None or not str(value).strip():
        raise FieldError(f"is empty; write the {what}")
    value = " ".join(str(value).split())
    if _SUSPECT.search(value):  # one scan; most texts have none of these
        bidi = sorted({f"U+{ord(ch):04X}" for ch in value if ch in BIDI_CONTROLS})
        if bidi:
            raise FieldError(f"contains invisible direction-control characters "
                             f"({', '.join(bidi)}) that can disguise text; retype it "
                             "without them")
        raise FieldError("contains control characters; retype it")
    if len(value) > limit:
        raise FieldError(f"is {len(value)} characters long; keep it to {limit}")
    return value


def word_list(value, what: str) -> tuple[str, ...]:
    """A list of short texts; a single text or a comma-separated line is accepted."""
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        raise FieldError(f"must be a list of {what}, e.g. [one, two]")
    return tuple(dict.fromkeys(text(item, 100, what) for item in value))


def one_or_many(value, what: str) -> list:
    if isinstance(value, list):
        if not value:
            raise FieldError(f"is an empty list; give at least one {what}")
        return value
    return [value]


def unknown_key(key: str, known) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else f"known fields: {', '.join(sorted(known))}"
    return f"unknown field; {hint}"


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


def _target(item) -> Target:
    if isinstance(item, str) or item is None:
        return Target(name=text(item, 200, "target name"))
    if not isinstance(item, dict):
        raise FieldError("each target is a name, or a mapping with name, role, phone, "
                         "email, url")
    errors = _Errors()
    known = ("name", "role", "phone", "email", "url")
    for key in item:
        if key not in known:
            errors.add(f".{key}", f"{key}: {unknown_key(key, known)}")
    for key, value in item.items():
        if isinstance(value, (dict, list)):
            errors.add(f".{key}", f"{key}: must be text; write each target as a list item "
                       "with name, role, phone, email, url")
    errors.raise_any()
    name = errors.run(".name", text, item.get("name"), 200, "target name") or "target"
    role = errors.run(".role", text, item["role"], 200, "role") if item.get("role") else None
    phone = phone_uri = email = url = None
    if item.get("phone"):
        phone = errors.run(".phone", text, item["phone"], 40, "phone number")
        digits = re.sub(r"[^\d+]", "", phone or "")
        if phone and (len(re.sub(r"\D", "", digits)) < 3 or "+" in digits[1:]):
            errors.add(".phone", f"{name}: phone {phone!r} is not a phone number; write e.g. "
                       "+1 202-555-0123")
        phone_uri = "tel:" + digits
    if item.get("email"):
        email = errors.run(".email", text, item["email"], 200, "email address")
        # One plain address: `?` or `,` would smuggle a subject, a cc or more recipients
        # into the page's mailto: link.
        if email and not EMAIL.match(email):
            errors.add(".email", f"{name}: {email!r} is not an email address; write one "
                       "address such as name@example.org")
    if item.get("url"):
        try:
            url = check_url(item["url"], WEB_SCHEMES)
        except URLError as exc:
            errors.add(".url", f"{name}: url: {exc}")
    errors.raise_any()
    return Target(name, role, phone, phone_uri, email, url)


def _targets(value, _):
    if isinstance(value, dict) and value and "name" not in value:
        raise FieldError("is a mapping of mappings; write a list, one `- name: …` per target")
    return _each(one_or_many(value, "target"), _target, isinstance(value, list))


def _action(item) -> Action:
    if not isinstance(item, dict):
        raise FieldError("each action is a mapping, e.g. {label: Call your representative, "
                         "url: 'tel:+12025551234', kind: call}")
    errors = _Errors()
    for key in item:
        if key not in ("label", "url", "kind"):
            errors.add(f".{key}", f"{key}: {unknown_key(key, ('label', 'url', 'kind'))}")
    label = errors.run(".label", text, item.get("label"), 120, "button label")
    if label and re.fullmatch(r"(click )?here[.!>]*|read more|more|link", label.lower()):
        errors.add(".label", f"label {label!r} says nothing out of context (screen readers "
                   "list links by label); say what the action does, e.g. 'Call your "
                   "representative'")
    try:
        url = check_url(item.get("url"))
    except URLError as exc:
        errors.add(".url", f"{label or 'action'}: url: {exc}")
    kind = item.get("kind") or "other"
    if kind not in ACTION_KINDS:
        close = difflib.get_close_matches(str(kind), ACTION_KINDS, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        errors.add(".kind", f"{label}: kind {kind!r} is not an action kind; {hint}write one "
                   f"of {', '.join(ACTION_KINDS)}")
    errors.raise_any()
    return Action(label, url, kind)


def _actions(value, _):
    if isinstance(value, str):
        raise FieldError("is a single text; write a list of actions, each with label and url")
    return _each(one_or_many(value, "action"), _action, isinstance(value, list))


def _each(items: list, parse, listed: bool) -> tuple:
    """Parse every item, reporting the problems of all items, not just the first."""
    errors, parsed = _Errors(), []
    for index, item in enumerate(items):
        parsed.append(errors.run(f"[{index}]" if listed else "", parse, item))
    errors.raise_any()
    return tuple(parsed)


class _Errors:
    """Problems found inside one field, each with where it is (".email", "[1].url")."""

    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(FieldError(message, where))

    def run(self, where: str, parse, *args):
        try:
            return parse(*args)
        except FieldErrors as group:
            self.items.extend(FieldError(str(e), where + e.where) for e in group.errors)
        except FieldError as exc:
            self.items.append(FieldError(str(exc), where + exc.where))
        return None

    def raise_any(self) -> None:
        if len(self.items) == 1:
            raise self.items[0]
        if self.items:
            raise FieldErrors(self.items)


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
    "targets": Field(_targets, required=True),
    "actions": Field(_actions, required=True),
    "image": Field(_image),
    "image_alt": Field(_plain(300, "image description")),
    "image_caption": Field(_plain(300, "caption")),
    # Its length with the link and hashtags is checked by the sharing plugin (X's rules).
    "share_text": Field(_plain(1000, "share text")),
    "hashtags": Field(_hashtags),
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


def parse_fields(values: dict, lines: dict[str, int], table: dict[str, Field],
                 default_zone) -> tuple[dict, list[tuple[int, str, str]]]:
    """Parse every field of `values` by `table`; return (parsed, [(line, field, message)])."""
    parsed: dict = {"timezone": default_zone}
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
        if key in ("date", "deadline", "modified") and parsed.get("timezone") is None:
            continue  # the zone itself was wrong: that is the problem to report
        try:
            parsed[key] = field.parse(values[key], parsed)
        except (FieldError, FieldErrors) as exc:
            for error in getattr(exc, "errors", [exc]):
                problems.append((line_of(lines, key + error.where), key, str(error)))
            if key == "timezone":
                parsed["timezone"] = None
    if values.get("image") is not None and values.get("image_alt") is None:
        problems.append((lines.get("image", 1), "image_alt",
                         "is required with image; describe the photo for people who cannot "
                         "see it"))
    return parsed, problems
