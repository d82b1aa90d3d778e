"""A build with nothing to do (alerts.build.unchanged): it leaves the output as it is and
says what the last build said — and anything the last build read, any clock answer the
site shows, or any change to the output makes it build again."""

from __future__ import annotations

import logging
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import EPOCH, ROOT, build_site, run_cli, snapshot
from test_letters import CLINIC, SETTINGS

from alerts.authoring import deadline
from alerts.build.carry import VERIFY

LIBRARIES = "alerts/tell-your-city-council-to-keep-libraries-open-on-weekends/index.html"
LIBRARIES_SOURCE = "alerts/2026-10-05-keep-libraries-open.md"


def _inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*")}


@pytest.fixture
def sample(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    root = tmp_path / "site"
    shutil.copytree(ROOT / "content", root / "content")
    first = build_site(root, {})
    assert first.result.ok and not first.result.unchanged, first.messages()
    return root, first


def test_nothing_changed_leaves_the_output_and_repeats_the_report(sample, caplog):
    root, first = sample
    before = _inodes(first.output)
    caplog.clear()
    again = build_site(root, {})
    assert again.result.unchanged
    assert again.result.ok and again.result.alerts_checked == first.result.alerts_checked
    assert again.result.warnings == first.result.warnings
    assert _inodes(again.output) == before  # not one file or folder made anew
    said = [r.getMessage() for r in caplog.records]
    assert "alerts: nothing changed since the last build; the output is as it left it" in said
    # The warning every build of these settings logs is said again.
    assert any(m.startswith("sharing: SITEURL is empty") for m in said)
    assert not any(re.match(r"alerts: pages: ", m) for m in said)  # Pelican never ran


def _touch(root):
    source = root / "content" / LIBRARIES_SOURCE
    st = source.stat()
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _edit_output_in_place(root):
    with open(root / "output" / "calendar.ics", "ab") as handle:  # no page: a step's file
        handle.write(b"X")


def _add_to_output(root):
    (root / "output" / "stray.html").write_text("left by hand", "utf-8")


def _remove_from_output(root):
    (root / "output" / "feeds" / "alerts.atom.xml").unlink()


def _damage_the_record(root):
    (root / "cache" / "build" / "last.pickle").write_bytes(b"\x80\x05not a pickle")


def _edit_the_theme(root):
    # The build reads the theme it is given; here the settings name a copy.
    css = root / "theme" / "static" / "css" / "site.css"
    css.write_text(css.read_text("utf-8") + "\n.x { color: red; }\n", "utf-8")


def _time_crosses_a_deadline(root):
    return EPOCH + 3 * 24 * 3600  # the long-title alert closes


@pytest.mark.parametrize("change", [_touch, _edit_output_in_place, _add_to_output,
                                    _remove_from_output, _damage_the_record,
                                    _time_crosses_a_deadline])
def test_a_change_builds_again_and_writes_what_a_cold_build_writes(change, sample):
    root, _ = sample
    epoch = change(root) or EPOCH
    again = build_site(root, {}, epoch=epoch)
    assert again.result.ok, again.messages()
    assert not again.result.unchanged
    built = snapshot(again.output)
    shutil.rmtree(root / "output")
    shutil.rmtree(root / "cache", ignore_errors=True)  # (the trash may be being emptied)
    cold = build_site(root, {}, epoch=epoch)
    assert snapshot(cold.output) == built


def test_an_edited_theme_builds_again(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "theme", root / "theme")
    settings = {"THEME": str(root / "theme")}
    assert build_site(root, {}, settings=settings).result.ok
    assert build_site(root, {}, settings=settings).result.unchanged
    _edit_the_theme(root)
    again = build_site(root, {}, settings=settings)
    assert not again.result.unchanged
    assert b".x{color:red}" in (again.output / "theme" / "css" / "site.css").read_bytes()


def test_a_letter_is_dated_anew_on_the_next_day_in_its_zone(tmp_path):
    """The letter shows the day in the alert's zone: a build an hour later on the same
    day has nothing to do, one just after midnight there dates the letter anew."""
    zone = "America/New_York"
    before_midnight = EPOCH + 16 * 3600 + 1800  # 23:30 on November 30 in New York
    after_midnight = EPOCH + 18 * 3600 + 1800  # 00:30 on December 1
    due = datetime(2026, 12, 20, 22, tzinfo=UTC)  # the clinic's deadline, 17:00 there
    words = {deadline.time_left(due, datetime.fromtimestamp(e, UTC))
             for e in (before_midnight - 3600, before_midnight, after_midnight)}
    assert len(words) == 1, "the '… left' words must not change here, or they rebuild it"
    files = {"alerts/clinic.md": CLINIC.replace("{more}", "")}
    first = build_site(tmp_path, files, settings=SETTINGS, epoch=before_midnight - 3600)
    assert first.result.ok, first.messages()
    letter = next(first.output.glob("alerts/clinic/letters/*/index.html"))
    assert "November 30, 2026" in letter.read_text("utf-8")
    # ({}: the file is there already; writing it again would be a change.)
    same_day = build_site(tmp_path, {}, settings=SETTINGS, epoch=before_midnight)
    assert same_day.result.unchanged
    next_day = build_site(tmp_path, {}, settings=SETTINGS, epoch=after_midnight)
    assert not next_day.result.unchanged
    assert "December 1, 2026" in (next_day.output / letter.relative_to(first.output)) \
        .read_text("utf-8")
    assert deadline.today(datetime.fromtimestamp(after_midnight, UTC), zone).day == 1


def test_an_hour_later_writes_the_same_calendars_and_feeds(tmp_path):
    """Nothing in them is the build's "now": DTSTAMP is each alert's last revision, an
    empty feed's <updated> the last thing that happened."""
    first = build_site(tmp_path / "a", {}, settings={"PATH": str(ROOT / "content")})
    later = build_site(tmp_path / "b", {}, settings={"PATH": str(ROOT / "content")},
                       epoch=EPOCH + 3600)
    assert first.result.ok and later.result.ok
    made = {n: b for n, b in snapshot(first.output).items() if n.endswith((".ics", ".xml"))}
    assert made and made == {n: b for n, b in snapshot(later.output).items()
                             if n.endswith((".ics", ".xml"))}


def test_verify_mode_catches_a_change_the_record_cannot_see(sample, monkeypatch):
    """The one change the record misses, as make misses it: a file rewritten with the
    same size and modification time. ALERTS_VERIFY_INCREMENTAL=1 builds anyway, and
    fails where the record vouched for an output that is not what the build writes."""
    root, _ = sample
    source = root / "content" / LIBRARIES_SOURCE
    st = source.stat()
    text = source.read_text("utf-8")
    assert "weekends" in text
    source.write_text(text.replace("weekends", "Weekends", 1), "utf-8")
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert build_site(root, {}).result.unchanged
    monkeypatch.setenv(VERIFY, "1")
    checked = build_site(root, {})
    assert not checked.result.ok
    assert any("said nothing changed" in f and LIBRARIES in f
               for f in checked.result.failures), checked.result.failures


def test_make_html_twice_with_the_real_clock(tmp_path, monkeypatch):
    """As a writer types it, with no SOURCE_DATE_EPOCH: the second build finds nothing
    to do, and says so."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    conf = tmp_path / "conf.py"
    conf.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
                    "from pelicanconf import *  # noqa: F403\n"
                    f"CACHE_PATH = {str(tmp_path / 'cache')!r}\n", "utf-8")
    args = ("build", "-s", str(conf), "-i", str(ROOT / "content"),
            "-o", str(tmp_path / "output"))
    first = run_cli(*args, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "nothing changed" not in first.stdout
    second = run_cli(*args, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "Built 6 alerts" in second.stdout
    assert "nothing changed since the last build" in second.stdout
    assert "SITEURL is empty" in second.stderr  # the warning, said again


def test_the_live_preview_keeps_no_record_and_voids_the_last(sample):
    """`make devserver` rebuilds only on a change, so it skips the comparison; and since
    it replaces the output, the next `make html` builds."""
    from alerts.build.config import PREVIEW

    root, _ = sample
    preview = build_site(root, {}, settings={PREVIEW: True})
    assert preview.result.ok and not preview.result.unchanged
    assert not (root / "cache" / "build" / "last.pickle").exists()
    again = build_site(root, {})
    assert again.result.ok and not again.result.unchanged
    assert build_site(root, {}).result.unchanged
