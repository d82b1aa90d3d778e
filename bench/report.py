"""Turn timed runs into the results record, the target verdicts and a Markdown table."""

from __future__ import annotations

from sites import Run, median

#: The steps that write the email edition and the search index (plugins/alerts): their
#: cost together is held to a tenth of a no-change build.
REACH_STEPS = ("email", "search")

#: Build kinds in table order, with the words the table uses.
BUILDS = {
    "bare": "Bare Pelican (no plugins, default theme), cold",
    "cold": "Site, cold: cards and PDFs",
    "cold_nopdf": "Site, cold, PDFs off",
    "cached_nopdf": "Site, cards cached, PDFs off",
    "noop": "Site rebuild, nothing changed",
    "edit": "Site rebuild, one alert's title edited",
    "pdf_1_worker": "Site rebuild, {k} PDFs invalidated, PDF workers=1",
    "pdf_2_workers": "Site rebuild, {k} PDFs invalidated, PDF workers=2",
}


def summarize(n: int, builds: dict[str, list[Run]], card_sizes_kb: list[float],
              invalidated: int) -> dict:
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
            "cards_drawn": [r.cards_drawn for r in runs],
            "pdfs_rendered": [r.pdfs_rendered for r in runs],
            "steps_ms": _step_medians(runs),
            "runs": [r.summary() for r in runs],
        }
    derived = {
        "ms_per_card": median([r.ms_per_card for r in builds["cold"] + builds["cold_nopdf"]]),
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
    for kind in ("cold", "noop"):
        reach = sum(rows[kind]["steps_ms"].get(step, 0) for step in REACH_STEPS)
        derived[f"reach_ms_{kind}"] = reach
        derived[f"reach_share_{kind}"] = round(reach / 1000 / rows[kind]["median_s"], 3)
    loads = [float(r.load.split()[0]) for runs in builds.values() for r in runs if r.load]
    derived["load_1min"] = [min(loads), max(loads)] if loads else None
    return {"n": n, "builds": rows, "derived": derived,
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


def targets(n: int, rows: dict, derived: dict) -> list[dict]:
    """Each target with its measured value and whether it is met (None: not measured)."""
    site_rss = [rows[k] for k in rows if k != "bare"]
    largest = max(r["max_rss_mb"] for r in site_rss)
    tree = max(r["tree_rss_mb"] for r in site_rss)
    noop = rows["noop"]
    edit = rows["edit"]
    checks = [
        ("cards cached, PDFs off ≤ 1.5× bare Pelican" + ("" if n == 1000 else " (set at N=1000)"),
         f"{rows['cached_nopdf']['ratio_to_bare']}×", rows["cached_nopdf"]["ratio_to_bare"] <= 1.5),
        ("a card ≤ 25 ms to draw and encode", _ms(derived["ms_per_card"]),
         _le(derived["ms_per_card"], 25)),
        ("a card ≤ 300 KB", f"{derived['card_kb_max']} KB largest",
         _le(derived["card_kb_max"], 300)),
        ("PDF throughput, 2 workers ≥ 1.7× one", _times(derived["pdf_speedup_2_vs_1"]),
         _ge(derived["pdf_speedup_2_vs_1"], 1.7)),
        ("≤ 250 ms per PDF per core (1 worker)", _ms(derived["ms_per_pdf_1_worker"]),
         _le(derived["ms_per_pdf_1_worker"], 250)),
        ("nothing changed: 0 cards, 0 PDFs",
         f"cards {noop['cards_drawn']}, PDFs {noop['pdfs_rendered']}",
         set(noop["cards_drawn"]) == {0} and set(noop["pdfs_rendered"]) == {0}),
        ("one alert edited: 1 card, 1 PDF",
         f"cards {edit['cards_drawn']}, PDFs {edit['pdfs_rendered']}",
         set(edit["cards_drawn"]) == {1} and set(edit["pdfs_rendered"]) == {1}),
        (f"{' and '.join(REACH_STEPS)} steps together ≤ 10% of a no-change build",
         f"{derived['reach_ms_noop']} ms = {derived['reach_share_noop']:.1%} "
         f"(cold: {derived['reach_ms_cold']} ms = {derived['reach_share_cold']:.1%})",
         derived["reach_share_noop"] <= 0.10 if rows["noop"]["steps_ms"] else None),
        ("peak RSS ≤ 1 GiB" + ("" if n == 1000 else " (set at N=1000)"),
         f"{largest:.0f} MB largest process, {tree:.0f} MB whole tree",
         largest <= 1024),
    ]
    return [{"target": t, "value": v, "met": m} for t, v, m in checks]


def _times(value) -> str:
    return "not measured at this N" if value is None else f"{value}×"


def _ms(value) -> str:
    return "not measured" if value is None else f"{value:.0f} ms"


def _le(value, limit) -> bool | None:
    return None if value is None else value <= limit


def _ge(value, limit) -> bool | None:
    return None if value is None else value >= limit


def markdown(record: dict) -> str:
    """The README's Performance table(s): one per N, with the machine and the targets."""
    m = record["machine"]
    out = [f"Benchmark of {record['date']} on {m['nproc']} cores ({m['cpu']}), "
           f"{m['memory_gib']} GiB, Python {m['python']}, Pelican {m['pelican']}, "
           f"{m['os']}. Medians of {record['runs']} runs; `make bench` took "
           f"{record['total_seconds'] / 60:.1f} min.", ""]
    for size in record["sizes"].values():
        d = size["derived"]
        out += [f"**N = {size['n']} alerts**", "",
                "| Build | median s | min s | max s | × bare | peak RSS MB (process / tree) "
                "| cards drawn | PDFs rendered |",
                "|---|--:|--:|--:|--:|--:|--:|--:|"]
        for kind, row in size["builds"].items():
            name = BUILDS[kind].format(k=d["pdfs_invalidated"])
            cards = "–" if kind == "bare" else _counts(row["cards_drawn"])
            pdfs = "–" if kind == "bare" else _counts(row["pdfs_rendered"])
            out.append(f"| {name} | {row['median_s']:.2f} | {row['min_s']:.2f} | "
                       f"{row['max_s']:.2f} | {row['ratio_to_bare']:.2f} | "
                       f"{row['max_rss_mb']:.0f} / {row['tree_rss_mb']:.0f} | {cards} | {pdfs} |")
        out += ["", f"Cards: {_ms(d['ms_per_card'])} each to draw and encode (mean in the "
                f"drawing process, cold builds), {d['card_kb_median']} KB median, "
                f"{d['card_kb_max']} KB largest; a cold build draws one per alert plus the "
                f"site's. PDFs in the cold build: {_ms(d['ms_per_pdf_cold'])} each (median in "
                f"the worker), {d['pdf_per_s_cold']} PDFs/s."]
        if d["pdfs_invalidated"]:
            out[-1] += (f" Rebuilding {d['pdfs_invalidated']} PDFs: "
                        f"{_ms(d['ms_per_pdf_1_worker'])} each on 1 worker, "
                        f"{_ms(d['ms_per_pdf_2_workers'])} on each of 2; "
                        f"{d['pdf_per_s_1_worker']} vs {d['pdf_per_s_2_workers']} PDFs/s "
                        f"({d['pdf_speedup_2_vs_1']}×).")
        else:
            out[-1] += " One worker against two is timed at the smallest N only."
        for kind in ("cold", "noop", "edit"):
            steps = size["builds"].get(kind, {}).get("steps_ms")
            if steps:
                named = ", ".join(f"{name} {ms}" for name, ms in steps.items())
                out[-1] += f" Steps of \"{BUILDS[kind]}\" (median ms): {named}."
        if d.get("load_1min"):
            out[-1] += (f" The 1-minute load average ranged {d['load_1min'][0]:.1f}–"
                        f"{d['load_1min'][1]:.1f} over these builds (on {m['nproc']} cores, more "
                        "than that means other work was slowing them).")
        code = size.get("code")
        if code and code["before"] != code["after"]:
            out[-1] += (" The plugins or theme changed while these builds ran "
                        f"({code['before']['tree_sha256']} → {code['after']['tree_sha256']}), "
                        "so they did not all time the same code.")
        out += ["",
                "| Target | Measured | Met |", "|---|---|---|"]
        for t in size["targets"]:
            verdict = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
            out.append(f"| {t['target']} | {t['value']} | {verdict} |")
        out.append("")
    return "\n".join(out)


def _counts(values: list) -> str:
    shown = sorted({"?" if v is None else str(v) for v in values})
    return "/".join(shown)
