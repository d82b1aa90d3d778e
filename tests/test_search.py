"""Search: every published alert page, and nothing else, indexed by Pagefind into the build
(one index per language), the filters and meta each page gives it, the search pages and
their own policy, a failed index failing the build, and the cached index reused."""

from __future__ import annotations

import fcntl
import gzip
import json
import logging
import os
import re
import stat
import sys
import time

import pytest
from conftest import MINIMAL_ALERT, ROOT, build_site, replace_once, snapshot

from alerts.build.config import SettingsError
from alerts.build.staging import load_settings
from alerts.preview.serve import headers_for, read_rules
from alerts.site import searchindex
from alerts.site.headers import CONTENT_SECURITY_POLICY, SEARCH_CONTENT_SECURITY_POLICY
from alerts.site.urls import SiteURLs

CLINIC = "alerts/tell-the-council-to-fund-the-clinic/"
CLINIC_ES = """\
---
title: Pide al concejo que financie la clínica
slug: tell-the-council-to-fund-the-clinic
lang: es-MX
translation: true
date: 2026-11-20T09:00
deadline: 2026-12-20T17:00
targets: Concejo municipal
actions:
  - label: Escribe al concejo
    url: https://example.org/act
    kind: email
tags: [salud]
---

La clínica cierra en enero si el concejo no la financia.
"""
RIVER = """\
---
title: Limpien el río
date: 2026-11-21T09:00
deadline: 2026-12-22T17:00
lang: es
targets: Comisión del Agua
actions:
  - label: Firma
    url: https://example.org/rio
    kind: petition
tags: [agua]
---

El río Atoyac lleva años contaminado.
"""
HEARINGS = """\
---
title: Protect fair asylum hearings
date: 2026-06-01T09:00
deadline: 2026-06-15T17:00
targets: [Senate Judiciary Committee, Department of Justice]
actions:
  - label: Call the committee
    url: https://example.org/call
    kind: call
tags: [asylum, Congress]
outcome: won
outcome_date: 2026-06-22
outcome_text: The committee dropped the five-minute hearings.
---

Everyone deserves a fair hearing, not five minutes before a judge.
"""
DRAFT = MINIMAL_ALERT.replace("title: Tell the council to fund the clinic",
                              "title: Secret plan about zeppelins\nstatus: draft")
FILES = {
    "alerts/clinic.md": replace_once(MINIMAL_ALERT, "deadline: 2026-12-20T17:00",
                                     "deadline: 2026-12-20T17:00\ntags: [health, Congress]"),
    "alerts/clinic.es-mx.md": CLINIC_ES,
    "alerts/river.md": RIVER,
    "alerts/hearings.md": HEARINGS,
    "alerts/draft.md": DRAFT,
    "pages/about.md": "---\ntitle: About\n---\n\nWho we are, and zeppelins.\n",
}
#: Every published alert page, each language version: what the index holds.
INDEXED = {"/" + CLINIC, "/" + CLINIC + "es-MX/", "/alerts/limpien-el-rio/",
           "/alerts/protect-fair-asylum-hearings/"}


def fragments(output) -> list[dict]:
    """Each indexed page as Pagefind stored it: URL, words, filters, meta."""
    found = []
    for path in sorted((output / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        found.append(json.loads(data[len(b"pagefind_dcd"):]))
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    built = build_site(tmp_path_factory.mktemp("search"), FILES)
    assert built.result.ok, built.messages
    return built


def test_every_published_alert_page_is_indexed_and_nothing_else(site):
    pages = fragments(site.output)
    assert {page["url"] for page in pages} == INDEXED
    words = " ".join(page["content"] for page in pages)
    assert "Atoyac" in words and "five minutes before a judge" in words
    # Not the draft, the About page, listings, embeds or the 404; not the clock text,
    # the navigation or the share links.
    assert "zeppelins" not in words.lower()
    assert "left" not in words.split() and "Copy link" not in words
    assert not (site.output / "pagefind" / "playground").exists()


def test_one_index_per_language_with_regional_versions_in_their_language(site):
    entry = json.loads((site.output / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert list(entry["languages"]) == ["en", "es"]  # es-MX is searched with es
    assert {k: v["page_count"] for k, v in entry["languages"].items()} == {"en": 2, "es": 2}
    by_url = {page["url"]: page for page in fragments(site.output)}
    assert by_url["/" + CLINIC + "es-MX/"]["filters"]["language"] == ["Español (México)"]
    assert by_url["/alerts/limpien-el-rio/"]["filters"]["language"] == ["Español"]


def test_only_what_a_search_page_loads_is_published(site):
    files = {p.relative_to(site.output / "pagefind").as_posix()
             for p in (site.output / "pagefind").rglob("*") if p.is_file()}
    assert "pagefind.js" in files and "pagefind-entry.json" in files
    assert {"wasm.en.pagefind", "wasm.es.pagefind"} <= files
    # Pagefind's own UI (and its stylesheets), its worker and unused languages' code: not.
    assert not [f for f in files if f.endswith((".css", ".html")) or "ui" in f
                or "worker" in f or "highlight" in f or f == "wasm.unknown.pagefind"]
    top = {f.split("/")[0] for f in files if "/" in f}
    assert top <= {"fragment", "index", "filter"}


def test_alert_pages_give_the_index_their_filters_and_meta(site):
    by_url = {page["url"]: page for page in fragments(site.output)}
    won = by_url["/alerts/protect-fair-asylum-hearings/"]
    assert won["filters"] == {"state": ["Closed", "Won"], "topic": ["asylum", "Congress"],
                              "target": ["Senate Judiciary Committee", "Department of Justice"],
                              "language": ["English"]}
    assert won["meta"]["title"] == "Protect fair asylum hearings"
    assert won["meta"]["status"] == "Won: The committee dropped the five-minute hearings."
    assert won["meta"]["summary"].startswith("Everyone deserves a fair hearing")
    clinic = by_url["/" + CLINIC]
    assert clinic["filters"]["state"] == ["Open"]
    assert clinic["meta"]["status"] == "Deadline: Sunday, December 20, 2026, 5:00 PM EST"
    river = by_url["/alerts/limpien-el-rio/"]
    assert river["filters"]["state"] == ["Abierta"] and river["filters"]["topic"] == ["agua"]
    assert river["meta"]["status"].startswith("Fecha límite: martes, 22 de diciembre de 2026")
    # The page keeps them in one hidden element, out of the words; drafts have none.
    data = site.alert("protect-fair-asylum-hearings").select_one(".search-data")
    assert data.has_attr("hidden") and data.has_attr("data-pagefind-ignore")
    assert site.alert("protect-fair-asylum-hearings").select_one("article[data-pagefind-body]")
    assert site.html("drafts/secret-plan-about-zeppelins/index.html").select_one(
        ".search-data") is None


def test_a_search_page_per_language_with_its_own_policy(site):
    pages = {"search/index.html": "en", "search/es/index.html": "es"}
    for path, lang in pages.items():
        soup = site.html(path)
        assert soup.html["lang"] == lang, path
        csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert csp == SEARCH_CONTENT_SECURITY_POLICY, path
        assert soup.select_one("[data-search]").has_attr("hidden")  # shown by its script
        assert soup.select_one("script[src$='js/search.js']") is not None
        switcher = [a["href"] for a in soup.select("nav.languages a")]
        assert switcher == ["../search/", "../search/es/"] if lang == "en" else \
            switcher == ["../../search/", "../../search/es/"], switcher
    assert "wasm-unsafe-eval" not in CONTENT_SECURITY_POLICY
    # Every other page keeps the site's policy; every page links the search page.
    home = site.html("index.html")
    assert home.find("meta", attrs={"http-equiv": "Content-Security-Policy"})[
        "content"] == CONTENT_SECURITY_POLICY
    assert home.select_one("header nav a[href='./search/']").get_text() == "Search"


def test_without_javascript_the_search_page_links_the_browsing_pages(site):
    soup = site.html("search/index.html")
    browse = soup.select_one(".search-browse")
    assert "Searching needs JavaScript" in browse.get_text()
    assert {a["href"] for a in browse.select("a")} == {
        "../", "../archive/", "../tags/", "../targets/"}


def test_search_headers_allow_webassembly_on_the_search_pages_only(site):
    rules = read_rules((site.output / "_headers").read_text("utf-8"))
    for path in ("/search/", "/search/index.html", "/search/es/"):
        csp = headers_for(rules, path)["Content-Security-Policy"]
        assert "'wasm-unsafe-eval'" in csp and "," not in csp, path
        assert "frame-ancestors 'none'" in csp, path
    for path in ("/", "/" + CLINIC, "/pagefind/pagefind.js", "/searching/", "/archive/"):
        assert "wasm-unsafe-eval" not in headers_for(rules, path)["Content-Security-Policy"]
    nginx = (site.output / "nginx-headers.conf").read_text("utf-8")
    blocks = dict(re.findall(r'^location ~ "([^"]+)" \{\n(.*?)^\}', nginx, re.M | re.S))
    search = [body for regex, body in blocks.items() if re.search(regex, "/search/es/")]
    assert len(search) == 1 and "'wasm-unsafe-eval'" in search[0]
    assert 'X-Frame-Options "DENY"' in search[0]
    assert "wasm-unsafe-eval" not in nginx.split("\nlocation")[0]


def test_the_same_pages_give_the_same_bundle(tmp_path, site):
    """Pagefind writes its filter indexes in a different order on each run; the bundle of
    another build of the same content, with its own cache, is byte for byte the same."""
    again = build_site(tmp_path / "again", FILES)
    assert again.result.ok, again.messages
    assert snapshot(again.output / "pagefind") == snapshot(site.output / "pagefind")


def failing_binary(tmp_path, script: str):
    binary = tmp_path / "pagefind"
    binary.write_text("#!/bin/sh\n" + script + "\n")
    binary.chmod(binary.stat().st_mode | stat.S_IEXEC)
    return lambda: binary


def test_a_failed_index_fails_the_build_and_leaves_the_site(tmp_path, monkeypatch):
    first = build_site(tmp_path, FILES)
    assert first.result.ok, first.messages
    before = snapshot(first.output)
    edited = {**FILES, "alerts/river.md": RIVER.replace("Atoyac", "Lerma")}  # a new key
    monkeypatch.setattr(searchindex, "pagefind_binary",
                        failing_binary(tmp_path, "echo 'Error: disk full' >&2; exit 3"))
    failed = build_site(tmp_path, edited)
    assert not failed.result.ok
    assert any("Pagefind failed with exit status 3" in m and "disk full" in m
               for m in failed.result.failures), failed.messages
    assert snapshot(first.output) == before


def test_a_missing_or_stuck_binary_fails_the_build(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pagefind_bin", None)  # as if it were not installed
    result = build_site(tmp_path / "missing", FILES).result
    assert not result.ok
    assert any("the Pagefind binary is missing" in m and "requirements.lock" in m
               for m in result.failures), result.failures
    monkeypatch.undo()
    monkeypatch.setattr(searchindex, "pagefind_binary", failing_binary(tmp_path, "sleep 30"))
    monkeypatch.setattr(searchindex, "TIMEOUT", 1)
    result = build_site(tmp_path / "stuck", FILES).result
    assert not result.ok
    assert any("did not finish indexing 4 alert pages in 1 s" in m for m in result.failures)
    assert not (tmp_path / "stuck" / "output").exists()


def test_a_build_that_fails_while_pagefind_runs_stops_it(tmp_path, monkeypatch):
    """A step after "search-start" fails: the build ends at once, with Pagefind stopped,
    its work folder gone and the pages' copy free for the next build."""
    from alerts.site import feeds

    ran = tmp_path / "pagefind.pid"
    # `exec`: the process the build started is the one that sleeps.
    monkeypatch.setattr(searchindex, "pagefind_binary", failing_binary(
        tmp_path, f"echo $$ > {ran}.part; mv {ran}.part {ran}; exec sleep 30"))

    def broken(*_args, **_kwargs):
        for _ in range(500):  # fail once Pagefind is surely running
            if ran.exists():
                break
            time.sleep(0.01)
        raise RuntimeError("the feeds broke")

    monkeypatch.setattr(feeds.Feeds, "atom", broken)
    failed = build_site(tmp_path, FILES)
    assert not failed.result.ok
    assert any("the feeds broke" in m for m in failed.result.failures), failed.messages
    pid = int(ran.read_text())  # it was started, and is gone (killed, and reaped)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not list((tmp_path / "cache").glob(searchindex.WORK_PREFIX + "*"))
    copy = tmp_path / "cache" / "search" / searchindex.SITE_FOLDER
    handle = os.open(copy, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nobody holds it
    finally:
        os.close(handle)
    monkeypatch.undo()
    again = build_site(tmp_path, FILES)
    assert again.result.ok, again.messages
    assert {page["url"] for page in fragments(again.output)} == INDEXED


def test_unchanged_pages_reuse_the_cached_index(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="alerts.site.searchindex")
    first = build_site(tmp_path, FILES)
    assert first.result.ok, first.messages
    assert "search: indexed 4 pages" in caplog.text
    bundle = snapshot(first.output / "pagefind")
    # Pagefind is not run at all: a binary that fails cannot fail this build.
    monkeypatch.setattr(searchindex, "pagefind_binary",
                        failing_binary(tmp_path, "exit 1"))
    caplog.clear()
    second = build_site(tmp_path, FILES)
    assert second.result.ok, second.messages
    assert "search: 4 pages unchanged, index reused" in caplog.text
    assert snapshot(second.output / "pagefind") == bundle
    # One alert edited: its words change, so the index is made again.
    monkeypatch.undo()
    caplog.set_level(logging.INFO, logger="alerts.site.searchindex")
    caplog.clear()
    third = build_site(tmp_path, {**FILES, "alerts/river.md": RIVER.replace("Atoyac", "Lerma")})
    assert third.result.ok, third.messages
    assert "search: indexed 4 pages" in caplog.text
    assert "Lerma" in " ".join(p["content"] for p in fragments(third.output))


def test_pagefind_reads_a_kept_copy_that_follows_the_pages(tmp_path):
    """The cache keeps what Pagefind reads and a build rewrites only what differs: a copy
    a killed build damaged is written again, a page removed leaves the copy and the index,
    and a file no page is does not stay."""
    first = build_site(tmp_path, FILES)
    assert first.result.ok, first.messages
    copy = tmp_path / "cache" / "search" / searchindex.SITE_FOLDER
    river = copy / "alerts" / "limpien-el-rio" / "index.html"
    clinic = copy / CLINIC / "index.html"
    assert b"Atoyac" in river.read_bytes()
    clinic.write_bytes(clinic.read_bytes()[:40])  # cut short, as by a killed build
    (copy / "alerts" / "gone").mkdir()
    (copy / "alerts" / "gone" / "index.html").write_text("<p>zeppelins</p>")
    (first.content / "alerts" / "river.md").unlink()
    edited = {k: v for k, v in FILES.items() if k != "alerts/river.md"}
    second = build_site(tmp_path, {**edited, "alerts/hearings.md":
                                   HEARINGS.replace("five minutes", "three minutes")})
    assert second.result.ok, second.messages
    pages = {page["url"]: page["content"] for page in fragments(second.output)}
    assert set(pages) == INDEXED - {"/alerts/limpien-el-rio/"}
    assert "three minutes before a judge" in pages["/alerts/protect-fair-asylum-hearings/"]
    assert "fund the clinic" in pages["/" + CLINIC].lower()
    assert not river.parent.exists() and not (copy / "alerts" / "gone").exists()
    assert sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*.html")) == sorted(
        url.strip("/") + "/index.html" for url in pages)


def test_a_site_without_alerts_has_a_search_page_without_an_index(tmp_path):
    built = build_site(tmp_path, {"pages/about.md": FILES["pages/about.md"]})
    assert built.result.ok, built.messages
    assert not (built.output / "pagefind").exists()
    soup = built.html("search/index.html")
    assert "No alert has been published yet." in soup.get_text()
    assert soup.select_one("[data-search]") is None and soup.select_one("script") is None


def test_search_addresses_come_from_the_settings(tmp_path):
    built = build_site(tmp_path, FILES, settings={
        "SEARCH_URL": "find/", "SEARCH_SAVE_AS": "find/index.html",
        "SEARCH_LANG_URL": "find/in/{lang}/", "SEARCH_LANG_SAVE_AS": "find/in/{lang}/index.html",
        "SEARCH_BUNDLE_URL": "static/find/"})
    assert built.result.ok, built.messages
    assert (built.output / "find/index.html").is_file()
    assert (built.output / "find/in/es/index.html").is_file()
    assert (built.output / "static/find/pagefind.js").is_file()
    assert not (built.output / "search").exists() and not (built.output / "pagefind").exists()
    soup = built.html("find/index.html")
    assert soup.select_one("[data-search]")["data-bundle"] == "../static/find/"
    rules = [line for line in (built.output / "_headers").read_text("utf-8").splitlines()
             if line.startswith("/")]
    assert rules[-1] == "/find/*"


@pytest.mark.parametrize(("key", "value"), [("SEARCH_URL", "find.html"),
                                            ("SEARCH_LANG_URL", "find/"),
                                            ("SEARCH_BUNDLE_URL", "/pagefind")])
def test_a_search_address_that_cannot_work_is_a_settings_error(key, value):
    settings = load_settings(ROOT / "pelicanconf.py", {key: value})
    with pytest.raises(SettingsError, match=re.escape(f"{key} = {value!r}")):
        SiteURLs(settings)
