"""What a PDF worker keeps between alerts (printpdf/styles.py) never changes a PDF or
hides a problem: real builds through the theme, rendering in this process."""

from __future__ import annotations

import logging
import shutil

import pytest
from conftest import MINIMAL_ALERT, build_site, theme_static

# printpdf.styles imports WeasyPrint, which makes Pillow accept truncated images in the
# whole process: imported inside the tests, so that collecting this file does not change
# what tests/test_bad_input.py sees.

ORIGIN = "http://localhost:8000/"
FILES = {f"alerts/{slug}.md": MINIMAL_ALERT.replace("---\ntitle:", f"---\nslug: {slug}\ntitle:", 1)
         for slug in ("one", "two")}


@pytest.fixture
def build(compiled_templates):
    """A function for a real build of `files` with `others` settings, rendering PDFs in
    this process, which keeps parsed stylesheets from one PDF to the next."""
    def run(root, others, files=FILES):
        return build_site(root, files, pdf=True, settings={
            "PDF": {"workers": 1}, "SOCIAL_CARDS": {"enabled": False}, **compiled_templates,
            **others})

    return run


def test_a_kept_stylesheet_logs_its_warnings_again(tmp_path, build, caplog, pdf_log):
    # print.css is parsed for the first PDF and kept for the second, which logs what
    # WeasyPrint said of it again; Pelican's log filter drops that repeat within a build,
    # as it did when every PDF parsed print.css. (That an error the sheet logs fails
    # every PDF that uses it: the next test. That an edited print.css applies in the same
    # process: tests/test_pdf_cache.py.)
    static = theme_static(tmp_path / "static")
    css = tmp_path / "static" / "css" / "print.css"
    css.write_text(css.read_text("utf-8") + "\n@media print { p { no-such-property: 1 } }\n")
    with caplog.at_level(logging.DEBUG, logger="printpdf.build"):
        site = build(tmp_path / "site", static)
    assert site.result.ok, site.messages
    assert pdf_log()[:3] == (2, 0, 0)
    # The site serves print.css minified (alerts.site.minify): "no-such-property:1".
    assert "one.md: WeasyPrint: Ignored `no-such-property:1`" in caplog.text


def test_a_stylesheet_weasyprint_rejects_fails_every_pdf(tmp_path, build, hooked_theme):
    # Pages that also link the stylesheet as print.txt, which is not served as CSS.
    static = theme_static(tmp_path / "static")
    css = tmp_path / "static" / "css"
    shutil.copyfile(css / "print.css", css / "print.txt")
    link = '<link rel="stylesheet" media="print" href="../../theme/css/print.txt">'
    site = build(tmp_path / "site", {**hooked_theme, **static,
                                     "TEST_HEAD": {"one": link, "two": link}})
    errors = [str(p) for p in site.result.errors]
    assert len(errors) == 2 and all("Unsupported stylesheet type" in e for e in errors), errors
    assert {e.split(".md:")[0].rsplit("/", 1)[1] for e in errors} == {"one", "two"}


def test_fonts_a_stylesheet_adds_do_not_outlive_its_pdf():
    import weasyprint

    from printpdf import styles

    fonts = styles.font_config()
    assert styles.font_config() is fonts
    weasyprint.CSS(string='@font-face { font-family: Extra; src: local("DejaVu Sans") }',
                   font_config=fonts)
    assert styles.font_config() is not fonts


def test_pdf_stylesheets_may_not_read_files_while_parsed():
    from printpdf import styles
    from printpdf.fetcher import Refused

    with pytest.raises(Refused, match="may not load files"):
        styles.user_sheet('@import url("print.css");', ORIGIN, styles.font_config())


def _frozen() -> int:
    import gc

    return gc.get_freeze_count()


def test_a_pool_worker_leaves_what_it_inherited_out_of_the_cycle_collector():
    # A forked worker inherits the whole build; the cycle collector walking it over and
    # over was 18 of ~200 ms a PDF at 200 alerts. The build process itself is not frozen:
    # it renders a lone PDF in-line and goes on building.
    from multiprocessing import get_context

    from printpdf.render import init_pool_worker, init_worker

    init_worker()
    assert _frozen() == 0
    with get_context("fork").Pool(1, initializer=init_pool_worker) as pool:
        assert pool.apply(_frozen) > 1000


def test_the_build_keeps_its_objects_from_the_cycle_collector_only_while_pdfs_render(
        tmp_path, build, monkeypatch):
    # With one worker the build process renders the PDFs itself; afterwards, and in a
    # devserver's next build, its objects must be collectable again.
    from printpdf import build as pdf_build

    frozen, real = [], pdf_build.render

    def render(job):
        frozen.append(_frozen())
        return real(job)

    monkeypatch.setattr(pdf_build, "render", render)
    site = build(tmp_path / "site", {})
    assert site.result.ok, site.messages
    assert len(frozen) == 2 and min(frozen) > 1000, frozen
    assert _frozen() == 0


def test_the_cycle_collector_waits_while_a_pdf_renders_and_runs_after(tmp_path, build,
                                                                        monkeypatch):
    import gc

    from printpdf import render as pdf_render

    during, collected, real = [], [], pdf_render._render

    def render(*args):
        during.append(gc.isenabled())
        return real(*args)

    def count(phase, info):
        if phase == "start":
            collected.append(info["generation"])

    monkeypatch.setattr(pdf_render, "_render", render)
    gc.callbacks.append(count)
    try:
        site = build(tmp_path / "site", {})
    finally:
        gc.callbacks.remove(count)
    assert site.result.ok, site.messages
    assert during == [False, False]
    assert gc.isenabled()
    assert collected.count(0) >= 2  # at least the one after each PDF


def _render_noting_pid(job):
    """printpdf.render.render, noting the process it ran in (for the test below)."""
    import os
    from pathlib import Path

    from printpdf.render import render

    with Path(os.environ["TEST_PDF_PIDS"]).open("a") as pids:
        pids.write(f"{os.getpid()}\n")
    return render(job)


@pytest.mark.parametrize("workers", [2, 1])
def test_an_edited_alerts_one_pdf_renders_on_the_worker_started_early(
        workers, tmp_path, monkeypatch, compiled_templates, pdf_log):
    """With more than one PDF worker, a worker started once every file is read imports
    WeasyPrint while the pages are written, and renders the edited alert's PDF; with
    PDF["workers"] = 1 it renders in the build's own process, as before."""
    import os

    from printpdf import build as pdfbuild

    settings = {"PDF": {"workers": workers}, "SOCIAL_CARDS": {"enabled": False},
                **compiled_templates}
    root = tmp_path / "site"
    assert build_site(root, FILES, pdf=True, settings=settings).result.ok
    pids = tmp_path / "pids"
    monkeypatch.setenv("TEST_PDF_PIDS", str(pids))
    monkeypatch.setattr(pdfbuild, "render", _render_noting_pid)
    edited = {"alerts/one.md": FILES["alerts/one.md"] + "\nOne more sentence.\n"}
    again = build_site(root, edited, pdf=True, settings=settings)
    assert again.result.ok, again.messages()
    assert pdf_log()[:3] == (1, 1, 0)
    [pid] = pids.read_text().split()
    assert (int(pid) != os.getpid()) == (workers > 1)
    shutil.rmtree(root / "output")
    shutil.rmtree(root / "cache", ignore_errors=True)  # (the trash may be being emptied)
    monkeypatch.undo()
    cold = build_site(root, {}, pdf=True, settings=settings)
    assert (cold.output / "alerts" / "one" / "one.pdf").read_bytes() == \
        (again.output / "alerts" / "one" / "one.pdf").read_bytes()
