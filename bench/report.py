"""Turn timed runs into the results record, the target verdicts and a Markdown table."""

from __future__ import annotations

from plan import LARGE
from sites import Run, median
from targets import REACH_STEPS, targets

#: Build kinds in table order, with the words the table uses.
BUILDS = {
    "bare": "Bare Pelican (no plugins, default theme), cold",
    "cold": "Site, cold: cards and PDFs",
    "cold_nopdf": "Site, cold, PDFs off",
    "cached_nopdf": "Site, cards cached, PDFs off",
    "noop": "Site rebuild, nothing changed",
    "noop_built": "Site rebuild, nothing changed, built anyway (record of the last build "
                  "removed: every page carried)",
    "edit": "Site rebuild, one alert's title edited",
    "template": "Site rebuild, alert.html template edited (an HTML comment in every alert page)",
    "devserver": "Devserver, one alert's title saved → its page reloaded (PDFs off)",
    "pdf_1_worker": "Site rebuild, {k} PDFs invalidated, PDF workers=1",
    "pdf_2_workers": "Site rebuild, {k} PDFs invalidated, PDF workers=2",
}
#: Per-run counts kept in the record, one list per row.
COUNTS = ("cards_drawn", "pdfs_rendered", "pages_rendered", "pages_carried", "html_changed",
          "html_own", "html_listings")


def summarize(n: int, builds: dict[str, list[Run]], card_sizes_kb: list[float],
              invalidated: int, plan: str = "") -> dict:
    """Medians, extremes, ratios to bare Pelican, and the derived per-card and per-PDF figures."""
    bare = median([r.measurement.seconds for r in builds["bare"]])
    rows = {}
    for kind, runs in builds.items():
        seconds = [r.measurement.seconds for r in runs]
        rows[kind] = {
            "median_s": round(median(seconds), 3), "min_s": round(min(seconds), 3),
            "max_s": round(max(seconds), 3), "ratio_to_bare": round(median(seconds) / bare, 2),
            "max_rss_mb": round(max(r.measurement.max_rss_mb for r in runs), 1),
            "tree_rss_mb": round(max(r.measurement.tree_rss_mb for r in runs), 1),
            **{count: [getattr(r, count) for r in runs] for count in COUNTS},
            "event_median_s": median([r.event_seconds for r in runs]),
            "steps_ms": _step_medians(runs),
            "runs": [r.summary() for r in runs],
        }
    derived = {
        "ms_per_card": median([r.ms_per_card for r in builds["cold"] +
                               builds.get("cold_nopdf", [])]),
        "card_kb_max": round(max(card_sizes_kb), 1) if card_sizes_kb else None,
        "card_kb_median": round(median(card_sizes_kb), 1) if card_sizes_kb else None,
        "ms_per_pdf_1_worker": median([r.ms_per_pdf for r in builds.get("pdf_1_worker", [])]),
        "ms_per_pdf_2_workers": median([r.ms_per_pdf for r in builds.get("pdf_2_workers", [])]),
        "ms_per_pdf_cold": median([r.ms_per_pdf for r in builds["cold"]]),
        "pdfs_invalidated": invalidated if "pdf_1_worker" in builds else None,
    }
    one, two = (_throughput(builds.get(k, [])) for k in ("pdf_1_worker", "pdf_2_workers"))
    derived.update({
        "pdf_per_s_1_worker": one, "pdf_per_s_2_workers": two,
        "pdf_per_s_cold": _throughput(builds["cold"]),
        "pdf_speedup_2_vs_1": round(two / one, 2) if one and two else None,
    })
    # A no-change build that finds nothing changed runs no step: the steps' share is
    # that of the one built anyway, when the run has it.
    for kind, row in (("cold", "cold"),
                      ("noop", "noop_built" if "noop_built" in rows else "noop")):
        reach = sum(rows[row]["steps_ms"].get(step, 0) for step in REACH_STEPS)
        derived[f"reach_ms_{kind}"] = reach
        derived[f"reach_share_{kind}"] = round(reach / 1000 / rows[row]["median_s"], 3)
    loads = [float(r.load.split()[0]) for runs in builds.values() for r in runs if r.load]
    derived["load_1min"] = [min(loads), max(loads)] if loads else None
    return {"n": n, "plan": plan, "builds": rows, "derived": derived,
            "targets": targets(n, rows, derived)}


def _step_medians(runs: list[Run]) -> dict[str, int]:
    """Each pipeline step's median milliseconds over the runs that logged it."""
    names = dict.fromkeys(name for r in runs for name in r.steps)
    return {name: round(median([r.steps.get(name) for r in runs])) for name in names}


def _throughput(runs: list[Run]) -> float | None:
    """PDFs per second of the PDF phase (pool start, page reads and cache checks included)."""
    rates = [r.pdfs_rendered / (r.pdf_wall_ms / 1000) for r in runs
             if r.pdfs_rendered and r.pdf_wall_ms]
    return round(median(rates), 2) if rates else None


def markdown(record: dict) -> str:
    """The README's Performance table(s): one per N, with the machine and the targets."""
    m = record["machine"]
    out = [f"Benchmark of {record['date']} on {m['nproc']} cores ({m['cpu']}), "
           f"{m['memory_gib']} GiB, Python {m['python']}, Pelican {m['pelican']}, "
           f"{m['os']}. Medians of {record['runs']} runs unless the table says otherwise; "
           f"`make bench` took {record['total_seconds'] / 60:.1f} min. Sizes of {LARGE} "
           "alerts and more time fewer rows (see below each table).", ""]
    for size in record["sizes"].values():
        d = size["derived"]
        out += [f"**N = {size['n']} alerts**", "",
                "| Build | runs | median s | min s | max s | × bare | peak RSS MB (process / "
                "tree) | cards drawn | PDFs rendered | pages rendered / carried |",
                "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
        for kind, row in size["builds"].items():
            name = BUILDS[kind].format(k=d["pdfs_invalidated"])
            counts = ["–"] * 3 if kind == "bare" else [
                _counts(row["cards_drawn"]), _counts(row["pdfs_rendered"]),
                _pages(row)]
            out.append(f"| {name} | {len(row['runs'])} | {row['median_s']:.2f} | "
                       f"{row['min_s']:.2f} | {row['max_s']:.2f} | {row['ratio_to_bare']:.2f} "
                       f"| {row['max_rss_mb']:.0f} / {row['tree_rss_mb']:.0f} | "
                       + " | ".join(counts) + " |")
        out += ["", " ".join(filter(None, [size.get("plan"), _cards_and_pdfs(d),
                                           _changes(size["builds"]), _steps(size["builds"]),
                                           _load(d, m), _code(size.get("code"))]))]
        out += ["", "| Target | Measured | Met |", "|---|---|---|"]
        for t in size["targets"]:
            verdict = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
            out.append(f"| {t['target']} | {t['value']} | {verdict} |")
        out.append("")
    return "\n".join(out)


def _cards_and_pdfs(d: dict) -> str:
    text = (f"Cards: {_ms(d['ms_per_card'])} each to draw and encode (mean in the drawing "
            f"process, cold builds), {d['card_kb_median']} KB median, {d['card_kb_max']} KB "
            "largest; a cold build draws one per alert plus the site's. PDFs in the cold "
            f"build: {_ms(d['ms_per_pdf_cold'])} each (median in the worker), "
            f"{d['pdf_per_s_cold']} PDFs/s.")
    if d["pdfs_invalidated"]:
        return text + (f" Rebuilding {d['pdfs_invalidated']} PDFs: "
                       f"{_ms(d['ms_per_pdf_1_worker'])} each on 1 worker, "
                       f"{_ms(d['ms_per_pdf_2_workers'])} on each of 2; "
                       f"{d['pdf_per_s_1_worker']} vs {d['pdf_per_s_2_workers']} PDFs/s "
                       f"({d['pdf_speedup_2_vs_1']}×).")
    return text + " One worker against two is timed at the smallest N only."


def _changes(builds: dict) -> str:
    """What the edits changed in the output, and the devserver's two moments."""
    parts = []
    for kind, words in (("edit", "the title edit"), ("template", "the template edit"),
                        ("devserver", "a save in the devserver")):
        row = builds.get(kind)
        if row and row.get("html_changed") and None not in row["html_changed"]:
            parts.append(f"{words} changed {_counts(row['html_changed'])} of the output's HTML "
                         "files" + ("" if kind == "template" else
                                    f" (the alert's own: {_counts(row['html_own'])}; files "
                                    f"of no one alert: {_counts(row['html_listings'])})"))
    text = f"Per run, {'; '.join(parts)}." if parts else ""
    row = builds.get("devserver")
    if row and row.get("event_median_s") is not None:
        text += (f" Devserver: the event stream announced the new build "
                 f"{row['event_median_s']:.2f} s after the save (median); the table's time "
                 "runs until the alert's page, fetched again as the tab does on that event, "
                 "held the new title; its memory is the devserver process's peak over the "
                 "session, builds included.")
    return text.strip()


def _steps(builds: dict) -> str:
    found = []
    for kind in ("cold", "noop", "noop_built", "edit", "template"):
        steps = builds.get(kind, {}).get("steps_ms")
        if steps:
            named = ", ".join(f"{name} {ms}" for name, ms in steps.items())
            found.append(f"Steps of \"{BUILDS[kind]}\" (median ms): {named}.")
    return " ".join(found)


def _load(d: dict, m: dict) -> str:
    if not d.get("load_1min"):
        return ""
    return (f"The 1-minute load average ranged {d['load_1min'][0]:.1f}–{d['load_1min'][1]:.1f} "
            f"over these builds (on {m['nproc']} cores, more than that means other work was "
            "slowing them).")


def _code(code: dict | None) -> str:
    # The code and theme, not the commit: a commit of the README during a run times the
    # same code.
    if not code or code["before"]["tree_sha256"] == code["after"]["tree_sha256"]:
        return ""
    return ("The plugins or theme changed while these builds ran "
            f"({code['before']['tree_sha256']} → {code['after']['tree_sha256']}), so they did "
            "not all time the same code.")


def _ms(value) -> str:
    return "not measured" if value is None else f"{value:.0f} ms"


def _pages(row: dict) -> str:
    rendered, carried = row.get("pages_rendered", [None]), row.get("pages_carried", [None])
    if set(rendered) == {None}:
        return "not logged"  # a build from before incremental builds
    return f"{_counts(rendered)} / {_counts(carried)}"


def _counts(values: list) -> str:
    shown = sorted({"?" if v is None else str(v) for v in values})
    return "/".join(shown)
