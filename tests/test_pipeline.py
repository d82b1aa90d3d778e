"""The build's steps run in one order whatever the order of PLUGINS; the alerts plugin
alone builds a site; a plugin without what it needs is a clear configuration error."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from alerts.authoring.deadline import ConfigError
from alerts.build.pipeline import Step, collect
from tests.conftest import ROOT, build_site, snapshot

PLUGINS = ("alerts", "sharing", "printpdf")


def _sample(root):
    """The sample content/, copied, built with `plugins` in the given order."""
    shutil.copytree(ROOT / "content", root / "content")
    return root


def test_every_order_of_plugins_builds_the_same_site(tmp_path):
    sites = {}
    for order in itertools.permutations(PLUGINS):
        root = _sample(tmp_path / "-".join(order))
        site = build_site(root, {}, pdf=True, settings={"PLUGINS": list(order)})
        assert site.result.ok, (order, site.messages)
        sites[order] = snapshot(site.output)
    first, *others = sites.values()
    assert any(name.endswith(".pdf") for name in first)
    assert any(name.endswith("card.png") for name in first)
    for order, files in sites.items():
        assert sorted(files) == sorted(first), order
        different = [name for name in first if files[name] != first[name]]
        assert different == [], (order, different)
    assert len(others) == 5


def test_the_alerts_plugin_alone_builds_a_site(tmp_path):
    site = build_site(_sample(tmp_path), {}, pdf=True, settings={"PLUGINS": ["alerts"]})
    assert site.result.ok, site.messages
    files = snapshot(site.output)
    assert not [name for name in files if name.endswith((".pdf", "card.png", "card.jpg"))]
    page = site.alert("protect-fair-asylum-hearings")
    assert page.title.get_text() == "Protect fair asylum hearings — Action Alerts"
    assert page.select("a.share-link") == []
    assert page.select('link[type="application/pdf"]') == []
    assert page.select_one('meta[property="og:title"]') is None
    assert "_headers" in files  # the alerts plugin's own steps still run
    assert any(name.endswith("vigil.jpg") for name in files)


@pytest.mark.parametrize("plugins", [["sharing"], ["printpdf", "sharing"], []])
def test_plugins_without_the_alerts_plugin_is_a_configuration_error(tmp_path, plugins):
    site = build_site(tmp_path, {}, settings={"PLUGINS": plugins})
    assert not site.result.ok
    assert site.result.failures == [
        f"{ROOT / 'pelicanconf.py'}: PLUGINS = {plugins!r} leaves out 'alerts', which the "
        "theme and the other plugins need; add it, e.g. PLUGINS = ['alerts', 'sharing', "
        "'printpdf']"]
    assert not site.output.exists()


def test_a_step_plugin_loaded_without_alerts_says_so(tmp_path):
    """Pelican run without our build (as `pelican` itself would): the plugin's own check."""
    from pelican import Pelican

    from alerts.build.staging import load_settings

    settings = load_settings(ROOT / "pelicanconf.py", {
        "PATH": str(tmp_path), "OUTPUT_PATH": str(tmp_path / "out"), "PLUGINS": ["sharing"]})
    with pytest.raises(ConfigError, match="PLUGINS has 'sharing' but not 'alerts'"):
        Pelican(settings)


def _plugin(name, *steps):
    return SimpleNamespace(__name__=name, ALERT_STEPS=steps)


def test_steps_run_after_what_they_need_whatever_the_plugin_order():
    a = _plugin("a", Step("pdfs", needs=("photos",)), Step("share-text", phase="listed"))
    b = _plugin("b", Step("photos"), Step("zebra", needs=("pdfs",)), Step("cards"))
    for order in ((a, b), (b, a)):
        assert [s.name for s in collect(order)] == ["share-text", "photos", "cards", "pdfs",
                                                    "zebra"]


def test_pagefind_starts_once_the_alert_pages_are_written_before_the_other_pages(
        tmp_path, monkeypatch):
    """The "written" phase runs when Pelican's articles generator has written the alert
    pages and before the other generators write theirs (embeds, targets, search pages),
    so the index is made while they are written."""
    from alerts.site import searchindex
    seen = []

    def alert_pages(state):
        output = Path(state.output_path)
        seen.append((sorted(p.parent.relative_to(output).as_posix()
                            for p in output.glob("alerts/*/index.html")),
                     sorted(output.glob("alerts/*/embed/index.html")),
                     (output / "search" / "index.html").exists()))
        return pages(state)

    pages = searchindex.alert_pages
    monkeypatch.setattr(searchindex, "alert_pages", alert_pages)
    site = build_site(_sample(tmp_path), {})
    assert site.result.ok, site.messages
    [(written, embeds, search_page)] = seen
    assert written and written == sorted(
        p.parent.relative_to(site.output).as_posix()
        for p in site.output.glob("alerts/*/index.html"))
    assert embeds == [] and not search_page
    assert list(site.output.glob("alerts/*/embed/index.html"))
    assert (site.output / "search" / "index.html").exists()


def test_a_step_that_needs_a_missing_step_names_it_and_its_plugin():
    with pytest.raises(ConfigError, match=r"plugin printpdf: step 'pdfs' needs the step "
                                          r"'photos', which no plugin in PLUGINS provides"):
        collect([_plugin("printpdf", Step("pdfs", needs=("pages", "photos")))])


@pytest.mark.parametrize(("steps", "words"), [
    ((Step("x", needs=("y",)), Step("y", needs=("x",))), "the build's steps wait on each other"),
    ((Step("x", phase="listed", needs=("y",)), Step("y")), "needs a later step"),
    # Pelican's own steps are done at a phase too: the pages only once every page is
    # written, the alert pages from "written" on, and the swap after every step.
    ((Step("x", phase="listed", needs=("pages",)),), r"needs a later step \('pages'\); "
                                                      "move it to phase 'finalized'"),
    ((Step("x", phase="written", needs=("pages",)),), r"needs a later step \('pages'\)"),
    ((Step("x", phase="listed", needs=("alert-pages",)),), "move it to phase 'written'"),
    ((Step("x", needs=("swap",)),), "needs the step 'swap', which comes after every step"),
    ((Step("x", phase="soon"),), "has phase 'soon'"),
    ((Step("pages"),), "a step named 'pages' is already in the build"),
])
def test_steps_that_cannot_be_ordered_are_configuration_errors(steps, words):
    with pytest.raises(ConfigError, match=words):
        collect([_plugin("p", *steps)])


def test_article_url_moves_every_alert_page_card_pdf_and_link(tmp_path):
    layout = {"ARTICLE_URL": "act/{slug}/", "ARTICLE_SAVE_AS": "act/{slug}/index.html",
              "ARTICLE_LANG_URL": "act/{slug}/{lang}/",
              "ARTICLE_LANG_SAVE_AS": "act/{slug}/{lang}/index.html",
              "TARGET_URL": "to/{slug}/", "TARGET_SAVE_AS": "to/{slug}/index.html",
              "PDF": {"workers": 1}}
    site = build_site(_sample(tmp_path), {}, pdf=True, conf=ROOT / "publishconf.py",
                      env={"SITEURL": "https://alerts.example.org"}, settings=layout)
    assert site.result.ok, site.messages
    files = snapshot(site.output)
    assert not [name for name in files if name.startswith("alerts/")]
    slug = "ask-your-representative-to-sign-the-letter-on-human-rights-in-mexico"
    for folder in (f"act/{slug}/", f"act/{slug}/es-MX/"):
        assert {f"{folder}index.html", f"{folder}card.jpg", f"{folder}{slug}.pdf",
                f"{folder}vigil.jpg"} <= set(files)
    page = site.html(f"act/{slug}/index.html")
    origin = "https://alerts.example.org"
    assert page.select_one('link[rel="canonical"]')["href"] == f"{origin}/act/{slug}/"
    assert page.select_one('meta[property="og:image"]')["content"] == \
        f"{origin}/act/{slug}/card.jpg"
    assert page.select_one("[data-share]")["data-url"] == f"{origin}/act/{slug}/"
    assert page.select_one('link[hreflang="es-MX"]')["href"] == f"{origin}/act/{slug}/es-MX/"
    assert all("/to/" in a["href"] for a in site.html("targets/index.html").select(
        "main li a"))
    assert f"{origin}/act/{slug}/" in site.html("index.html").select_one("main").decode()
    feed = (site.output / "feeds" / "alerts.atom.xml").read_text("utf-8")
    assert f"{origin}/act/{slug}/" in feed and "/alerts/" not in feed
    text = "".join(p.extract_text() for p in PdfReader(
        site.output / f"act/{slug}/{slug}.pdf").pages)
    assert f"{origin}/act/{slug}/" in text.replace("\n", "")


@pytest.mark.parametrize(("setting", "value", "words"), [
    ("ARTICLE_URL", "act/{slug}.html", "each alert's card, PDF and photos live in its page's"),
    ("ARTICLE_LANG_URL", "alerts/{slug}/", "a translation's address needs {lang}"),
    ("ARTICLE_URL", "act/{date}/{slug}/", "alerts know only {slug} and {lang}, not {date}"),
    ("TARGET_URL", "to/{slug}", "write a folder and its index.html"),
])
def test_a_layout_alerts_cannot_use_is_a_configuration_error(tmp_path, setting, value, words):
    site = build_site(tmp_path, {}, settings={setting: value})
    assert not site.result.ok
    assert any(words in failure for failure in site.result.failures), site.result.failures
