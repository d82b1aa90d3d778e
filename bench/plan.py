"""Which builds the benchmark times at each corpus size, and how many times each.

Below LARGE, every row: cold and cached builds with PDFs off, cold with cards and PDFs,
no change (stopped by the record of the last build, and built anyway without it), one
alert edited, one template edited, the devserver's edit-to-reload, and
(at the smallest size of the run only: it costs the same at any N) 1 against 2 PDF
workers. From LARGE on, only what the growth targets need, so that N=5000 stays near a
quarter of an hour: one cold build (to fill the caches), then no-change (both ways) and
one-edit rebuilds beside bare Pelican.
"""

from __future__ import annotations

LARGE = 5000

#: Every row below LARGE, in the order they run (each sets up the next).
FULL = ("cold_nopdf", "cached_nopdf", "cold", "noop", "noop_built", "edit", "template",
        "devserver")
PDF_WORKERS = ("pdf_1_worker", "pdf_2_workers")


def rows(n: int, runs: int, smallest: bool) -> dict[str, int]:
    """Each build timed at size `n` and its number of runs. Bare Pelican runs beside the
    builds whose ratio to it is a target, so both see the same drift of a shared machine:
    beside the cached build and the no-change build below LARGE, beside the no-change
    build from LARGE on."""
    if n >= LARGE:
        return {"bare": runs, "cold": 1, "noop": runs, "noop_built": runs, "edit": runs}
    plan = {"bare": 2 * runs, **dict.fromkeys(FULL, runs)}
    if smallest:
        plan.update(dict.fromkeys(PDF_WORKERS, runs))
    return plan


def describe(n: int, plan: dict[str, int]) -> str:
    """One sentence on what was timed at this size, for the report."""
    if n >= LARGE:
        return (f"From N = {LARGE} on, the benchmark times only one cold build (to fill the "
                f"caches), then {plan['noop']} no-change and {plan['edit']} one-edit "
                f"rebuilds, each no-change one beside a bare Pelican build.")
    workers = "" if PDF_WORKERS[0] in plan else "; 1 against 2 PDF workers at the smallest N only"
    return (f"Below N = {LARGE}, every row{workers}; bare Pelican ran {plan['bare']} times, "
            "beside the cached and the no-change builds.")
