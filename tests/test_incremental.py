"""Incremental builds: a rebuild after a change writes exactly the bytes a cold build of
the same content, settings and "now" writes, while carrying what did not change.

Each case builds the sample site, changes one thing, builds again into the same folder
(carrying what it can from the first build), then builds the changed site once more
from nothing (output and cache removed) and compares every file. A page the second
build carried keeps its inode (a hard link to the first build's file); one it rendered
gets a new one — so each case also says which pages must have been rendered and which
carried.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
from conftest import EPOCH, ROOT, build_site, forget_last_build, snapshot, theme_static

from alerts.build.carry import VERIFY, Pages

SITE = {"SITEURL": "https://alerts.example.org", "RELATIVE_URLS": False,
        "FEED_DOMAIN": "https://alerts.example.org"}
ASYLUM = "alerts/protect-fair-asylum-hearings/index.html"
LIBRARIES = "alerts/tell-your-city-council-to-keep-libraries-open-on-weekends/index.html"
MEXICO = "alerts/ask-your-representative-to-sign-the-letter-on-human-rights-in-mexico/"
AGUA = "alerts/exige-agua-limpia-para-las-escuelas-de-oaxaca/index.html"
LONG = ("alerts/before-the-committee-votes-on-wednesday-tell-the-senate-appropriations-"
        "committee/index.html")
HOURS = 3600


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / "content" / name
    text = path.read_text("utf-8")
    assert text.count(old) >= 1, f"{name} has no {old!r}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def body_edit(root, options):
    edit(root, "alerts/2026-06-01-protect-asylum-hearings.md", "\n\n",
         "\n\nA new first paragraph, added after the alert went out.\n\n")
    return options, [ASYLUM], [LIBRARIES, AGUA, MEXICO + "index.html"]


def title_edit(root, options):
    # The slug stays (written out), so the page keeps its address.
    edit(root, "alerts/2026-10-05-keep-libraries-open.md", "title: Tell your",
         "slug: tell-your-city-council-to-keep-libraries-open-on-weekends\n"
         "title: Today, tell your")
    return options, [LIBRARIES, "index.html"], [ASYLUM, AGUA]


def deadline_flips_state(root, options):
    # Closing (58 hours left) to closed: the page, listings and calendars change.
    edit(root, "alerts/2026-11-25-long-title.md", "deadline: 2026-12-02T17:00",
         "deadline: 2026-11-29T17:00")
    return options, [LONG, "index.html"], [ASYLUM, AGUA, LIBRARIES]


def time_passes_the_deadline(root, options):
    return {**options, "epoch": EPOCH + 3 * 24 * HOURS}, [LONG, "index.html"], [ASYLUM]


def time_changes_the_words(root, options):
    # 58 hours left ("2 days left") becomes 47 hours left ("47 hours left"); the other
    # alerts' words stay the same, so their pages are carried.
    return {**options, "epoch": EPOCH + 11 * HOURS}, [LONG], [ASYLUM, AGUA, LIBRARIES]


def template_edit(root, options):
    templates = Path(options["settings"]["THEME_TEMPLATES_OVERRIDES"][0])
    page = templates / "alert.html"
    page.write_text(page.read_text("utf-8").replace("</article>",
                                                    "<p>Printed from our site.</p></article>"),
                    "utf-8")
    return options, [ASYLUM, LIBRARIES, AGUA], ["tags/index.html"]


def css_edit(root, options):
    css = Path(options["settings"]["THEME_STATIC_PATHS"][0]) / "css" / "site.css"
    css.write_text(css.read_text("utf-8") + "\n.alert { outline: 1px solid; }\n", "utf-8")
    return options, [], []


def settings_edit(root, options):
    settings = {**options["settings"], "SITENAME": "Action Alerts Network"}
    return {**options, "settings": settings}, [ASYLUM, LIBRARIES, "index.html"], []


def photo_replaced(root, options):
    # Same name, other pixels: the published photo changes (the page may not).
    water = root / "content" / "images" / "water.jpg"
    shutil.copyfile(root / "content" / "images" / "vigil.jpg", water)
    return options, [], [ASYLUM, LIBRARIES]


def alert_deleted(root, options):
    # A closed alert: the archive and its tags' pages list it.
    (root / "content" / "alerts" / "2026-06-01-protect-asylum-hearings.md").unlink()
    return options, ["archive/index.html", "tags/congress/index.html"], [LIBRARIES, AGUA]


def alert_added(root, options):
    source = root / "content" / "alerts" / "2026-10-05-keep-libraries-open.md"
    text = source.read_text("utf-8").replace("title: Tell your city council",
                                             "title: Tell your county board")
    (root / "content" / "alerts" / "2026-11-29-county.md").write_text(text, "utf-8")
    return options, ["index.html"], [ASYLUM, AGUA]


def translation_added(root, options):
    source = root / "content" / "alerts" / "2026-11-28-mexico-human-rights-letter.es-mx.md"
    text = source.read_text("utf-8").replace("lang: es-MX", "lang: es")
    (root / "content" / "alerts" / "2026-11-28-mexico-human-rights-letter.es.md") \
        .write_text(text, "utf-8")
    # Every version's page lists the versions: all three are rendered.
    return options, [MEXICO + "index.html", MEXICO + "es-MX/index.html"], [ASYLUM, AGUA]


def translation_removed(root, options):
    (root / "content" / "alerts" / "2026-11-28-mexico-human-rights-letter.es-mx.md").unlink()
    # The original lists no versions any more: the parse the process holds for it must not
    # keep the versions the last build gave it.
    return options, [MEXICO + "index.html"], [ASYLUM, AGUA]


CASES = {f.__name__: f for f in (
    body_edit, title_edit, deadline_flips_state, time_passes_the_deadline,
    time_changes_the_words, template_edit, css_edit, settings_edit, photo_replaced,
    alert_deleted, alert_added, translation_added, translation_removed)}


def _options(tmp_path: Path, jinja: dict) -> dict:
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copyfile(ROOT / "theme" / "templates" / "alert.html", templates / "alert.html")
    settings = {**SITE, **jinja, **theme_static(tmp_path / "static"),
                "THEME_TEMPLATES_OVERRIDES": [str(templates)]}
    return {"settings": settings, "epoch": EPOCH}


def _sample(tmp_path: Path, jinja: dict, caplog) -> tuple[Path, dict]:
    """The sample site's content in a folder of its own, the build options, and the log
    of what each build carried."""
    caplog.set_level(logging.INFO, logger="alerts.build.carry")
    root = tmp_path / "site"
    shutil.copytree(ROOT / "content", root / "content")
    return root, _options(tmp_path, jinja)


def _inodes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_ino
            for p in folder.rglob("*") if p.is_file()}


def _folders(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_dir())


REUSED = "alerts: staging: the replaced site's folders are reused"


def _wait_for_spare(root: Path) -> Path:
    """The folders of the site the last build replaced, once their files are removed."""
    import time

    spare = root / ".output.spare"
    deadline = time.monotonic() + 60
    while not spare.is_dir() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert spare.is_dir(), "the replaced site's folders were not kept"
    return spare


def _pages_line(caplog) -> tuple[int, int]:
    found = [re.fullmatch(r"alerts: pages: (\d+) rendered, (\d+) carried", r.getMessage())
             for r in caplog.records]
    found = [m for m in found if m]
    assert found, "the build logged no `alerts: pages: N rendered, M carried`"
    return int(found[-1][1]), int(found[-1][2])


@pytest.mark.parametrize("case", CASES)
def test_incremental_build_writes_what_a_cold_build_writes(case, tmp_path, caplog,
                                                          compiled_templates):
    root, options = _sample(tmp_path, compiled_templates, caplog)
    assert build_site(root, {}, **options).result.ok
    forget_last_build(root)
    first = build_site(root, {}, **options)  # replaces a site: its folders are kept
    assert first.result.ok, first.messages()
    before = _inodes(first.output)
    _wait_for_spare(root)

    options, rendered, carried = CASES[case](root, options)
    caplog.set_level(logging.INFO, logger="alerts.build.spare")
    second = build_site(root, {}, **options)
    assert second.result.ok, second.messages()
    assert REUSED in [r.getMessage() for r in caplog.records]
    incremental = snapshot(second.output)
    incremental_folders = _folders(second.output)
    after = _inodes(second.output)
    kept = _pages_line(caplog)[1]
    assert kept > 0 or case in ("settings_edit",), "nothing was carried"

    # (An old site may still be being removed from the cache's trash.)
    shutil.rmtree(root / "output")
    shutil.rmtree(root / "cache", ignore_errors=True)
    cold = build_site(root, {}, **options)
    assert cold.result.ok, cold.messages()
    expected = snapshot(cold.output)
    assert sorted(incremental) == sorted(expected)
    differ = [name for name in expected if incremental[name] != expected[name]]
    assert differ == [], f"the incremental build wrote other bytes in {differ}"
    # The folders made ahead for carried files (alerts.build.folders): none left empty.
    assert incremental_folders == _folders(cold.output)

    for name in rendered:
        assert before.get(name) != after[name], f"{name} was carried, not rendered"
    for name in carried:
        assert before[name] == after[name], f"{name} was rendered, not carried"


def test_unchanged_site_is_carried_whole(make_site, tmp_path, caplog, compiled_templates):
    root, options = _sample(tmp_path, compiled_templates, caplog)
    first = build_site(root, {}, **options)
    pages = {n: i for n, i in _inodes(first.output).items() if _is_page(n)}
    forget_last_build(root)  # so that it builds, and carries every page
    second = build_site(root, {}, **options)
    assert second.result.ok
    rendered, carried = _pages_line(caplog)
    assert rendered == 0
    assert carried == len(pages)
    after = _inodes(second.output)
    assert {n: after[n] for n in pages} == pages


def test_hand_edited_output_page_is_rendered_again(tmp_path, caplog, compiled_templates):
    root, options = _sample(tmp_path, compiled_templates, caplog)
    first = build_site(root, {}, **options)
    page = first.output / LIBRARIES
    good = page.read_bytes()
    with open(page, "ab") as handle:  # in place: same inode, new size and time
        handle.write(b"<!-- edited on the server -->")
    second = build_site(root, {}, **options)
    assert (second.output / LIBRARIES).read_bytes() == good
    assert _pages_line(caplog)[0] == 1


def test_a_rebuild_in_the_same_process_reads_no_kept_parse(tmp_path, caplog, monkeypatch,
                                                           compiled_templates):
    """As a devserver rebuilds: the parses the last build used are held as objects, so
    the next build reads and unpickles only what changed; removing the kept files
    (`make clean`) sends it back to the folder."""
    import alerts.build.parsecache as parsecache

    root, options = _sample(tmp_path, compiled_templates, caplog)
    assert build_site(root, {}, **options).result.ok
    loads, reads = [], []
    load, read = parsecache.pickle.load, Path.read_bytes
    monkeypatch.setattr(parsecache.pickle, "load", lambda f: loads.append(f.name) or load(f))
    monkeypatch.setattr(Path, "read_bytes", lambda p: reads.append(p.name) or read(p))
    parses = str(root / "cache" / "parses")
    edit(root, "alerts/2026-06-01-protect-asylum-hearings.md", "\n\n", "\n\nNew.\n\n")
    forget_last_build(root)
    second = build_site(root, {}, **options)
    assert second.result.ok, second.messages()
    # The edited file is read and parsed; every other parse was held, its file not read.
    assert [name for name in loads if name.startswith(parses)] == []
    assert [name for name in reads if name.endswith(".md")] == [
        "2026-06-01-protect-asylum-hearings.md"]
    assert "New." in (second.output / ASYLUM).read_text("utf-8")
    shutil.rmtree(root / "cache" / "parses")
    forget_last_build(root)
    caplog.set_level(logging.INFO, logger="alerts.plugin")
    assert build_site(root, {}, **options).result.ok
    said = [r.getMessage() for r in caplog.records if "alerts: parses:" in r.getMessage()]
    files = len(list((root / "content").rglob("*.md")))
    assert said[-1] == f"alerts: parses: 0 reused, {files} parsed"


def test_a_rebuild_in_the_same_process_keeps_none_of_the_last_builds_articles(
        tmp_path, caplog, compiled_templates):
    """A devserver runs build after build in one process: once the next build ran, the
    last one's articles (and all they hold) are garbage, not kept by a cache of
    Pelican's rendered bodies."""
    import gc
    import weakref

    from pelican.contents import Article

    root, options = _sample(tmp_path, compiled_templates, caplog)
    assert build_site(root, {}, **options).result.ok
    gc.collect()
    first = [weakref.ref(o) for o in gc.get_objects() if isinstance(o, Article)]
    assert first  # the build's state holds them until the next build
    edit(root, "alerts/2026-06-01-protect-asylum-hearings.md", "\n\n", "\n\nNew.\n\n")
    assert build_site(root, {}, **options).result.ok
    gc.collect()
    assert [ref() for ref in first if ref() is not None] == []


@pytest.mark.parametrize("damage", ["garbage", "other-format", "truncated-parse"])
def test_damaged_cache_is_ignored(damage, tmp_path, caplog, compiled_templates):
    root, options = _sample(tmp_path, compiled_templates, caplog)
    first = build_site(root, {}, **options)
    expected = snapshot(first.output)
    manifest = root / "cache" / "pages" / "manifest.json"
    if damage == "garbage":
        manifest.write_bytes(b"\x00not json")
    elif damage == "other-format":
        manifest.write_text(manifest.read_text("utf-8").replace('"pages 1"', '"pages 0"'),
                            "utf-8")
    for kept in (root / "cache" / "parses").glob("*.pickle"):
        kept.write_bytes(kept.read_bytes()[: 40 if damage == "truncated-parse" else None])
    second = build_site(root, {}, **options)
    assert second.result.ok, second.messages()
    assert snapshot(second.output) == expected
    if damage != "truncated-parse":
        assert _pages_line(caplog) == (len([n for n in expected if n.endswith(".html")
                                            and _is_page(n)]), 0)


def _is_page(name: str) -> bool:
    return name.endswith("index.html") or name == "404.html"


def test_verify_mode_renders_carried_pages_and_compares(tmp_path, caplog, compiled_templates,
                                                       monkeypatch):
    """ALERTS_VERIFY_INCREMENTAL=1 renders every page it would carry and fails the build
    where one would differ; here a value the key leaves out is changed behind its back."""
    root, options = _sample(tmp_path, compiled_templates, caplog)
    assert build_site(root, {}, **options).result.ok
    monkeypatch.setenv(VERIFY, "1")
    same = build_site(root, {}, **options)
    assert same.result.ok, same.messages()
    assert _pages_line(caplog)[1] == 0  # rendered, all of them, to compare
    # Keys blind to the templates: an edited template is then a change the key misses.
    monkeypatch.setattr(Pages, "_template", lambda self, template: (frozenset(), "blind"))
    assert build_site(root, {}, **options).result.ok
    templates = Path(options["settings"]["THEME_TEMPLATES_OVERRIDES"][0])
    page = templates / "alert.html"
    page.write_text(page.read_text("utf-8").replace("</article>", "<p>x</p></article>"),
                    "utf-8")
    broken = build_site(root, {}, **options)
    assert not broken.result.ok
    assert any("renders differently now" in m for m in broken.result.failures)


def test_changed_plugin_code_renders_what_it_changes(tmp_path):
    """Our code is part of every key: a build with edited plugins (here, the English for
    "… left") writes what a cold build with them writes."""
    from conftest import run_cli

    plugins = tmp_path / "plugins"
    shutil.copytree(ROOT / "plugins", plugins,
                    ignore=shutil.ignore_patterns("__pycache__"))
    conf = tmp_path / "conf.py"
    conf.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
                    "from pelicanconf import *  # noqa: F403\n"
                    f"PLUGIN_PATHS = [{str(plugins)!r}]\nTHEME = {str(ROOT / 'theme')!r}\n"
                    f"CACHE_PATH = {str(tmp_path / 'cache')!r}\n", "utf-8")
    env = {"PYTHONPATH": str(plugins), "SOURCE_DATE_EPOCH": str(EPOCH)}

    def build() -> dict[str, bytes]:
        done = run_cli("-v", "build", "-s", str(conf), "-i", str(ROOT / "content"),
                       "-o", str(tmp_path / "output"), env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        return snapshot(tmp_path / "output")

    first = build()
    i18n = plugins / "alerts" / "site" / "i18n.py"
    i18n.write_text(i18n.read_text("utf-8").replace('"left": "{n} left"', '"left": "{n} to go"',
                                                    1), "utf-8")
    incremental = build()
    assert incremental[LONG] != first[LONG]
    assert b"2 days to go" in incremental[LONG]
    shutil.rmtree(tmp_path / "output")
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
    assert build() == incremental


def test_check_keeps_the_caches_for_the_next_build(tmp_path, caplog, compiled_templates):
    """`make check` (no PDFs, nothing swapped in) carries what it can but keeps nothing:
    the next `make html` still carries every page."""
    from conftest import load_settings

    from alerts.build.staging import build

    root, options = _sample(tmp_path, compiled_templates, caplog)
    assert build_site(root, {}, **options).result.ok
    manifest = (root / "cache" / "pages" / "manifest.json").read_bytes()
    parses = snapshot(root / "cache" / "parses")
    settings = load_settings(ROOT / "pelicanconf.py", {
        **options["settings"], "PATH": str(root / "content"),
        "OUTPUT_PATH": str(root / "output"), "CACHE_PATH": str(root / "cache"),
        "PDF": {"enabled": False, "page_size": "A4"}})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        assert build(settings, check_only=True).ok
    assert (root / "cache" / "pages" / "manifest.json").read_bytes() == manifest
    assert snapshot(root / "cache" / "parses") == parses
    caplog.clear()
    forget_last_build(root)  # else nothing changed, and nothing is built
    assert build_site(root, {}, **options).result.ok
    assert _pages_line(caplog)[0] == 0


def test_the_old_site_leaves_its_folders_to_the_next_build(tmp_path, caplog,
                                                          compiled_templates):
    """The site a build replaces loses its files in the background; its folders, kept
    beside the output, are the next build's staging folder, which leaves none of them
    empty (those of an alert deleted since)."""
    root = tmp_path / "site"
    shutil.copytree(ROOT / "content", root / "content")
    options = _options(tmp_path, compiled_templates)
    first = build_site(root, {}, **options)
    old = first.output.stat().st_ino
    forget_last_build(root)
    second = build_site(root, {}, **options)
    assert second.output.stat().st_ino != old  # a new folder was swapped in
    spare = _wait_for_spare(root)
    assert [p for p in spare.rglob("*") if not p.is_dir()] == []
    assert _folders(spare) == _folders(second.output)
    assert list((root / "cache" / "trash").iterdir()) == []
    assert sorted(p.name for p in root.iterdir()) == [
        ".output.lock", ".output.spare", "cache", "content", "output"]

    (root / "content" / "alerts" / "2026-06-01-protect-asylum-hearings.md").unlink()
    slug = Path(ASYLUM).parent.name
    assert (spare / "alerts" / slug).is_dir()
    caplog.set_level(logging.INFO, logger="alerts")
    third = build_site(root, {}, **options)
    assert third.result.ok, third.messages()
    assert REUSED in [r.getMessage() for r in caplog.records]
    assert not (third.output / "alerts" / slug).exists()
    empty = [d for d in _folders(third.output)
             if not any(p.is_file() for p in (third.output / d).rglob("*"))]
    assert empty == []


def test_an_articles_fingerprint_covers_its_metadata_where_it_is_not_an_attribute():
    """Pelican keeps each metadata value as an attribute too; the fingerprint names such
    a value by its attribute. A metadata value a plugin or template changed on its own,
    or one no attribute holds, must still change the fingerprint."""
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    from alerts.build.fingerprint import Fingerprints

    def article(**metadata):
        return Article("<p>Body</p>", metadata={"title": "Same", **metadata},
                       settings=dict(DEFAULT_CONFIG), source_path="a.md")

    base = Fingerprints().of(article())
    assert Fingerprints().of(article()) == base
    assert Fingerprints().of(article(title="Other")) != base
    changed = article()
    changed.metadata["title"] = "Other"  # the attribute still says "Same"
    assert changed.title == "Same"
    assert Fingerprints().of(changed) != base
    unheld = article()
    unheld.metadata["extra"] = "only here"
    assert Fingerprints().of(unheld) != base
