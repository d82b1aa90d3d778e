"""The theme's CSS and JS are served without comments or spare white space, and the
commented sources in theme/static are never touched."""

from __future__ import annotations

import rcssmin
import rjsmin
from conftest import MINIMAL_ALERT, ROOT, build_site

STATIC = ROOT / "theme" / "static"


def test_served_css_and_js_are_the_minified_sources(tmp_path):
    sources = {p.relative_to(STATIC): p.read_bytes() for p in STATIC.rglob("*")
               if p.suffix in (".css", ".js")}
    site = build_site(tmp_path, {"alerts/clinic.md": MINIMAL_ALERT})
    assert site.result.ok, site.messages
    served = site.output / "theme"
    for rel, source in sources.items():
        text = source.decode("utf-8")
        minify = rcssmin.cssmin if rel.suffix == ".css" else rjsmin.jsmin
        assert (served / rel).read_text("utf-8") == minify(text).strip() + "\n", rel
        assert "/*" not in (served / rel).read_text("utf-8"), f"{rel} keeps a comment"
        assert len((served / rel).read_bytes()) < len(source), rel
        assert (STATIC / rel).read_bytes() == source, f"{rel}: the source was written to"


def test_pages_link_the_served_files(tmp_path):
    site = build_site(tmp_path, {"alerts/clinic.md": MINIMAL_ALERT})
    page = site.alert("tell-the-council-to-fund-the-clinic")
    links = [link["href"] for link in page.select('link[rel="stylesheet"]')]
    scripts = [script["src"] for script in page.select("script[src]")]
    assert links and scripts
    for href in links + scripts:
        path = href.split("/theme/", 1)[1]
        assert (site.output / "theme" / path).is_file(), href
