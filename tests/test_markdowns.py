"""The body converter gives stock Python-Markdown's output, and the summary is the first
paragraph's text, for any input (hypothesis), not only the happy paths."""

from __future__ import annotations

import copy

import nh3
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown import Markdown

from alerts.authoring import markdowns
from alerts.authoring.firstparagraph import first_paragraph
from pelicanconf import MARKDOWN

# Pelican's MarkdownReader lists the configured extensions (plus meta) before any reading.
SETTINGS = copy.deepcopy(MARKDOWN)
SETTINGS["extensions"] = [*SETTINGS["extension_configs"], "markdown.extensions.meta"]

# Quotes, dashes, dots and brackets next to Markdown's own syntax, where smarty's
# patterns and the inline patterns meet.
MARKDOWN_ALPHABET = st.sampled_from(
    [*"ab 'x\"-.<>*_`[]()!#&;\n", "--", "---", "...", "<<", ">>", "\n\n", "- ", "1. ",
     "[a](https://e.org/x)", "**b**", "`c`", "&amp;", "'80s", "don't", "\\\"", "    code"])
TEXTS = st.lists(MARKDOWN_ALPHABET, max_size=60).map("".join)


def stock(text: str, options: dict = SETTINGS) -> str:
    return Markdown(**copy.deepcopy(options)).convert(text)


def ours(text: str, options: dict = SETTINGS) -> str:
    return markdowns.converter(copy.deepcopy(options)).convert(text)


def test_smarty_pass_is_replaced_and_still_educates():
    md = markdowns.converter(copy.deepcopy(SETTINGS))
    assert type(md.treeprocessors["smarty"]).__name__ == "_SmartyWhereNeeded"
    html = md.convert('He said "don\'t wait" -- then... the \'80s --- gone.')
    assert html == stock('He said "don\'t wait" -- then... the \'80s --- gone.')
    assert "&ldquo;" in html and "&rsquo;" in html and "&ndash;" in html and "&hellip;" in html


def test_text_without_triggers_is_left_alone_and_same_as_stock():
    text = "Call the **council** before [Friday](https://e.org/a).\n\n- one\n- two\n"
    assert ours(text) == stock(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_same_html_as_stock_smarty(text):
    assert ours(text) == stock(text)


@settings(max_examples=100, deadline=None)
@given(TEXTS, st.booleans(), st.booleans())
def test_same_html_as_stock_with_other_smarty_options(text, angled, quotes):
    options = copy.deepcopy(SETTINGS)
    options["extension_configs"]["markdown.extensions.smarty"] = {
        "smart_angled_quotes": angled, "smart_quotes": quotes}
    assert ours(text, options) == stock(text, options)


def test_without_smarty_nothing_is_replaced():
    options = {"extensions": ["markdown.extensions.extra"], "output_format": "html5"}
    md = markdowns.converter(options)
    assert "smarty" not in md.treeprocessors
    assert md.convert('"quoted" -- x') == stock('"quoted" -- x', options)


def soup_first_paragraph(content: str) -> str:
    """What the summary was before: BeautifulSoup's first <p>, as text on one line."""
    para = BeautifulSoup(content, "html.parser").find("p")
    text = " ".join(para.get_text().split()) if para else ""
    if len(text) > 300:
        text = text[:297].rsplit(" ", 1)[0] + "…"
    return text


def test_first_paragraph_examples():
    html = ('<h2>Why</h2><ul><li>x</li></ul><p>Call <a href="/a" title="x</p>y">the '
            "<strong>council</strong></a> &amp; the\nmayor.</p><p>Second.</p>")
    assert first_paragraph(html) == "Call the council & the mayor."
    assert first_paragraph("<ul><li>No paragraph</li></ul>") == ""
    long = "<p>" + "word " * 100 + "</p>"
    summary = first_paragraph(long)
    assert summary.endswith("…") and len(summary) <= 300 and summary == soup_first_paragraph(long)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_first_paragraph_same_as_beautifulsoup(text):
    content = nh3.clean(ours(text))  # what the reader hands over: sanitised HTML
    assert first_paragraph(content) == soup_first_paragraph(content)
