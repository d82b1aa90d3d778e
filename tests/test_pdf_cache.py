"""PDFs are reproducible, cached by what shapes them, rendered in parallel, and optional:
real builds through the theme, one after another into the same folder."""

from __future__ import annotations

import logging
import os
import shutil
import time

import pytest
from conftest import (
    EPOCH,
    MINIMAL_ALERT,
    ROOT,
    build_site,
    park_alert,
    theme_static,
    tool,
    write_files,
)
from photos import poster_photo
from pypdf import PdfReader

from alerts.build.staging import build, load_settings
from printpdf.pdfcache import PdfCache
from printpdf.printpdf import pdf_href

DAY = 24 * 3600
ONE = """\
---
title: First Alert
slug: one
date: 2026-11-20T09:00
deadline: 2026-12-20T17:00
targets: City council
actions:
  - label: Email the council
    url: https://example.org/act
    kind: email
image: images/photo.jpg
image_alt: The clinic's waiting room.
---

The clinic closes in January unless the council funds it.
"""
TWO = ONE.replace("First Alert", "Second Alert").replace("slug: one", "slug: two").replace(
    "image: images/photo.jpg\nimage_alt: The clinic's waiting room.\n", "")
SLUGS = ("one", "two")


def photo(tmp_path, seed=0) -> bytes:
    return poster_photo(tmp_path / f"photo-{seed}.jpg", size=(800, 533), seed=seed).read_bytes()


@pytest.fixture(scope="module")
def settings(compiled_templates):
    """Settings for a build: PDFs in this process unless `pdf` says otherwise, no social
    cards (they have their own cache and tests), and `others`."""
    def make(others=None, **pdf) -> dict:
        return {"PDF": {"workers": 1, **pdf}, "SOCIAL_CARDS": {"enabled": False},
                **compiled_templates, **(others or {})}

    return make


def pdf_text(site, slug) -> str:
    return tool("pdftotext", str(site.output / "alerts" / slug / f"{slug}.pdf"), "-")


def pdfs(site) -> dict[str, bytes]:
    return {slug: (site.output / "alerts" / slug / f"{slug}.pdf").read_bytes()
            for slug in SLUGS}


@pytest.fixture(scope="module")
def first(tmp_path_factory, settings):
    """The first build of two alerts (one with a photo) into a folder of its own: each
    test copies the folder and builds again, as a second build on the same machine would."""
    root = tmp_path_factory.mktemp("first")
    site = build_site(root, {"alerts/one.md": ONE, "alerts/two.md": TWO,
                             "images/photo.jpg": photo(root)},
                      pdf=True, settings=settings())
    assert site.result.ok, site.messages
    return site


@pytest.fixture
def again(first, tmp_path, settings):
    """A copy of the first build's folder (content, cache, output) and a function that
    builds it again with other settings."""
    root = tmp_path / "site"
    shutil.copytree(first.root, root)

    def rebuild(files=None, *, epoch=EPOCH, others=None, **pdf):
        return build_site(root, files or {}, pdf=True, epoch=epoch,
                          settings=settings(others, **pdf))

    return root, rebuild


def test_two_independent_builds_give_byte_identical_pdfs(first, tmp_path, settings, pdf_log):
    # Another folder, cache and clock, and a pool of two workers instead of this process.
    other = build_site(tmp_path, {"alerts/one.md": ONE, "alerts/two.md": TWO,
                                  "images/photo.jpg": photo(tmp_path)},
                       pdf=True, epoch=EPOCH + DAY, settings=settings(workers=2))
    assert other.result.ok, other.messages
    assert pdf_log()[:3] == (2, 0, 0) and pdf_log().workers == 2
    # The countdown on the pages moved on; the PDFs do not show it.
    assert first.alert("one").select_one("[data-time-left]").get_text() == "20 days left"
    assert other.alert("one").select_one("[data-time-left]").get_text() == "19 days left"
    assert pdfs(other) == pdfs(first)


def test_rebuild_with_nothing_changed_renders_none(first, again, pdf_log, caplog):
    _, rebuild = again
    site = rebuild(epoch=EPOCH + DAY)  # a countdown that moved on
    assert site.result.ok, site.messages
    assert pdf_log()[:3] == (0, 2, 0)
    assert "pdf: 0 rendered, 2 reused, 0 failed" in caplog.text
    assert pdfs(site) == pdfs(first)


def test_a_page_seen_before_is_not_parsed_again(first, again, pdf_log, monkeypatch):
    import printpdf.build

    parsed = []
    prepare = printpdf.build.prepare
    monkeypatch.setattr(printpdf.build, "prepare", lambda html: parsed.append(1) or prepare(html))
    _, rebuild = again
    site = rebuild()  # the same pages, byte for byte
    assert site.result.ok, site.messages
    assert pdf_log()[:3] == (0, 2, 0) and parsed == []
    site = rebuild(epoch=EPOCH + DAY)  # new clock words on both pages: each read once more
    assert pdf_log()[:3] == (0, 2, 0) and len(parsed) == 2
    parsed.clear()
    site = rebuild(epoch=EPOCH + DAY)  # and remembered as they are now
    assert pdf_log()[:3] == (0, 2, 0) and parsed == []
    assert pdfs(site) == pdfs(first)


def test_editing_one_alert_renders_only_that_one(first, again, pdf_log):
    _, rebuild = again
    site = rebuild({"alerts/two.md": TWO.replace("Second Alert", "Second Alert, Updated")})
    assert site.result.ok, site.messages
    log = pdf_log()
    assert log[:3] == (1, 1, 0) and log.ms_per_pdf > 0
    assert pdfs(site)["one"] == pdfs(first)["one"]
    reader = PdfReader(site.output / "alerts" / "two" / "two.pdf")
    assert reader.metadata.title == "Second Alert, Updated"


def test_a_changed_photo_renders_again(first, again, pdf_log, tmp_path):
    _, rebuild = again
    site = rebuild({"images/photo.jpg": photo(tmp_path, seed=1)})  # same name, new pixels
    assert site.result.ok, site.messages
    assert pdf_log()[:3] == (1, 1, 0)
    assert pdfs(site)["one"] != pdfs(first)["one"]
    assert pdfs(site)["two"] == pdfs(first)["two"]


def test_a_changed_stylesheet_renders_every_pdf_again_with_it(first, again, pdf_log, tmp_path):
    # Rendered in this process, which keeps parsed stylesheets (printpdf/styles.py): the
    # edited print.css must be read and parsed again, and change what the PDFs show.
    _, rebuild = again
    static = theme_static(tmp_path / "static")
    assert rebuild(others=static).result.ok
    assert pdf_log()[:3] == (0, 2, 0)  # the copy alone changes nothing
    css = tmp_path / "static" / "css" / "print.css"
    css.write_text(css.read_text("utf-8") + "\n.targets { display: none !important }\n")
    site = rebuild(others=static)
    assert site.result.ok, site.messages
    assert pdf_log()[:3] == (2, 0, 0)
    for slug in SLUGS:
        assert "Who to contact" in pdf_text(first, slug)
        assert "Who to contact" not in pdf_text(site, slug)


def test_page_size_setting_is_part_of_the_key(again, pdf_log):
    _, rebuild = again
    site = rebuild(page_size="A4")
    assert site.result.ok, site.messages
    assert pdf_log()[:3] == (2, 0, 0)
    box = PdfReader(site.output / "alerts" / "two" / "two.pdf").pages[0].mediabox
    assert round(float(box.width), 1) == 595.3


def test_a_removed_alert_is_pruned_from_the_cache(again, pdf_log):
    root, rebuild = again

    def cached():
        cache = PdfCache(root / "cache" / "pdfs", {})
        files = {page for page in ("alerts/one/", "alerts/two/") if cache.path(page).exists()}
        return sorted(cache.entries), sorted(files)

    assert cached() == (["alerts/one/", "alerts/two/"], ["alerts/one/", "alerts/two/"])
    (root / "content" / "alerts" / "two.md").unlink()
    site = rebuild()
    assert site.result.ok, site.messages
    assert pdf_log()[:3] == (0, 1, 0)
    assert cached() == (["alerts/one/"], ["alerts/one/"])


def test_a_failed_render_is_not_reused_next_time(tmp_path, settings, hooked_theme, pdf_log):
    # A template that shows an image no build publishes: the PDF cannot be made.
    conf = settings({**hooked_theme, "TEST_BODY": {"one": '<img src="missing.png" alt="x">'}})
    files = {"alerts/one.md": TWO.replace("slug: two", "slug: one")}
    for _ in range(2):
        site = build_site(tmp_path, files, pdf=True, settings=conf)
        [error] = [str(p) for p in site.result.errors]
        assert "alerts/one.md:1: pdf: the PDF could not be made" in error
        assert "/alerts/one/missing.png: does not exist in the built site" in error
        assert pdf_log()[:3] == (0, 0, 1)
    assert not site.output.exists()


def test_disabled_pdfs_build_nothing_and_pages_link_none(make_site, caplog, settings):
    caplog.set_level(logging.INFO, logger="printpdf.build")
    site = make_site({"alerts/a.md": MINIMAL_ALERT}, pdf=True,
                     settings={**settings(), "PDF": {"enabled": False}})
    assert site.result.ok, site.messages
    assert "pdf: disabled by PDF['enabled']; no PDFs built" in caplog.text
    assert not list(site.output.rglob("*.pdf"))
    assert not list(site.root.glob("cache/pdfs/*.pdf"))
    page = site.alert("tell-the-council-to-fund-the-clinic")
    assert page.select('[type="application/pdf"], a[download]') == []
    assert "Download PDF" not in page.get_text()
    assert page.select_one("div.tools") is not None  # where the link would be


def test_pdf_href_names_the_pdf_beside_the_page_or_none():
    alert = park_alert()
    assert pdf_href(alert, {"enabled": True}) == "save-the-park.pdf"
    assert pdf_href(alert, {"enabled": False}) is None


def test_make_html_and_make_publish_keep_each_others_pdfs(tmp_path, compiled_templates,
                                                          pdf_log):
    """The project's two settings files, as the Makefile uses them: each keeps its own
    caches, so switching between `make html` and `make publish` (other SITEURL, other
    PDFs) reuses the PDFs each made before instead of rendering them all again."""
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("theme", "plugins"):
        (tmp_path / name).symlink_to(ROOT / name)
    write_files(tmp_path / "content", {"alerts/one.md": MINIMAL_ALERT})
    overrides = {"PATH": str(tmp_path / "content"), "OUTPUT_PATH": str(tmp_path / "output"),
                 "PDF": {"enabled": True, "page_size": "Letter", "workers": 1},
                 "SOCIAL_CARDS": {"enabled": False}, **compiled_templates}

    def make(conf: str) -> tuple[int, int]:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
            mp.setenv("SITEURL", "https://alerts.example.org")
            assert build(load_settings(tmp_path / conf, overrides)).ok
        return pdf_log()[:2]

    assert make("pelicanconf.py") == (1, 0)
    assert make("publishconf.py") == (1, 0)
    footer = tool("pdftotext", str(tmp_path / "output/alerts/tell-the-council-to-fund-the-"
                                   "clinic/tell-the-council-to-fund-the-clinic.pdf"), "-")
    assert "https://alerts.example.org/alerts/" in footer  # publish's PDF, not html's
    assert make("pelicanconf.py") == (0, 1)
    assert make("publishconf.py") == (0, 1)
    assert (tmp_path / ".cache" / "publish" / "pdfs").is_dir()


def test_kept_qr_codes_no_page_asked_for_in_a_month_are_removed(tmp_path):
    """PDFs off: the print view's QR codes are kept in cache/qr either way."""
    site = build_site(tmp_path, {"alerts/a.md": MINIMAL_ALERT})
    assert site.result.ok, site.messages
    qr_dir = tmp_path / "cache" / "qr"
    [asked] = list(qr_dir.iterdir())  # the one action's code, which the page shows
    path = site.alert("tell-the-council-to-fund-the-clinic").select_one("figure.qr svg path")
    assert path is not None and f'd="{path["d"]}"' in asked.read_text("utf-8")
    month_ago, two_days_ago = time.time() - 40 * DAY, time.time() - 2 * DAY
    os.utime(asked, (month_ago, month_ago))
    (qr_dir / "gone.svg").write_text("<svg/>", "utf-8")
    os.utime(qr_dir / "gone.svg", (month_ago, month_ago))
    (qr_dir / "recent.svg").write_text("<svg/>", "utf-8")
    os.utime(qr_dir / "recent.svg", (two_days_ago, two_days_ago))
    # The page is written again, so it asks for its code again: that code is in use.
    site = build_site(tmp_path, {"alerts/a.md": MINIMAL_ALERT.replace("closes", "shuts")})
    assert site.result.ok, site.messages
    assert sorted(p.name for p in qr_dir.iterdir()) == sorted([asked.name, "recent.svg"])
    assert asked.stat().st_mtime > time.time() - 3600
