"""The Markdown converter for alert and page bodies.

Python-Markdown's smarty extension (curly quotes, dashes, ellipses) runs a second inline
pass that tries each of its 18 patterns on every text node of the page, found or not;
in a build of many alerts that pass costs as much as the rest of Markdown. Every one of
those patterns needs a quote, two hyphens, three dots or a double angle bracket, so text
without any of them is left as it is without trying the patterns, and text with an
apostrophe alone is not tried against the patterns that need a double quote, dashes or
dots. The output is the same as stock smarty's; tests/test_markdowns.py compares the two.

This leans on Python-Markdown internals — the name-mangled InlineProcessor methods, the
registries' `_data` and `_priority`, and `re._parser` to read a pattern's literals — and
is kept because it pays: building the bench corpus at N=300 (cards cached, PDFs off),
three turns each, took 3.3-5.7 s with it against 4.0-8.3 s with stock smarty, 14-30%
of the whole build (2026-12-01). tests/test_markdowns.py fails if an upgrade changes
them.
"""

from __future__ import annotations

import re
from re import _parser  # the parsed form of a pattern: its literal characters

from markdown import Markdown
from markdown.treeprocessors import InlineProcessor

#: What at least one smarty pattern needs (quotes, dashes, ellipses, angled quotes).
SMARTY_TRIGGER = re.compile(r"['\"]|--|\.\.\.|<<|>>")


class _SmartyWhereNeeded(InlineProcessor):
    """Smarty's own inline pass and patterns, skipping text none of them can match, and
    trying on the rest only the patterns whose quote, dash or dots the text has."""

    def __init__(self, md: Markdown, patterns) -> None:
        super().__init__(md)
        self.inlinePatterns = patterns
        self._needs = {id(patterns[name]): _needs(name, patterns[name])
                       for name in patterns._data}

    # The names InlineProcessor calls for each text and each pattern (private methods).
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if not SMARTY_TRIGGER.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)

    def _InlineProcessor__applyPattern(self, pattern, data, patternIndex, startIndex=0):
        needs = self._needs.get(id(pattern))
        if needs and not all(literal in data for literal in needs):
            return data, False, 0  # what the stock method returns when nothing matched
        return super()._InlineProcessor__applyPattern(pattern, data, patternIndex, startIndex)


def _needs(name: str, pattern) -> tuple[str, ...]:
    """What a smarty pattern cannot match without (all of them); () if unknown."""
    if name.startswith("smarty-quotes-") and not pattern.compiled_re.flags & re.IGNORECASE:
        # The characters the expression itself must match, one after another, outside
        # any lookaround, group or class: its quote or quotes.
        return tuple(sorted({chr(value) for op, value in _parser.parse(pattern.pattern)
                             if op is _parser.LITERAL}))
    return {"smarty-ellipses": ("...",), "smarty-em-dashes": ("---",),
            "smarty-en-dashes": ("--",), "smarty-left-angle-quotes": ("<<",),
            "smarty-right-angle-quotes": (">>",)}.get(name, ())


def converter(settings: dict) -> Markdown:
    """A Markdown instance built from Pelican's MARKDOWN setting, with the cheaper smarty pass."""
    md = Markdown(**settings)
    if "smarty" in md.treeprocessors:
        stock = md.treeprocessors["smarty"]
        priority = next(item.priority for item in md.treeprocessors._priority
                        if item.name == "smarty")
        md.treeprocessors.register(_SmartyWhereNeeded(md, stock.inlinePatterns), "smarty",
                                   priority)
    return md
