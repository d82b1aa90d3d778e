"""Placeholders in call scripts and letters: `[Your name]` and the like, and `[Target]`.

`[Target]` is replaced as the site is built, by each target's name. The others name a
detail of the visitor's (ALERTS["placeholders"] maps each to the field of the page's
"Your details" form that fills it); the page's script fills them in the visitor's browser
only, and without it they stand as highlighted blanks. Any other `[Capitalised words]` is
a typo or a leftover, and an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TARGET = "Target"
#: A bracketed run of words that starts with a capital: "[Your ZIP code]", "[Tu nombre]".
_CANDIDATE = re.compile(r"\[([^\W\d_][^\[\]\n]{0,58})\]")
#: The details the page's form asks for, with the browser's autocomplete for each (the
#: street is one line: "street-address" is for a multi-line field; the city and the ZIP
#: code have their own).
AUTOCOMPLETE = {"name": "name", "zip": "postal-code", "address": "address-line1",
                "phone": "tel", "city": "address-level2"}


class PlaceholderError(ValueError):
    """An unknown placeholder (`name`, bracketed), with the ones that are known."""

    def __init__(self, message: str, name: str):
        super().__init__(message)
        self.name = name


@dataclass(frozen=True)
class Blank:
    """One placeholder in a text: what is written, and the detail that fills it."""

    text: str  # "Your name"
    field: str  # "name"


def split(text: str, known: dict[str, str], target: str | None = None) -> tuple:
    """`text` as a tuple of plain strings and Blanks; `[Target]` becomes `target`.
    Raises PlaceholderError for a bracketed capitalised name that is not known."""
    parts: list = []
    position = 0
    for match in _CANDIDATE.finditer(text):
        name = match.group(1)
        if not name[0].isupper() or (match.end() < len(text) and text[match.end()] == "("):
            continue  # "[see below]", or a Markdown link
        if name == TARGET:
            if target is None:
                continue
            replacement = target
        elif name in known:
            replacement = Blank(name, known[name])
        else:
            names = ", ".join(f"[{n}]" for n in (*known, TARGET))
            raise PlaceholderError(f"[{name}] is not a placeholder; use one of {names} "
                                   "(ALERTS['placeholders'] sets them)", match.group(0))
        parts.extend((text[position:match.start()], replacement))
        position = match.end()
    parts.append(text[position:])
    merged: list = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    return tuple(merged)


def written(parts: tuple) -> str:
    """The text back, with each blank as its bracketed name."""
    return "".join(p if isinstance(p, str) else f"[{p.text}]" for p in parts)


def fields(parts: tuple) -> list[str]:
    return [p.field for p in parts if isinstance(p, Blank)]
