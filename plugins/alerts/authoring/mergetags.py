"""Email merge tags pasted into alert copy: replace the known ones, refuse the rest.

Copy is often pasted from an email tool, where `[[First_Name]]` is filled in per
recipient. On a public page it must never show raw: a tag listed in
ALERTS["merge_tags"] becomes its fallback ("friend"); any other tag, and the merge
syntaxes of other email tools, are errors naming the line.

The email edition keeps the tag for the email tool. So the parser renders the title,
summary and body once with a token per known tag (`keep=True`), and each edition fills
the tokens its own way (`fill`): the page with the fallback, the email with the tag in
EMAIL["merge_syntax"]. A token is one ASCII word, so Markdown, smart quotes and the HTML
cleaner treat it as they treat the word that replaces it.
"""

from __future__ import annotations

import html
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
#: A known tag kept for an edition: its place among ALERTS["merge_tags"].
_KEPT = "mergetagtoken{}x"
_TOKENS = re.compile(r"mergetagtoken(\d+)x")


@dataclass(frozen=True)
class MergeTagProblem:
    line_offset: int  # 0 for the first line of the text
    tag: str
    message: str


def replace(text: str, fallbacks: dict[str, str], *,
            keep: bool = False) -> tuple[str, list[MergeTagProblem]]:
    """Return `text` with known tags replaced, and a problem for every other tag. With
    `keep`, a known tag becomes a token for `fill` instead of its fallback."""
    if not _MARKERS.search(text):  # most texts: no pattern below can match
        return text, []
    problems: list[MergeTagProblem] = []

    def known(match: re.Match) -> str:
        name = match.group(1)
        if name in fallbacks:
            return _KEPT.format(list(fallbacks).index(name)) if keep else fallbacks[name]
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
                "replace it with plain words (e.g. 'friend'), or write it as [[NAME]] with "
                "NAME in ALERTS['merge_tags'] and a fallback: the page shows the fallback "
                "and the email edition keeps the tag",
            ))
    problems.sort(key=lambda p: p.line_offset)
    return result, problems


def has_tag(text: str) -> bool:
    """Whether `text` (from `replace(..., keep=True)`) has a known tag in it."""
    return _TOKENS.search(text) is not None


def fill(text: str, values: list[str]) -> str:
    """`text` with each token of `replace(..., keep=True)` as `values[its tag's place]`."""
    if "mergetagtoken" not in text:
        return text
    return _TOKENS.sub(lambda match: values[int(match.group(1))], text)


@dataclass(frozen=True)
class Tagged:
    """An alert's title, summary (plain text) and body (HTML) with each known merge tag
    as a token, for an edition that keeps the tags: see `edition`."""

    names: tuple[str, ...]  # ALERTS["merge_tags"]'s names, in token order
    title: str
    summary: str
    body: str

    def edition(self, pattern: str) -> tuple[str, str, str]:
        """Title, summary and body with each tag written as `pattern` (e.g. "*|{name}|*");
        the body's tags HTML-escaped."""
        tags = [pattern.format(name=name) for name in self.names]
        return (fill(self.title, tags), fill(self.summary, tags),
                fill(self.body, [html.escape(tag) for tag in tags]))
