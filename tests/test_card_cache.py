"""Card cache and build integration: unchanged cards are not drawn again, changed ones are."""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from test_cards import make_alert

from alerts.authoring.model import AlertImage
from alerts.build import state as buildstate
from sharing.cards import cache as cardcache
from sharing.cards import draw as cards
from sharing.cards import fonts as cardfonts
from sharing.cards import jobs as cardjobs

LAYOUT = cards.merge_layout({})
DIRS = cardfonts.font_dirs()


def job(name: str, title: str) -> cardcache.CardJob:
    spec = cards.CardSpec(
        title=title,
        title_fonts=cardfonts.resolve(LAYOUT["title_fonts"], "en", DIRS),
        text_fonts=cardfonts.resolve(LAYOUT["text_fonts"], "en", DIRS),
        header="Alerts", lines=(("To: The Mayor", "text_color"),))
    return cardcache.CardJob(name, spec, LAYOUT)


def test_second_render_draws_nothing_and_one_edit_redraws_one(tmp_path):
    jobs = [job(f"alerts/a{i}/card", f"Alert {i}: save the river") for i in range(6)]
    first = cardcache.render(jobs, tmp_path, workers=2)
    assert (first.drawn, first.reused) == (6, 0)
    assert all(path.is_file() for path in first.files.values())

    again = cardcache.render(jobs, tmp_path, workers=2)
    assert (again.drawn, again.reused) == (0, 6)
    assert again.files == first.files

    jobs[3] = replace(jobs[3], spec=replace(jobs[3].spec, title="Alert 3: save the lake"))
    edited = cardcache.render(jobs, tmp_path, workers=2)
    assert (edited.drawn, edited.reused) == (1, 5)
    # The replaced card's old file is pruned; the manifest names every card.
    assert not first.files["alerts/a3/card"].exists()
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(
        p.name for p in edited.files.values())
    assert (tmp_path / cardcache.MANIFEST).is_file()


def test_cards_are_drawn_by_a_pool_of_worker_processes(tmp_path):
    jobs = [job(f"c{i}", f"Card {i}") for i in range(cardcache.POOL_MIN * 2)]
    result = cardcache.render(jobs, tmp_path, workers=2)
    assert result.workers == 2
    assert result.pids and os.getpid() not in result.pids
    assert result.ms_per_card > 0
    for path in result.files.values():
        assert Image.open(path).size == (1200, 630)


def test_few_cards_are_drawn_in_process(tmp_path):
    result = cardcache.render([job("one", "One card")], tmp_path, workers=2)
    assert (result.drawn, result.workers, result.pids) == (1, 0, {os.getpid()})


def test_layout_and_photo_changes_redraw(tmp_path):
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (800, 500), (200, 30, 30)).save(photo)
    base = job("p", "Photo card")
    base = replace(base, spec=replace(base.spec, photo=str(photo)))
    cache = tmp_path / "cache"
    assert cardcache.render([base], cache).drawn == 1
    assert cardcache.render([base], cache).drawn == 0
    Image.new("RGB", (800, 500), (30, 200, 30)).save(photo)
    assert cardcache.render([base], cache).drawn == 1
    wider = replace(base, layout={**LAYOUT, "padding": 40})
    assert cardcache.render([wider], cache).drawn == 1


def build(tmp_path: Path, alerts, **settings):
    settings = {"SITENAME": "Action Alerts", "SITE_DESCRIPTION": "Act on what matters",
                "CACHE_PATH": str(tmp_path / "cache"), **settings}
    output = tmp_path / "output"
    state = buildstate.start(buildstate.BuildState(
        now=datetime(2016, 7, 10, tzinfo=UTC), settings=settings, output_path=output))
    state.alerts = list(alerts)
    return cardjobs.write_cards(state), output, state


def test_write_cards_puts_every_card_where_card_for_says(tmp_path, caplog):
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (1600, 900), (250, 250, 240)).save(photo)
    image = AlertImage(photo, "A river", None, 1600, 900, "JPEG", "photo.jpg")
    alerts = [make_alert(slug="river", image=image), make_alert("Close the mine", slug="mine",
                                                                  state="closed")]
    with caplog.at_level(logging.INFO, logger="sharing"):
        result, output, state = build(tmp_path, alerts)
    assert (result.drawn, result.reused) == (3, 0)
    assert "cards: drew 3, reused 0" in caplog.text
    for alert in [*alerts, None]:
        ref = cardjobs.card_for(alert, state.settings)
        card = Image.open(output / ref.path)
        assert card.size == (ref.width, ref.height)
        assert Image.MIME[card.format] == ref.mime
        assert (output / ref.path).stat().st_mode & 0o044 == 0o044  # a web server can read it
    assert not state.problems


def test_a_rebuild_reuses_cards_and_an_edit_redraws_one(tmp_path):
    alerts = [make_alert(f"Alert {i}", slug=f"a{i}") for i in range(5)]
    first, output, _ = build(tmp_path, alerts)
    assert (first.drawn, first.reused) == (6, 0)  # five alerts and the site card
    shutil.rmtree(output)  # every build writes into a fresh folder
    again, output, _ = build(tmp_path, alerts)
    assert (again.drawn, again.reused) == (0, 6)
    assert (output / "alerts/a2/card.png").is_file() and (output / "card.png").is_file()
    alerts[2] = make_alert("Alert 2, edited", slug="a2")
    edited, _, _ = build(tmp_path, alerts)
    assert (edited.drawn, edited.reused) == (1, 5)


def test_cards_disabled_draws_nothing(tmp_path):
    result, output, _ = build(tmp_path, [make_alert()], SOCIAL_CARDS={"enabled": False})
    assert result is None
    assert not output.exists() or not list(output.rglob("card.*"))


def test_pool_works_while_other_threads_run(tmp_path):
    # With threads running, workers start from a forkserver instead of a fork of this process.
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        jobs = [job(f"t{i}", f"Threaded {i}") for i in range(cardcache.POOL_MIN)]
        result = cardcache.render(jobs, tmp_path, workers=2)
    finally:
        stop.set()
        thread.join()
    assert result.workers == 2 and os.getpid() not in result.pids
    assert all(path.is_file() for path in result.files.values())


def _reads(monkeypatch) -> list[str]:
    """The fonts whose cmap is read with fontTools from now on, as a new process would:
    nothing this process learnt is remembered."""
    from sharing.cards import coverage

    read, reads = coverage._read, []
    monkeypatch.setattr(coverage, "_read", lambda font: reads.append(font.path) or read(font))
    coverage.coverage.cache_clear()
    cardjobs._chain.cache_clear()  # font chains remember which font has each character
    return reads


def _kept_fonts(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "cache" / "fonts" / "manifest.json").read_text("utf-8"))


def test_what_fonts_cover_is_read_once_and_kept_for_the_next_build(tmp_path, monkeypatch):
    alerts = [make_alert(f"Alert {i}", slug=f"a{i}") for i in range(3)]
    reads = _reads(monkeypatch)
    _, output, _ = build(tmp_path, alerts)
    assert reads and len(reads) == len(set(reads))  # each font once
    assert sorted(name.split("\0")[0] for name in _kept_fonts(tmp_path)["entries"]) == sorted(reads)
    shutil.rmtree(output)
    reads = _reads(monkeypatch)
    again, _, _ = build(tmp_path, alerts)
    assert reads == []
    assert (again.drawn, again.reused) == (0, 4)  # the same fonts, so the same cards


def _stamp_changed(kept):
    for record in kept["entries"].values():
        record[1] += 1  # another modification time: the file was written again


def _ranges_damaged(kept):
    for record in kept["entries"].values():
        record[3] = record[3][:-1]  # an odd count: not what was written


def _other_version(kept):
    kept["format"] = "font coverage 0"


@pytest.mark.parametrize("tamper", [_stamp_changed, _ranges_damaged, _other_version])
def test_kept_coverage_of_another_file_or_damaged_is_not_trusted(tmp_path, monkeypatch, tamper):
    alerts = [make_alert("Save the river", slug="river")]
    _reads(monkeypatch)
    _, output, _ = build(tmp_path, alerts)
    kept = _kept_fonts(tmp_path)
    assert kept["entries"]
    tamper(kept)
    (tmp_path / "cache" / "fonts" / "manifest.json").write_text(json.dumps(kept), "utf-8")
    shutil.rmtree(output)
    reads = _reads(monkeypatch)
    again, _, _ = build(tmp_path, alerts)
    assert sorted(reads) == sorted({name.split("\0")[0] for name in kept["entries"]})
    assert (again.drawn, again.reused) == (0, 2)
    # Written anew, and good: each record names the file as it is now.
    mended = _kept_fonts(tmp_path)
    assert mended["format"] == "font coverage 1" and mended["entries"]
    for name, (size, mtime_ns, inode, ranges) in mended["entries"].items():
        st = os.stat(name.split("\0")[0])
        assert [size, mtime_ns, inode] == [st.st_size, st.st_mtime_ns, st.st_ino]
        assert len(ranges) % 2 == 0 and ranges == sorted(ranges)
