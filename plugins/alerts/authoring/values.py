"""Plain front-matter values and the errors they raise: one line of text, a list of
words, a multi-line text; every field parser builds on these."""

from __future__ import annotations

import difflib
import re

BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]")
_SUSPECT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]")


class FieldError(ValueError):
    """What is wrong with one field and how to write it; `where` points inside the field
    (".email", "[1].url") so the message can name the exact line; `offset` counts lines
    from there to the problem inside a text of several lines."""

    def __init__(self, message: str, where: str = "", offset: int = 0):
        super().__init__(message)
        self.where, self.offset = where, offset


class FieldErrors(ValueError):
    """Several problems inside one field (a list of targets or actions)."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


def text(value, limit: int = 2000, what: str = "text") -> str:
    if isinstance(value, (list, dict)):
        raise FieldError(f"must be a single line of {what}, not a "
                         f"{'list' if isinstance(value, list) else 'mapping'}")
    if value is None or not str(value).strip():
        raise FieldError(f"is empty; write the {what}")
    value = " ".join(str(value).split())
    if _SUSPECT.search(value):  # one scan; most texts have none of these
        _suspect(value)
    if len(value) > limit:
        raise FieldError(f"is {len(value)} characters long; keep it to {limit}")
    return value


def lines_text(value, limit: int, what: str) -> str:
    """A text of several lines (a call script, a letter): line breaks kept, spaces at
    the ends of lines and runs of blank lines removed."""
    if isinstance(value, (list, dict)):
        raise FieldError(f"must be {what}, not a "
                         f"{'list' if isinstance(value, list) else 'mapping'}; write it "
                         "after `|` on the lines below, indented")
    if value is None or not str(value).strip():
        raise FieldError(f"is empty; write the {what}")
    lines = [" ".join(line.split()) for line in str(value).replace("\r\n", "\n").split("\n")]
    value = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if _SUSPECT_LINES.search(value):
        _suspect(value)
    if len(value) > limit:
        raise FieldError(f"is {len(value)} characters long; keep it to {limit}")
    return value


def _suspect(value: str):
    bidi = sorted({f"U+{ord(ch):04X}" for ch in value if ch in BIDI_CONTROLS})
    if bidi:
        raise FieldError(f"contains invisible direction-control characters "
                         f"({', '.join(bidi)}) that can disguise text; retype it "
                         "without them")
    raise FieldError("contains control characters; retype it")


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


def each(items: list, parse, listed: bool) -> tuple:
    """Parse every item, reporting the problems of all items, not just the first."""
    errors, parsed = Errors(), []
    for index, item in enumerate(items):
        parsed.append(errors.run(f"[{index}]" if listed else "", parse, item))
    errors.raise_any()
    return tuple(parsed)


class Errors:
    """Problems found inside one field, each with where it is (".email", "[1].url")."""

    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, where: str, message: str, offset: int = 0) -> None:
        self.items.append(FieldError(message, where, offset))

    def run(self, where: str, parse, *args):
        try:
            return parse(*args)
        except FieldErrors as group:
            self.items.extend(FieldError(str(e), where + e.where, e.offset)
                              for e in group.errors)
        except FieldError as exc:
            self.items.append(FieldError(str(exc), where + exc.where, exc.offset))
        return None

    def raise_any(self) -> None:
        if len(self.items) == 1:
            raise self.items[0]
        if self.items:
            raise FieldErrors(self.items)
