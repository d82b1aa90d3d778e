"""The `actions` field: what the alert asks readers to do, and how the page helps them.

A call, an email or a letter needs no `url`: the page gives the numbers to call with a
script, an email to edit and send, a letter to print. Any other action is a link. An
event also says when (`start`, `end`) and where (`location`); calendars list it.
"""

from __future__ import annotations

import difflib
import re
from itertools import pairwise

from alerts.authoring import mailto
from alerts.authoring.deadline import DateError, parse_moment
from alerts.authoring.links import URLError, check_url
from alerts.authoring.model import ACTION_KINDS, Action
from alerts.authoring.placeholders import PlaceholderError, split
from alerts.authoring.values import (
    Errors,
    FieldError,
    each,
    lines_text,
    one_or_many,
    text,
    word_list,
)

#: The keys each kind may have beyond label, url and kind.
TEXTS = {"call": ("script", "voicemail"), "email": ("subject", "body"), "letter": ("body",)}
KEYS = ("label", "url", "kind", "targets", "script", "voicemail", "subject", "body",
        "start", "end", "location")
#: The keys only an event has: when it starts and ends, and where it happens.
EVENT_KEYS = ("start", "end", "location")
#: A line of a letter shorter than this keeps its line break ("Sincerely,", an address);
#: a longer one is prose wrapped in the file, joined to the next line.
SHORT_LINE = 50
_LIMITS = {"script": (3000, "call script"), "voicemail": (600, "voicemail message"),
           "subject": (200, "subject line"), "body": (10000, "letter")}
_VAGUE = re.compile(r"(click )?here[.!>]*|read more|more|link")


def _text(key: str, value, known: dict[str, str]) -> str:
    limit, what = _LIMITS[key]
    written = text(value, limit, what) if key == "subject" else lines_text(value, limit, what)
    try:
        split(written, known, target="")
    except PlaceholderError as exc:
        # The line it is on: a text after `|` starts on the line below its key.
        raw = str(value)
        offset = raw.count("\n", 0, max(raw.find(exc.name), 0)) + ("\n" in raw.strip())
        raise FieldError(f"{key}: {exc}", offset=offset) from None
    if key == "subject":
        return written
    paragraphs = written.split("\n\n")
    if key in ("script", "voicemail"):
        # Read aloud: lines are joined as in Markdown, blank lines part paragraphs.
        return "\n\n".join(" ".join(p.split("\n")) for p in paragraphs)
    # A letter: prose wrapped in the file flows (mail programs and paper wrap it
    # again); short lines — "Sincerely,", a name, an address — keep their breaks.
    return "\n\n".join(_flowed(p.split("\n")) for p in paragraphs)


def _flowed(lines: list[str]) -> str:
    joined = lines[0]
    for before, line in pairwise(lines):
        joined += (" " if len(before) >= SHORT_LINE else "\n") + line
    return joined


def _action(item, number: int, context: dict, targets, tz) -> Action:
    if not isinstance(item, dict):
        raise FieldError("each action is a mapping, e.g. {label: Call your representative, "
                         "kind: call}")
    errors = Errors()
    for key in item:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(KEYS)}"
            errors.add(f".{key}", f"{key}: unknown field; {hint}")
    label = errors.run(".label", text, item.get("label"), 120, "button label")
    if label and _VAGUE.fullmatch(label.lower()):
        errors.add(".label", f"label {label!r} says nothing out of context (screen readers "
                   "list links by label); say what the action does, e.g. 'Call your "
                   "representative'")
    kind = item.get("kind") or "other"
    if kind not in ACTION_KINDS:
        close = difflib.get_close_matches(str(kind), ACTION_KINDS, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        errors.add(".kind", f"{label}: kind {kind!r} is not an action kind; {hint}write one "
                   f"of {', '.join(ACTION_KINDS)}")
        kind = "other"
    name = label or "action"
    texts = {}
    for key in ("script", "voicemail", "subject", "body"):
        if item.get(key) is None:
            continue
        if key not in TEXTS.get(kind, ()):
            owners = [k for k, keys in TEXTS.items() if key in keys]
            errors.add(f".{key}", f"{name}: {key}: only a {' or '.join(owners)} action has "
                       f"a {key}; remove it or set `kind: {owners[0]}`")
            continue
        value = errors.run(f".{key}", _text, key, item[key], context["placeholders"])
        if value is not None:
            texts[key] = value
    when = _event(item, kind, name, tz, errors)
    names = ()
    if item.get("targets") is not None:
        names = errors.run(".targets", _target_names, item["targets"], targets, kind) or ()
    if names and targets is not None:
        targets = tuple(t for t in targets if t.name in names)
    url = None
    if item.get("url") is not None or kind not in TEXTS:
        try:
            url = check_url(item.get("url"))
            if url.lower().startswith("mailto:"):
                mailto.check(url)
        except (URLError, mailto.MailtoError) as exc:
            errors.add(".url", f"{name}: url: {exc}")
    if url and texts:
        errors.add(".url", f"{name}: give either url (the act happens there) or "
                   f"{' and '.join(texts)} (it happens on this page), not both")
    elif kind in TEXTS and item.get("url") is None and targets is not None:
        given = {key for key in TEXTS[kind] if item.get(key) is not None}
        for problem in _on_page_problems(kind, given, targets):
            errors.add(*problem)
    errors.raise_any()
    return Action(label, url, kind, number, texts.get("script"), texts.get("voicemail"),
                  texts.get("subject"), texts.get("body"),
                  tuple(context["placeholders"].items()), tuple(names), **when)


def _event(item: dict, kind: str, name: str, tz, errors: Errors) -> dict:
    """An event's start, end and location, read as the deadline is (in the alert's
    zone `tz`; a bare date is the start of that day for `start`, its end for `end`).
    Any other kind of action with one of them is an error."""
    given = [key for key in EVENT_KEYS if item.get(key) is not None]
    if kind != "event":
        for key in given:
            errors.add(f".{key}", f"{name}: {key}: only an event action has a {key}; "
                       "remove it or set `kind: event`")
        return {}
    if "start" not in given:
        errors.add(".start", f"{name}: an event needs `start:`, when it begins, as ISO "
                   "8601, e.g. start: 2016-07-15T18:00 (and `end:`, `location:`)")
    found = {}
    if tz is not None:  # else the alert's zone is wrong, and that is the problem reported
        for key in ("start", "end"):
            if key in given:
                found[key] = errors.run(f".{key}", _moment, name, key, item[key], tz)
    start, end = found.get("start"), found.get("end")
    if start is not None and end is not None and end <= start:
        errors.add(".end", f"{name}: end: {end.isoformat()} is not after start "
                   f"{start.isoformat()}; check both")
    if "location" in given:
        found["location"] = errors.run(".location", _place, name, item["location"])
    return found


def _moment(name: str, key: str, value, tz):
    try:
        return parse_moment(value, tz, end_of_day=key == "end")
    except DateError as exc:
        raise FieldError(f"{name}: {key}: {exc}") from None


def _place(name: str, value) -> str:
    try:
        return text(value, 300, "place (an address, or 'Online')")
    except FieldError as exc:
        raise FieldError(f"{name}: location: {exc}") from None


def _target_names(value, targets, kind: str) -> tuple[str, ...]:
    """An action's own `targets`: names from the alert's targets (default: all)."""
    if kind not in TEXTS:
        raise FieldError("only a call, email or letter names its targets; remove it")
    names = word_list(value, "target names")
    known = [target.name for target in targets or ()]
    for name in names:
        if targets is not None and name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise FieldError(f"{name!r} is not one of the alert's targets; {hint}write "
                             f"names as in `targets:` ({', '.join(known)})")
    return names


def _on_page_problems(kind: str, texts: set, targets) -> list[tuple[str, str]]:
    """What a call, email or letter made on the page lacks."""
    how = "or give the action a url"
    if kind == "call" and not any(t.phone_offices for t in targets):
        return [("", "a call on the page needs a number: give a target `phone:` or "
                 f"`offices:` with phone, {how}")]
    problems = []
    if kind == "email":
        if not any(t.email for t in targets):
            problems.append(("", f"an email on the page needs a target with `email:`, {how}"))
        for key, what in (("subject", "the subject line"), ("body", "the letter")):
            if key not in texts:
                problems.append(("", f"an email on the page needs `{key}:` ({what}), {how}"))
    if kind == "letter":
        if not any(t.letter_offices for t in targets):
            problems.append(("", "a printed letter needs a target office with `address:` "
                             f"to send it to, {how}"))
        if "body" not in texts:
            problems.append(("", f"a printed letter needs `body:` (the letter), {how}"))
    return problems


def actions(value, parsed: dict) -> tuple[Action, ...]:
    """The `actions` field: a list of mappings (see KEYS)."""
    if isinstance(value, str):
        raise FieldError("is a single text; write a list of actions, each with label and kind")
    items = one_or_many(value, "action")
    context, targets = parsed["_context"], parsed.get("targets")
    tz = parsed.get("timezone")  # None: the alert's zone is wrong (reported there)
    numbered = iter(range(1, len(items) + 1))
    return each(items, lambda item: _action(item, next(numbered), context, targets, tz),
                listed=isinstance(value, list))
