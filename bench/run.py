"""`make bench`: time this site against bare Pelican on synthetic corpora of N alerts.

Usage: PYTHONPATH=plugins python bench/run.py [N ...] [--runs 3]
Writes bench/results/<date>.json and .md (<date>-n100.json… for other sizes); corpora
and builds stay in bench/work/. What each size times is in plan.py (fewer rows from
N=5000 on).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from corpus import generate
from editreload import time_reloads
from plan import LARGE, PDF_WORKERS, describe, rows
from report import markdown, summarize
from sites import BuildFailed, Run, Workdir
from targets import SET_AT, growth

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: PDFs invalidated for the 1-versus-2-worker runs: enough to keep both workers busy,
#: few enough that N=1000 does not spend half an hour on one worker.
PDF_SAMPLE = 100
DEFAULT_SIZES = [100, 1000]


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.runs < 3:
        parser.error("--runs: at least 3, or the medians mean little")
    started = time.perf_counter()
    record = {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "machine": machine(),
              "runs": args.runs, "sizes": {}}
    for n in args.sizes:
        print(f"N={n}: generating the corpus…", flush=True)
        before = code_state()
        try:
            # One worker against two costs the same at any N; time it once, at the smallest.
            record["sizes"][str(n)] = bench_size(n, args.runs, args.work / f"n{n}",
                                                 pdf_cores=n == min(args.sizes))
        except BuildFailed as exc:
            print(f"bench: a build failed, so N={n} has no results: {exc}", file=sys.stderr)
            return 1
        # Other work may edit the plugins during a long run; say so rather than hide it.
        record["sizes"][str(n)]["code"] = {"before": before, "after": code_state()}
        if n >= LARGE:
            record["sizes"][str(n)]["targets"] += growth(record["sizes"][str(n)],
                                                         *_base(record, args.results))
        record["total_seconds"] = round(time.perf_counter() - started, 1)
        print(f"N={n}: done at {record['total_seconds'] / 60:.1f} min", flush=True)
        # Written after each N, so a long run that fails later keeps what it measured.
        stem = write(record, args.results, args.sizes)
    print(markdown(record))
    print(f"Wrote {stem}.json and {stem}.md")
    return 0


def write(record: dict, folder: Path, sizes: list[int]) -> Path:
    """Save the record as <date>.json and its tables beside it as .md; return the shared
    stem. A run of other sizes than the default adds them to the name (<date>-n100.json),
    so a quick `make bench N=100` never replaces the same day's full run."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = [] if sizes == DEFAULT_SIZES else [f"n{n}" for n in sizes]
    stem = folder / "-".join([record["date"], *parts])
    stem.with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n", "utf-8")
    stem.with_suffix(".md").write_text(markdown(record), "utf-8")
    return stem


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=DEFAULT_SIZES, metavar="N")
    parser.add_argument("--runs", type=int, default=3, help="runs per build (at least 3)")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    return parser


def bench_size(n: int, runs: int, root: Path, pdf_cores: bool = True) -> dict:
    """Every build of one corpus size (plan.rows), in an order that sets up the next.

    With `pdf_cores` (and below plan.LARGE), also rebuild PDF_SAMPLE PDFs on one worker
    and on two.
    """
    plan = rows(n, runs, pdf_cores)
    work = Workdir(generate(root, n), root)
    work.copy_theme()
    site = work.conf("site")
    builds: dict[str, list[Run]] = {k: [] for k in plan}

    def done(kind: str, i: int, result: Run) -> None:
        builds[kind].append(result)
        pages = "" if result.pages_rendered is None else \
            f", pages {result.pages_rendered} rendered/{result.pages_carried} carried"
        reload = "" if result.event_seconds is None else f" (event {result.event_seconds} s)"
        print(f"  {kind} #{i + 1}: {result.measurement.seconds:.2f} s{reload}, cards "
              f"{result.cards_drawn}, PDFs {result.pdfs_rendered}{pages}, load {result.load}",
              flush=True)

    def timed(kind: str, i: int, build) -> None:
        done(kind, i, build(f"{kind}-{i}"))

    for i in range(plan.get("cold_nopdf", 0)):
        work.clear_cache()
        timed("cold_nopdf", i, lambda label: work.site(label, site, pdf=False))
    # Bare Pelican and the builds whose ratio to it is a target take turns: the speed of
    # a shared machine drifts over minutes, and both then see the same drift.
    for i in range(plan.get("cached_nopdf", 0)):  # the cards drawn above stay cached
        timed("bare", i, work.bare)
        timed("cached_nopdf", i, lambda label: work.site(label, site, pdf=False, build=True))
    for i in range(plan["cold"]):
        work.clear_cache()
        timed("cold", i, lambda label: work.site(label, site))
    for i in range(plan["noop"]):
        timed("bare", len(builds["bare"]), work.bare)
        timed("noop", i, lambda label: work.site(label, site))
    for i in range(plan.get("noop_built", 0)):
        timed("noop_built", i, lambda label: work.site(label, site, build=True))
    card_sizes = work.card_sizes_kb()
    edited = work.corpus.alert_files()[n // 2]
    slug = edited.stem.split("-", 3)[3]  # <date>-<slug>.md (corpus.py)
    original = edited.read_text("utf-8")
    later = [kind for kind in plan if kind in ("template", "devserver", *PDF_WORKERS)]
    for i in range(plan["edit"]):
        # A new title each time: the card and the page both change, the slug does not.
        edited.write_text(original.replace('title: "', f'title: "Update {i + 1}: ', 1), "utf-8")
        timed("edit", i, lambda label: work.site(label, site, edited=slug))
    edited.write_text(original, "utf-8")
    if later:
        work.site("restore", site)
    template = work.theme / "templates" / "alert.html"
    layout = template.read_text("utf-8")
    for i in range(plan.get("template", 0)):
        # A change to every alert page's bytes that no reader sees, nor the PDFs: after the
        # newline trim_blocks takes out, so the page's text and white space stay the same.
        template.write_text(layout.replace("{% block content %}\n", "{% block content %}\n"
                                           f"<!-- bench template edit {i + 1} -->", 1), "utf-8")
        timed("template", i, lambda label: work.site(label, site, edited=slug))
    if plan.get("template"):
        template.write_text(layout, "utf-8")
        work.site("restore-template", site)
    if plan.get("devserver"):
        time_reloads(work, edited, plan["devserver"],
                     lambda i, result: done("devserver", i, result))
    sample = min(n, PDF_SAMPLE)
    one, two = work.conf("pdf1", {"workers": 1}), work.conf("pdf2", {"workers": 2})
    for i in range(plan.get("pdf_1_worker", 0)):
        for kind, conf in (("pdf_1_worker", one), ("pdf_2_workers", two)):
            _invalidate_pdfs(work, sample)
            timed(kind, i, lambda label, conf=conf: work.site(label, conf))
    return summarize(n, builds, card_sizes, sample, describe(n, plan))


def _base(record: dict, results: Path) -> tuple[dict | None, str]:
    """The N=SET_AT results the growth targets compare with: this run's, else the newest
    saved ones (other code, maybe: the report names their date)."""
    if str(SET_AT) in record["sizes"]:
        return record["sizes"][str(SET_AT)], "this run"
    for path in sorted(results.glob("*.json"), reverse=True):
        try:
            earlier = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if str(SET_AT) in earlier.get("sizes", {}):
            return earlier["sizes"][str(SET_AT)], f"an earlier run, {path.name}"
    return None, ""


def _invalidate_pdfs(work: Workdir, count: int) -> None:
    """Remove `count` cached PDFs so the next build renders exactly those (cards stay cached)."""
    for path in sorted((work.cache / "pdfs").glob("*.pdf"))[:count]:
        path.unlink()


def code_state() -> dict:
    """The commit and a digest of the code and theme under test (uncommitted edits included)."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "plugins").rglob("*.py"), *(ROOT / "theme").rglob("*"),
                        ROOT / "pelicanconf.py"]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True, check=False).stdout.strip()
    return {"commit": head, "tree_sha256": digest.hexdigest()[:16]}


def machine() -> dict:
    """What the numbers were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem_kb / 2**20, 1),
            "python": platform.python_version(), "pelican": version("pelican"),
            "weasyprint": version("weasyprint"), "pillow": version("pillow"),
            "os": platform.platform(terse=True)}


if __name__ == "__main__":
    sys.exit(main())
