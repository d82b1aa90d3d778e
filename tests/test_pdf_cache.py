"""PDFs are reproducible, cached by what shapes them, rendered in parallel, and optional."""

from __future__ import annotations

import logging
from dataclasses import replace

from printpdf.printpdf import pdf_href
from tests.fixtures.pdf.sitebuild import build, make_alert, make_photo, settings, write_site


def alerts_with_photo(tmp_path):
    photo = make_photo(tmp_path / "content" / "photo.jpg", size=(800, 533))
    return [make_alert("one", image=photo), make_alert("two", title="Second Alert")]


def pdf_bytes(output, slug):
    return (output / "alerts" / slug / f"{slug}.pdf").read_bytes()


def test_two_independent_builds_give_byte_identical_pdfs(tmp_path, monkeypatch):
    # Different folders, caches, clocks and process layouts: pool of two vs in-process.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1468400000")
    alerts = alerts_with_photo(tmp_path)
    outputs = []
    for name, workers, volatile in (("a", 2, "3 days left"), ("b", 1, "2 days left")):
        conf = settings(tmp_path / name, workers=workers)
        write_site(tmp_path / name / "output", alerts, conf, volatile=volatile)
        stats, problems = build(tmp_path / name / "output", alerts, conf)
        assert not problems and stats.rendered == 2 and stats.workers == workers
        outputs.append(tmp_path / name / "output")
    for slug in ("one", "two"):
        assert pdf_bytes(outputs[0], slug) == pdf_bytes(outputs[1], slug)


def test_rebuild_with_nothing_changed_renders_none(tmp_path, caplog):
    alerts = alerts_with_photo(tmp_path)
    conf = settings(tmp_path, workers=1)
    write_site(tmp_path / "out1", alerts, conf)
    first, _ = build(tmp_path / "out1", alerts, conf)
    assert (first.rendered, first.reused) == (2, 0)
    # A fresh output folder, as every build gets, and a countdown that moved on.
    write_site(tmp_path / "out2", alerts, conf, volatile="2 days left")
    with caplog.at_level(logging.INFO, logger="printpdf"):
        second, problems = build(tmp_path / "out2", alerts, conf)
    assert not problems
    assert (second.rendered, second.reused, second.render_ms) == (0, 2, {})
    assert pdf_bytes(tmp_path / "out2", "one") == pdf_bytes(tmp_path / "out1", "one")
    assert "pdf: 0 rendered, 2 reused, 0 failed" in caplog.text


def test_editing_one_alert_renders_only_that_one(tmp_path):
    alerts = alerts_with_photo(tmp_path)
    conf = settings(tmp_path, workers=1)
    write_site(tmp_path / "out1", alerts, conf)
    build(tmp_path / "out1", alerts, conf)
    edited = [alerts[0], replace(alerts[1], title="Second Alert, Updated")]
    write_site(tmp_path / "out2", edited, conf)
    stats, _ = build(tmp_path / "out2", edited, conf)
    assert (stats.rendered, stats.reused) == (1, 1)
    assert list(stats.render_ms) == ["alerts/two/"]
    assert stats.ms_per_pdf > 0


def test_a_changed_photo_or_stylesheet_renders_again(tmp_path):
    alerts = alerts_with_photo(tmp_path)
    conf = settings(tmp_path, workers=1)
    write_site(tmp_path / "out1", alerts, conf)
    build(tmp_path / "out1", alerts, conf)

    make_photo(alerts[0].image.source, size=(800, 534))  # same name, new pixels
    write_site(tmp_path / "out2", alerts, conf)
    stats, _ = build(tmp_path / "out2", alerts, conf)
    assert (stats.rendered, stats.reused) == (1, 1)

    write_site(tmp_path / "out3", alerts, conf)
    css = tmp_path / "out3" / "theme" / "css" / "print.css"
    css.write_text(css.read_text("utf-8") + "\n@media print { h1 { font-size: 30pt } }\n")
    stats, _ = build(tmp_path / "out3", alerts, conf)
    assert (stats.rendered, stats.reused) == (2, 0)


def test_page_size_setting_is_part_of_the_key(tmp_path):
    alerts = [make_alert("one")]
    conf = settings(tmp_path, workers=1)
    write_site(tmp_path / "out1", alerts, conf)
    build(tmp_path / "out1", alerts, conf)
    conf = settings(tmp_path, workers=1, page_size="A4")
    write_site(tmp_path / "out2", alerts, conf)
    stats, _ = build(tmp_path / "out2", alerts, conf)
    assert stats.rendered == 1


def test_a_failed_render_is_not_reused_next_time(tmp_path):
    alerts = [make_alert("one")]
    conf = settings(tmp_path, workers=1)
    write_site(tmp_path / "out1", alerts, conf, body='<img src="missing.png" alt="x">')
    _, problems = build(tmp_path / "out1", alerts, conf)
    assert len(problems) == 1
    write_site(tmp_path / "out2", alerts, conf, body='<img src="missing.png" alt="x">')
    stats, problems = build(tmp_path / "out2", alerts, conf)
    assert (stats.rendered, stats.reused, stats.failed, len(problems)) == (0, 0, 1, 1)


def test_disabled_pdfs_build_nothing_and_pages_link_none(tmp_path):
    alerts = [make_alert("one")]
    conf = settings(tmp_path, enabled=False)
    assert pdf_href(alerts[0], conf["PDF"]) is None
    assert conf["JINJA_GLOBALS"]["pdf_href"](alerts[0]) is None
    write_site(tmp_path / "out", alerts, conf)
    stats, problems = build(tmp_path / "out", alerts, conf)
    assert not stats.enabled and stats.rendered == 0 and not problems
    assert not list((tmp_path / "out").rglob("*.pdf"))
    page = (tmp_path / "out" / "alerts" / "one" / "index.html").read_text("utf-8")
    assert "application/pdf" not in page and "Download PDF" not in page


def test_enabled_pdfs_are_linked_beside_the_page(tmp_path):
    conf = settings(tmp_path)
    assert conf["JINJA_GLOBALS"]["pdf_href"](make_alert("one")) == "one.pdf"
