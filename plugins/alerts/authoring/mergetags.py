"""Email merge tags pasted into alert copy: replace the known ones, refuse the rest.

Copy is often pasted from an email tool, where `[[First_Name]]` is filled in per
recipient. On a public page it must never show raw: a tag listed in
ALERTS["merge_tags"] becomes its fallback ("friend"); any other tag, and the merge
syntaxes of other email tools, are errors naming the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BRACKETS = re.compile(r"\[\[\s*([^\[\]\n]{1,60}?)\s*\]\]")
_FOREIGN = (
    (re.compile(r"\*\|[A-Za-z0-9_:]+\|\*"), "Mailchimp"),
    (re.compile(r"\{\{\s*[A-Za-z_][\w.]*\s*\}\}"), "template"),
    (re.compile(r"(?<!\{)\{[A-Za-z_]\w*\.[A-Za-z_][\w.]*\}(?!\})"), "contact"),
    (re.compile(r"%%[A-Za-z_][\w]*%%"), "percent"),
)

#: What every pattern above needs, found in one scan.
_MARKERS = re.compile(r"\[\[|\*\||\{|%%")


@dataclass(frozen=True)
class MergeTagProblem:
    line_offset: int  # 0 for the first line of the text
    tag: str
    message: str


def replace(text: str, fallbacks: dict[str, str]) -> tuple[str, list[MergeTagProblem]]:
    """Return `text` with known tags replaced, and a problem for every other tag."""
    if not _MARKERS.search(text):  # most texts: no pattern below can match
        return text, []
    problems: list[MergeTagProblem] = []

    def known(match: re.Match) -> str:
        name = match.group(1)
        if name in fallbacks:
            return fallbacks[name]
        known_names = ", ".join(f"[[{k}]]" for k in fallbacks) or "none"
        problems.append(MergeTagProblem(
            text.count("\n", 0, match.start()), match.group(0),
            f"unknown merge tag {match.group(0)}; remove it, or add it to "
            f"ALERTS['merge_tags'] with a fallback (known: {known_names})",
        ))
        return match.group(0)

    result = _BRACKETS.sub(known, text)
    for pattern, _tool in _FOREIGN:
        for match in pattern.finditer(result):
            problems.append(MergeTagProblem(
                result.count("\n", 0, match.start()), match.group(0),
                f"{match.group(0)} is an email merge tag and would show raw on the page; "
                "replace it with plain words (e.g. 'friend')",
            ))
    problems.sort(key=lambda p: p.line_offset)
    return result, problems
