"""The benchmark's targets: each with its measured value and whether it is met."""

from __future__ import annotations

from plan import LARGE

#: The steps that write the email edition and the search index (plugins/alerts): their
#: cost together is held to a tenth of a no-change build.
REACH_STEPS = ("email", "search")
#: The size the time and ratio targets are set at, and how much slower the no-change and
#: one-edit rebuilds may be at LARGE (5× the alerts).
SET_AT, GROWTH = 1000, 5.5


def targets(n: int, rows: dict, derived: dict) -> list[dict]:
    """Each target of one size (None for met: not measured)."""
    site_rss = [rows[k] for k in rows if k != "bare"]
    largest = max(r["max_rss_mb"] for r in site_rss)
    tree = max(r["tree_rss_mb"] for r in site_rss)
    noop, edit = rows["noop"], rows["edit"]
    at = "" if n == SET_AT else f" (set at N={SET_AT})"
    checks = [
        (f"nothing changed ≤ 0.5× bare Pelican{at}", f"{noop['ratio_to_bare']}×",
         noop["ratio_to_bare"] <= 0.5),
        (f"one alert edited ≤ 0.6× bare Pelican{at}", f"{edit['ratio_to_bare']}×",
         edit["ratio_to_bare"] <= 0.6),
    ]
    if n == SET_AT:
        checks.append(("cold, cards and PDFs ≤ 60 s", f"{rows['cold']['median_s']:.1f} s",
                       rows["cold"]["median_s"] <= 60))
        if "devserver" in rows:
            dev = rows["devserver"]
            checks.append(("devserver: one alert saved → its page reloaded ≤ 1.5 s",
                           f"{dev['median_s']:.2f} s", dev["median_s"] <= 1.5))
    if "cached_nopdf" in rows:
        checks.append((f"cards cached, PDFs off ≤ 1.5× bare Pelican{at}",
                       f"{rows['cached_nopdf']['ratio_to_bare']}×",
                       rows["cached_nopdf"]["ratio_to_bare"] <= 1.5))
    checks += [
        ("a card ≤ 25 ms to draw and encode", _ms(derived["ms_per_card"]),
         _le(derived["ms_per_card"], 25)),
        ("a card ≤ 300 KB", f"{derived['card_kb_max']} KB largest",
         _le(derived["card_kb_max"], 300)),
    ]
    if n < LARGE:
        checks += [
            ("PDF throughput, 2 workers ≥ 1.7× one", _times(derived["pdf_speedup_2_vs_1"]),
             _ge(derived["pdf_speedup_2_vs_1"], 1.7)),
            ("≤ 250 ms per PDF per core (1 worker)", _ms(derived["ms_per_pdf_1_worker"]),
             _le(derived["ms_per_pdf_1_worker"], 250)),
        ]
    checks += [
        ("nothing changed: 0 cards, 0 PDFs",
         f"cards {noop['cards_drawn']}, PDFs {noop['pdfs_rendered']}",
         set(noop["cards_drawn"]) == {0} and set(noop["pdfs_rendered"]) == {0}),
        ("one alert edited: 1 card, 1 PDF",
         f"cards {edit['cards_drawn']}, PDFs {edit['pdfs_rendered']}",
         set(edit["cards_drawn"]) == {1} and set(edit["pdfs_rendered"]) == {1}),
        edited_pages(edit),
        (f"{' and '.join(REACH_STEPS)} steps together ≤ 10% of a no-change build (built "
         "anyway, where the run has one)",
         f"{derived['reach_ms_noop']} ms = {derived['reach_share_noop']:.1%} "
         f"(cold: {derived['reach_ms_cold']} ms = {derived['reach_share_cold']:.1%})",
         derived["reach_share_noop"] <= 0.10 if derived["reach_ms_noop"] else None),
        ("peak RSS ≤ 1 GiB" + ("" if n == SET_AT else f" (set at N={SET_AT})"),
         f"{largest:.0f} MB largest process, {tree:.0f} MB whole tree",
         largest <= 1024),
    ]
    return [{"target": t, "value": v, "met": m} for t, v, m in checks]


def edited_pages(edit: dict) -> tuple[str, str, bool | None]:
    """One alert edited renders its own pages and listings, no other alert's: pages
    rendered ≤ the alert's own HTML files + those of no one alert (the build says only
    how many it rendered, not which)."""
    rendered = edit["pages_rendered"]
    if None in rendered or not rendered:
        return (_EDITED, "not logged by this build", None)
    limit = max(edit["html_own"]) + max(edit["html_listings"])
    return (_EDITED, f"{_list(rendered)} rendered, {_list(edit['pages_carried'])} carried; "
            f"at most {max(edit['html_own'])} own + {max(edit['html_listings'])} listings",
            max(rendered) <= limit)


_EDITED = "one alert edited: pages rendered = its own + listings only"


def growth(size: dict, base: dict | None, source: str) -> list[dict]:
    """At LARGE: the no-change and one-edit rebuilds against those at SET_AT (`base`,
    from `source`: this run or an earlier one), which should grow no faster than the
    corpus, give or take."""
    found = []
    for kind, words in (("noop", "nothing changed"), ("edit", "one alert edited")):
        target = f"N={size['n']} {words} ≤ {GROWTH}× N={SET_AT}'s"
        if base is None:
            found.append({"target": target, "value": f"no N={SET_AT} result", "met": None})
            continue
        now, then = size["builds"][kind]["median_s"], base["builds"][kind]["median_s"]
        found.append({"target": target, "met": now <= GROWTH * then,
                      "value": f"{now:.2f} s vs {then:.2f} s ({source}) = {now / then:.2f}×"})
    return found


def _list(values: list) -> str:
    return "/".join(sorted({"?" if v is None else str(v) for v in values}))


def _times(value) -> str:
    return "not measured at this N" if value is None else f"{value}×"


def _ms(value) -> str:
    return "not measured" if value is None else f"{value:.0f} ms"


def _le(value, limit) -> bool | None:
    return None if value is None else value <= limit


def _ge(value, limit) -> bool | None:
    return None if value is None else value >= limit
