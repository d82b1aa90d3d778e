"""The print stylesheet, the QR helper, the page sanitiser and the PDF setting, piece by piece."""

from __future__ import annotations

from pathlib import Path

import pytest
import tinycss2
from markupsafe import Markup

from printpdf.build import css_string, page_css
from printpdf.qr import qr_svg
from printpdf.sanitize import PRINT_HIDDEN_CLASSES, PRINT_HIDDEN_TAGS, prepare
from printpdf.settings import DEFAULTS, PdfSettingsError, merge, site_origin

PRINT_CSS = Path(__file__).parents[1] / "theme" / "static" / "css" / "print.css"


def print_rules() -> dict[str, str]:
    """Selector -> declarations of every rule inside @media print, whitespace squeezed."""
    sheet = tinycss2.parse_stylesheet(PRINT_CSS.read_text("utf-8"), skip_comments=True,
                                      skip_whitespace=True)
    media = [r for r in sheet if r.type == "at-rule" and r.lower_at_keyword == "media"
             and tinycss2.serialize(r.prelude).strip() == "print"]
    assert len(media) == 1, "print.css keeps all its rules in one @media print block"
    rules = {}
    for rule in tinycss2.parse_rule_list(media[0].content, True, True):
        body = " ".join(tinycss2.serialize(rule.content).split())
        for selector in tinycss2.serialize(rule.prelude).split(","):
            rules[" ".join(selector.split())] = rules.get(" ".join(selector.split()), "") + body
    return rules


def test_furniture_and_clock_text_are_hidden_in_print():
    rules = print_rules()
    for selector in ("nav", "footer", ".share", "button", ".button:not(.action)",
                     "[data-volatile]"):
        assert "display: none !important" in rules[selector], selector


def test_print_only_block_shows_and_nothing_splits():
    rules = print_rules()
    assert "display: flow-root !important" in rules[".print-only"]
    for selector in ("figure", ".actions > li", ".print-only"):
        assert "break-inside: avoid" in rules[selector], selector


def test_black_on_white_and_urls_written_out():
    rules = print_rules()
    assert "color: #000 !important" in rules["*"]
    assert "background: #fff !important" in rules["html"]
    assert 'content: " (" attr(href) ")"' in rules[".actions a[href]::after"]
    assert 'content: " (" attr(href) ")"' in rules['article a[href^="http"]::after']


def test_qr_svg_is_inline_vector_with_a_name():
    svg = qr_svg('https://example.org/act?a=1&b="2"')
    assert isinstance(svg, Markup)
    assert svg.startswith('<svg role="img" aria-label="QR code for https://example.org/act?a=1'
                          '&amp;b=&#34;2&#34;"')
    assert "<path " in svg and "<image" not in svg and "width=" not in svg
    assert len(svg) < 4000
    assert "Código QR" in qr_svg("https://example.org/", "es")


def test_prepare_drops_volatile_text_scripts_and_attachments():
    html = ('<p>Deadline <time datetime="2016-07-15">Friday</time>'
            '<span data-volatile class="x"><b>3</b> days <span>left</span></span>!</p>'
            '<input data-volatile value="v"><img src="a.png" alt="&amp; co">'
            '<link rel="Attachment" href="secret.txt"><link rel="stylesheet" href="p.css">'
            '<a rel="attachment nofollow" href="x.txt">x</a><!-- note -->'
            '<script>if (a < b) {}</script><object data="x.pdf"><p>in</p></object>')
    page = prepare(html)
    assert page.html == (
        '<p>Deadline <time datetime="2016-07-15">Friday</time>!</p>'
        '<img src="a.png" alt="&amp; co"><a href="x.txt">x</a>')
    assert page.links == ("p.css",)


def test_prepare_takes_out_the_stylesheets_weasyprint_would_load_for_print():
    html = ('<head><link rel="stylesheet" href="site.css" media="screen">'
            '<link rel="stylesheet" href="print.css" media="print">'
            '<link rel="alternate stylesheet" href="alt.css" title="Alt">'
            '<link rel="icon" href="icon.svg"><meta name="description" content="x">'
            '<link rel="Stylesheet" href=" all.css " media="screen, all"></head>'
            '<body><link rel="stylesheet" href="late.css" type="text/css; charset=utf-8">'
            '<link rel="stylesheet" href="data.json" type="application/json"></body>')
    page = prepare(html)
    assert page.html == "<head></head><body></body>"
    assert page.links == ("print.css", "all.css", "late.css")


def test_prepare_drops_what_print_css_hides():
    html = ('<body><a class="skip" href="#main">Skip</a><header><a class="site-name" href="/">'
            'Site</a><nav><a href="/">Home</a></nav></header><main><h1>Title</h1>'
            '<p class="closed-notice" hidden>Closed</p><p class="Share">kept: class names are'
            ' case-sensitive</p><ul class="actions"><li><a class="button action" href="a">'
            'Act</a></li></ul><section class="take-action no-print"><h2>Again</h2></section>'
            '<p><button type="button" hidden>Print</button><a class="button secondary" '
            'href="x.pdf">PDF</a></p><section class="share"><a href="s">Share</a></section>'
            '<p class="no-print">screen only</p></main><footer>Footer</footer></body>')
    assert prepare(html).html == (
        '<body><header><a class="site-name" href="/">Site</a></header><main><h1>Title</h1>'
        '<p class="Share">kept: class names are case-sensitive</p><ul class="actions"><li>'
        '<a class="button action" href="a">Act</a></li></ul><p></p></main></body>')


def test_prepare_drops_only_what_print_css_hides():
    # A selector taken out of print.css's hidden rule must be printed again, PDFs included.
    hidden = {selector for selector, body in print_rules().items()
              if "display: none !important" in body}
    for tag in PRINT_HIDDEN_TAGS:
        assert tag in hidden, tag
    for name in PRINT_HIDDEN_CLASSES:
        assert f".{name}" in hidden, name
    assert {"[hidden]", "[data-volatile]", ".button:not(.action)"} <= hidden


def test_prepare_is_the_same_whatever_the_countdown_says():
    page = '<p>Closes <span data-volatile>{}</span> soon</p>'
    assert prepare(page.format("in 3 days")) == prepare(page.format("in 2 hours"))


def test_settings_merge_documented_defaults():
    assert merge({"page_size": "A4"}) == {**DEFAULTS, "page_size": "A4"}
    assert merge(None) == DEFAULTS and DEFAULTS["page_size"] == "Letter"
    with pytest.raises(PdfSettingsError) as error:
        merge({"page_size": "A4", "colour": "red"})
    # The file it names is the last build's (tests/test_infrastructure.py builds one).
    assert error.value.message == ("PDF.colour: unknown key; known keys: enabled, page_size, "
                                   "margins, workers, image_dpi, jpeg_quality, site_url, tagged")


@pytest.mark.parametrize("bad", [
    {"page_size": "A4; } body { display: none"}, {"margins": 12}, {"workers": 0},
    {"jpeg_quality": 100}, {"image_dpi": -1}, ["enabled"],
])
def test_settings_reject_unusable_values(bad):
    with pytest.raises(PdfSettingsError):
        merge(bad)


def test_site_origin_prefers_an_absolute_siteurl():
    assert site_origin(DEFAULTS, {"SITEURL": "https://act.example.org"}) == (
        "https://act.example.org/")
    assert site_origin(DEFAULTS, {"SITEURL": ""}) == "http://localhost:8000/"
    assert site_origin({**DEFAULTS, "site_url": "https://x.example/"}, {}) == (
        "https://x.example/")


def test_page_css_escapes_texts_and_counts_pages():
    css = page_css(DEFAULTS, 'Site "A"\\B', "https://x.example/a/", "en")
    assert 'content: "Site \\22 A\\22 \\5c B"' in css
    assert 'content: "Page " counter(page) " of " counter(pages)' in css
    assert "size: Letter !important" in css
    assert css_string("a\nb") == '"a\\a b"'
