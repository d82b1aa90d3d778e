"""`make bench`: time this site against bare Pelican on synthetic corpora of N alerts.

Usage: PYTHONPATH=plugins python bench/run.py [N ...] [--runs 3]
Writes bench/results/<date>.json and .md (<date>-n100.json… for other sizes); corpora
and builds stay in bench/work/.
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
from report import markdown, summarize
from sites import BuildFailed, Run, Workdir

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: PDFs invalidated for the 1-versus-2-worker runs: enough to keep both workers busy,
#: few enough that N=1000 does not spend half an hour on one worker.
PDF_SAMPLE = 100
DEFAULT_SIZES = [100, 1000]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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
    """Every build of one corpus size, `runs` times each, in an order that sets up the next.

    With `pdf_cores`, also rebuild PDF_SAMPLE PDFs on one worker and on two.
    """
    work = Workdir(generate(root, n), root)
    site, one, two = work.conf("site"), work.conf("pdf1", {"workers": 1}), \
        work.conf("pdf2", {"workers": 2})
    kinds = ["bare", "cold", "cold_nopdf", "cached_nopdf", "noop", "edit"]
    builds: dict[str, list[Run]] = {k: [] for k in kinds}
    if pdf_cores:
        builds.update(pdf_1_worker=[], pdf_2_workers=[])

    def timed(kind: str, i: int, build) -> None:
        result = build(f"{kind}-{i}")
        builds[kind].append(result)
        print(f"  {kind} #{i + 1}: {result.measurement.seconds:.2f} s, cards "
              f"{result.cards_drawn}, PDFs {result.pdfs_rendered}, load {result.load}",
              flush=True)

    for i in range(runs):
        work.clear_cache()
        timed("cold_nopdf", i, lambda label: work.site(label, site, pdf=False))
    # Bare Pelican and the cached site build, whose ratio is a target, take turns: the
    # speed of a shared machine drifts over minutes, and both then see the same drift.
    for i in range(runs):  # the cards drawn above stay cached
        timed("bare", i, work.bare)
        timed("cached_nopdf", i, lambda label: work.site(label, site, pdf=False))
    for i in range(runs):
        work.clear_cache()
        timed("cold", i, lambda label: work.site(label, site))
    for i in range(runs):
        timed("noop", i, lambda label: work.site(label, site))
    card_sizes = work.card_sizes_kb()
    edited = work.corpus.alert_files()[n // 2]
    original = edited.read_text("utf-8")
    for i in range(runs):
        # A new title each time: the card and the page both change, the slug does not.
        edited.write_text(original.replace('title: "', f'title: "Update {i + 1}: ', 1), "utf-8")
        timed("edit", i, lambda label: work.site(label, site))
    edited.write_text(original, "utf-8")
    work.site("restore", site)
    sample = min(n, PDF_SAMPLE)
    for i in range(runs if pdf_cores else 0):
        for kind, conf in (("pdf_1_worker", one), ("pdf_2_workers", two)):
            _invalidate_pdfs(work, sample)
            timed(kind, i, lambda label, conf=conf: work.site(label, conf))
    return summarize(n, builds, card_sizes, sample)


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
