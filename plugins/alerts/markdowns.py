"""The Markdown converter for alert and page bodies.

Python-Markdown's smarty extension (curly quotes, dashes, ellipses) runs a second inline
pass that tries each of its 18 patterns on every text node of the page, found or not;
in a build of many alerts that pass costs as much as the rest of Markdown. Every one of
those patterns needs a quote, two hyphens, three dots or a double angle bracket, so text
without any of them is left as it is, unchanged, without trying the patterns. The output
is the same as stock smarty's; tests/test_markdowns.py compares the two.
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.treeprocessors import InlineProcessor

#: What at least one smarty pattern needs (quotes, dashes, ellipses, angled quotes).
SMARTY_TRIGGER = re.compile(r"['\"]|--|\.\.\.|<<|>>")


class _SmartyWhereNeeded(InlineProcessor):
    """Smarty's own inline pass and patterns, skipping text none of them can match."""

    # The name InlineProcessor calls for each text (its private `__handleInline`).
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if not SMARTY_TRIGGER.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


def converter(settings: dict) -> Markdown:
    """A Markdown instance built from Pelican's MARKDOWN setting, with the cheaper smarty pass."""
    md = Markdown(**settings)
    if "smarty" in md.treeprocessors:
        stock = md.treeprocessors["smarty"]
        priority = next(item.priority for item in md.treeprocessors._priority
                        if item.name == "smarty")
        guarded = _SmartyWhereNeeded(md)
        guarded.inlinePatterns = stock.inlinePatterns
        md.treeprocessors.register(guarded, "smarty", priority)
    return md
