"""The benchmark's synthetic corpus repeats byte for byte and passes the alert checks."""

from __future__ import annotations

from conftest import ROOT, run_cli, snapshot

from bench.corpus import EPOCH, generate

SMALL = {"photos": 2, "photo_size": (320, 200)}  # small photos keep the test fast


def test_the_corpus_is_the_same_bytes_every_time(tmp_path):
    first = generate(tmp_path / "a", 12, **SMALL)
    second = generate(tmp_path / "b", 12, **SMALL)
    assert snapshot(first.alerts) == snapshot(second.alerts)
    assert snapshot(first.bare) == snapshot(second.bare)
    assert len(first.alert_files()) == 12
    assert len(list(first.bare.glob("*.md"))) == 12


def test_a_smaller_corpus_is_the_start_of_a_larger_one(tmp_path):
    small = snapshot(generate(tmp_path / "small", 5, **SMALL).alerts)
    large = snapshot(generate(tmp_path / "large", 8, **SMALL).alerts)
    assert all(large[name] == data for name, data in small.items())


def test_every_generated_alert_passes_the_check(tmp_path):
    corpus = generate(tmp_path / "corpus", 20, **SMALL)
    conf = tmp_path / "bench.conf.py"
    # The project's settings with a cache of its own, so the test writes nothing in the repo.
    conf.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
                    f"from pelicanconf import *\nTHEME = {str(ROOT / 'theme')!r}\n"
                    f"CACHE_PATH = {str(tmp_path / 'cache')!r}\n", "utf-8")
    done = run_cli("check", "-s", str(conf), "-i", str(corpus.alerts),
                   "-o", str(tmp_path / "out"), env={"SOURCE_DATE_EPOCH": str(EPOCH)})
    assert done.returncode == 0, done.stderr
    assert "20 alerts checked, 0 problems" in done.stdout
    # pelicanconf.py has no SITEURL on purpose (development); anything else is a problem.
    assert [line for line in done.stderr.splitlines() if "SITEURL is empty" not in line] == []
