"""Security headers: every page's CSP and referrer meta, safe new-tab links, and the
`_headers` / nginx files that carry the same policies plus what only a header can say."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from conftest import MINIMAL_ALERT, ROOT, build_site
from photos import poster_photo

from alerts.build.staging import load_settings
from alerts.site import headers
from alerts.site.headers import CONTENT_SECURITY_POLICY, SEARCH_CONTENT_SECURITY_POLICY
from alerts.site.urls import SiteURLs

PAGE = {
    "alerts/clinic.md": MINIMAL_ALERT,
    "alerts/park.md": """\
---
title: Save the park
date: 2026-11-21T09:00
deadline: 2026-12-21T17:00
targets:
  - name: Parks board
    url: https://parks.example.org/board
    phone: +1 202-555-0100
actions:
  - label: Call the parks board
    url: tel:+12025550100
    kind: call
  - label: Sign the petition
    url: https://example.org/sign
    kind: petition
image: images/park.jpg
image_alt: Children playing in the park
tags: [parks]
---

The park closes unless the board acts. [Read the plan](https://example.org/plan).

<a href="https://example.org/x" target="_blank">opens a new tab</a>
""",
    "pages/about.md": "---\ntitle: About us\n---\n\nWe write alerts.\n",
}


def directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def test_policy_is_strict():
    csp = directives(CONTENT_SECURITY_POLICY)
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    for directive in ("script-src", "style-src", "default-src"):
        sources = csp.get(directive, ["'self'"])
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
        assert not [s for s in sources if s in ("*", "https:", "http:", "data:")], directive


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("headers")
    photo = poster_photo(root / "park.jpg", size=(800, 500)).read_bytes()
    built = build_site(root, {**PAGE, "images/park.jpg": photo})
    assert built.result.ok, built.messages
    return built.output


def pages(output):
    found = sorted(output.rglob("*.html"))
    assert len(found) >= 8  # alerts, index, archive, tags, targets, page, 404
    return [(p, BeautifulSoup(p.read_text("utf-8"), "html.parser")) for p in found]


def test_every_page_has_the_policy_metas(site):
    for path, soup in pages(site):
        csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        # The search page alone may run WebAssembly (tests/test_search.py).
        search = path.relative_to(site).parts[0] == "search"
        policy = SEARCH_CONTENT_SECURITY_POLICY if search else CONTENT_SECURITY_POLICY
        assert csp is not None and csp["content"] == policy, path
        # The meta must come before anything it governs.
        first = soup.head.find(["script", "link", "style", "img"])
        assert first is None or csp.sourceline < first.sourceline, path
        referrer = soup.find("meta", attrs={"name": "referrer"})
        assert referrer is not None, path
        assert referrer["content"] in ("same-origin", "no-referrer", "strict-origin",
                                       "strict-origin-when-cross-origin"), path


def test_pages_need_nothing_the_policy_forbids(site):
    """No inline script (JSON-LD is data, not script), no inline style, no handlers,
    nothing loaded from another site."""
    for path, soup in pages(site):
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":
                continue
            assert script.get("src") and not script.string, (path, script)
            assert not re.match(r"^(https?:)?//", script["src"]), (path, script)
        assert not soup.find_all("style"), path
        for element in soup.find_all(True):
            assert "style" not in element.attrs, (path, element.name)
            assert not [a for a in element.attrs if a.lower().startswith("on")], (path, element)
        for element in soup.find_all(["link", "img", "iframe", "object", "embed"]):
            ref = element.get("src") or element.get("href") or ""
            if element.name == "link" and element.get("rel") in (["canonical"], ["alternate"]):
                continue
            assert not re.match(r"^(https?:)?//", ref), (path, element)


def test_new_tab_links_cannot_reach_back(site):
    """Every link that opens a new tab has rel="noopener noreferrer"; so does every link
    to another site."""
    checked = 0
    for path, soup in pages(site):
        for a in soup.find_all("a", href=True):
            if a.get("target") or re.match(r"^https?://", a["href"]):
                rel = set(a.get("rel") or [])
                assert {"noopener", "noreferrer"} <= rel, (path, a)
                checked += 1
    assert checked >= 5


def test_build_writes_headers_files(site):
    # The embed pages' and search pages' own rules follow the site-wide one
    # (tests/test_embeds.py, tests/test_search.py).
    urls = SiteURLs(load_settings(ROOT / "pelicanconf.py"))
    framed, search = urls.embed_patterns(), urls.search_patterns()
    assert (site / "_headers").read_text("utf-8") == headers.netlify_headers(
        headers.policies(), framed, search)
    assert (site / "nginx-headers.conf").read_text("utf-8") == headers.nginx_snippet(
        headers.policies(), framed, search)


def _parse_netlify(text: str) -> dict[str, str]:
    lines = text.splitlines()
    assert lines[0] == "/*"
    assert all(line.startswith("  ") for line in lines[1:])
    return dict(line.strip().split(": ", 1) for line in lines[1:])


def test_headers_file_formats(tmp_path):
    # A site with no embed or search pages: the site-wide rule alone.
    headers.write_headers(SimpleNamespace(output_path=tmp_path / "out",
                                          urls=SimpleNamespace(embed_patterns=list,
                                                               search_patterns=list)))
    netlify = _parse_netlify((tmp_path / "out" / "_headers").read_text("utf-8"))
    nginx = {}
    for line in (tmp_path / "out" / "nginx-headers.conf").read_text("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        match = re.fullmatch(r'add_header ([A-Za-z-]+) "([^"\\]*)" always;', line)
        assert match, line
        nginx[match.group(1)] = match.group(2)
    assert netlify == nginx
    csp = directives(netlify["Content-Security-Policy"])
    assert directives(CONTENT_SECURITY_POLICY).items() <= csp.items()
    assert csp["frame-ancestors"] == ["'none'"]
    assert netlify["X-Content-Type-Options"] == "nosniff"
    assert netlify["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin",
                                          "strict-origin-when-cross-origin")
    permissions = netlify["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation"):
        assert f"{feature}=()" in permissions


def test_nginx_refuses_a_value_it_cannot_quote():
    with pytest.raises(ValueError, match="nginx"):
        headers.nginx_snippet([("X-Test", 'say "hi"')])
