"""The benchmark's reading of build logs, its rows at each corpus size, its targets and
its report, on made-up runs (the builds themselves are timed by `make bench`)."""

from __future__ import annotations

import sys

from conftest import ROOT

# The benchmark is scripts run from bench/, which import each other by bare name.
sys.path.insert(0, str(ROOT / "bench"))

from measure import Measurement
from plan import LARGE, rows
from report import _code, markdown, summarize
from sites import Run, count_html, read_log
from targets import edited_pages, growth

LOG = """\
INFO: alerts: step cards: 412 ms
INFO: pdf: 1 rendered, 99 reused, 0 failed in 950 ms (180 ms per PDF, 2 workers)
INFO: alerts: pages: 14 rendered, 1186 carried
INFO: search: indexed 100 pages in 1.25 s
"""


def test_the_pages_line_gives_the_pages_rendered_and_carried():
    run = Run(Measurement(1.0, 100, 100, 0, LOG))
    read_log(run, LOG)
    assert (run.pages_rendered, run.pages_carried) == (14, 1186)
    assert (run.pdfs_rendered, run.pdfs_reused, run.pdf_workers) == (1, 99, 2)
    assert run.steps == {"cards": 412}
    assert (run.search_pages, run.search_reused) == (100, False)


def test_a_build_that_does_not_count_its_pages_leaves_them_unknown():
    log = LOG.replace("INFO: alerts: pages: 14 rendered, 1186 carried\n", "")
    run = Run(Measurement(1.0, 100, 100, 0, log))
    read_log(run, log)
    assert (run.pages_rendered, run.pages_carried) == (None, None)
    assert run.pdfs_rendered == 1


def test_a_build_that_found_nothing_changed_rendered_nothing():
    log = ("INFO: alerts: nothing changed since the last build; the output is as it left "
           "it\n")
    run = Run(Measurement(1.0, 100, 100, 0, log))
    read_log(run, log)
    assert (run.pages_rendered, run.pages_carried, run.pdfs_rendered) == (0, 0, 0)
    assert run.steps == {}


def test_the_changed_html_files_are_counted_with_the_alerts_own_and_the_listings():
    before = {"index.html": b"1", "alerts/alert-0001/index.html": b"1",
              "alerts/alert-0002/index.html": b"1", "tags/water/index.html": b"1"}
    after = {**before, "index.html": b"2", "alerts/alert-0001/index.html": b"2",
             "alerts/alert-0001/embed/index.html": b"new"}
    run = Run(Measurement(1.0, 100, 100, 0, ""))
    count_html(run, before, after, "alert-0001")
    assert (run.html_changed, run.html_own, run.html_listings) == (3, 2, 2)


def test_small_sizes_time_every_row_and_the_smallest_the_pdf_workers_too():
    smallest = rows(100, 3, smallest=True)
    assert {"template", "devserver", "cold_nopdf", "cached_nopdf", "pdf_1_worker",
            "pdf_2_workers"} <= set(smallest)
    assert smallest["bare"] == 6 and smallest["devserver"] == 3
    assert "pdf_1_worker" not in rows(1000, 3, smallest=False)


def test_large_sizes_time_one_cold_build_then_no_change_and_one_edit_beside_bare():
    assert rows(LARGE, 3, smallest=True) == {"bare": 3, "cold": 1, "noop": 3,
                                             "noop_built": 3, "edit": 3}
    assert rows(LARGE * 2, 4, smallest=False) == {"bare": 4, "cold": 1, "noop": 4,
                                                  "noop_built": 4, "edit": 4}


def _run(seconds, cards=0, pdfs=0, pages=None, event=None) -> Run:
    run = Run(Measurement(seconds, 150, 300, 0, ""), cards_drawn=cards, pdfs_rendered=pdfs,
              load="0.5 0.5 0.5", event_seconds=event)
    if pages is not None:
        run.pages_rendered, run.pages_carried = pages
        run.html_changed, run.html_own, run.html_listings = pages[0], 3, 40
    return run


def _size(n, bare=10.0, noop=4.0, edit=5.0, pages=(12, 1000), dev=2.5) -> dict:
    builds = {"bare": [_run(bare)] * 3, "cold": [_run(50.0, 1001, 1000)],
              "noop": [_run(noop, pages=(0, 1012))] * 3,
              "edit": [_run(edit, 1, 1, pages=pages)] * 3}
    if n < LARGE:
        builds["devserver"] = [_run(dev, 1, 0, pages=pages, event=dev - 0.1)] * 3
    return summarize(n, builds, [120.0, 130.0], 100, f"plan of {n}")


def _verdicts(size: dict) -> dict[str, bool | None]:
    return {t["target"]: t["met"] for t in size["targets"]}


def test_the_n1000_targets_read_the_ratios_to_bare_pelican_and_the_cold_time():
    met = _verdicts(_size(1000))
    assert met["nothing changed ≤ 0.5× bare Pelican"] is True  # 4 s against 10 s
    assert met["one alert edited ≤ 0.6× bare Pelican"] is True
    assert met["cold, cards and PDFs ≤ 60 s"] is True
    missed = _verdicts(_size(1000, noop=6.0, edit=6.5))
    assert missed["nothing changed ≤ 0.5× bare Pelican"] is False
    assert missed["one alert edited ≤ 0.6× bare Pelican"] is False
    assert "cold, cards and PDFs ≤ 60 s" not in _verdicts(_size(100))


def test_the_devserver_target_reads_the_median_edit_to_reload_time_at_n1000():
    reload = "devserver: one alert saved → its page reloaded ≤ 1.5 s"
    assert _verdicts(_size(1000, dev=1.4))[reload] is True
    assert _verdicts(_size(1000, dev=2.5))[reload] is False
    assert reload not in _verdicts(_size(100, dev=1.4))
    assert reload not in _verdicts(_size(LARGE))  # no devserver row at N=5000


def test_an_edit_may_render_its_own_pages_and_the_listings_and_no_more():
    size = _size(1000)
    assert edited_pages(size["builds"]["edit"])[2] is True  # 12 ≤ 3 own + 40 listings
    assert edited_pages(_size(1000, pages=(44, 968))["builds"]["edit"])[2] is False
    unknown = _size(1000)
    unknown["builds"]["edit"]["pages_rendered"] = [None] * 3
    assert edited_pages(unknown["builds"]["edit"])[2] is None


def test_growth_from_1000_to_5000_is_held_to_five_and_a_half_times():
    base, large = _size(1000), _size(LARGE, noop=20.0, edit=30.0)
    assert [t["met"] for t in growth(large, base, "this run")] == [True, False]
    assert [t["met"] for t in growth(large, None, "")] == [None, None]


def test_the_report_has_a_row_per_build_with_its_counts_and_says_what_was_timed():
    small, large = _size(100, pages=(12, 1000)), _size(LARGE)
    large["builds"]["noop"]["pages_rendered"] = [None] * 3
    record = {"date": "2026-12-03", "runs": 3, "total_seconds": 60,
              "machine": {"nproc": 2, "cpu": "CPU", "memory_gib": 8, "python": "3.11",
                          "pelican": "4.12", "os": "Linux"},
              "sizes": {"100": small, str(LARGE): large}}
    text = markdown(record)
    assert "| Devserver, one alert's title saved → its page reloaded (PDFs off) | 3 | 2.50 |" \
        in text
    assert "| 1 | 1 | 12 / 1000 |" in text  # the edit: cards, PDFs, pages
    assert "| Site, cold: cards and PDFs | 1 | 50.00 |" in text
    assert "| 0 | 0 | not logged |" in text  # the large size's no-change build
    assert "plan of 100" in text and f"plan of {LARGE}" in text
    assert "event stream announced the new build 2.40 s after the save" in text


def test_the_report_warns_of_a_code_change_during_a_run_not_of_a_new_commit():
    state = {"commit": "a" * 40, "tree_sha256": "ba4bfdd3343484ca"}
    readme_only = {"before": state, "after": {**state, "commit": "b" * 40}}
    assert _code(readme_only) == ""
    edited = {"before": state, "after": {**state, "tree_sha256": "0123456789abcdef"}}
    assert "ba4bfdd3343484ca → 0123456789abcdef" in _code(edited)
