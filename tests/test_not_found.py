"""The 404 page works at whatever address it is sent for: in a preview build (relative
links) its stylesheets, scripts and links start at the site's root; in a publish build
they are absolute."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from conftest import MINIMAL_ALERT, ROOT, build_site

from alerts.preview.serve import site_server


def _links(page: str) -> list[str]:
    soup = BeautifulSoup(page, "html.parser")
    return [tag.get("href") or tag.get("src") for tag in soup.select("[href], [src]")
            if not (tag.get("href") or tag.get("src")).startswith(("#", "mailto:"))]


def test_the_preview_404_page_loads_its_files_from_any_address(tmp_path):
    site = build_site(tmp_path, {"alerts/a.md": MINIMAL_ALERT})
    assert site.result.ok, site.messages
    server = site_server(site.output, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        missing = base + "/alerts/no-such-alert/letters/"
        with pytest.raises(urllib.error.HTTPError) as sent:
            urllib.request.urlopen(missing, timeout=10)
        assert sent.value.code == 404
        links = _links(sent.value.read().decode("utf-8"))
        assert any(link.endswith("/theme/css/site.css") for link in links), links
        for link in links:
            assert link.startswith("/"), link
            with urllib.request.urlopen(urljoin(missing, link), timeout=10) as response:
                assert response.status == 200, link
    finally:
        server.shutdown()
        server.server_close()


def test_the_published_404_page_links_absolutely(tmp_path):
    site = build_site(tmp_path, {"alerts/a.md": MINIMAL_ALERT}, conf=ROOT / "publishconf.py",
                      env={"SITEURL": "https://alerts.example.org"})
    assert site.result.ok, site.messages
    links = _links((site.output / "404.html").read_text("utf-8"))
    assert links and all(link.startswith("https://alerts.example.org/") for link in links), links
