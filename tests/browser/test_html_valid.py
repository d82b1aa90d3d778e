"""Gate: the Nu Html Checker finds no error in any built HTML, CSS or SVG file."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.harness import NODE_MODULES

pytestmark = pytest.mark.browser

VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHECKED = ("*.html", "*.css", "*.svg")


def _files(*folders: Path) -> list[str]:
    # Named one by one: given a folder, vnu also reads feeds, images and PDFs as HTML.
    return sorted(str(p) for folder in folders for pattern in CHECKED
                  for p in folder.rglob(pattern))


def test_every_built_page_and_stylesheet_is_valid(dev_site, published):
    """Both the development build (relative URLs) and the published one (absolute URLs,
    canonical links, PDF links) are checked, in one run of the checker."""
    java = shutil.which("java")
    assert java, "java is missing: `make test-tools` installs default-jre-headless"
    assert VNU.is_file(), f"{VNU} is missing: run `make test-tools` (npm ci)"
    files = _files(dev_site, published.directory)
    assert any(f.endswith(".css") for f in files) and len(files) > 20, files
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json",
         "--also-check-css", "--also-check-svg", *files],
        capture_output=True, text=True, timeout=180, check=False)
    report = json.loads(run.stderr or run.stdout)
    errors = [m for m in report["messages"] if m["type"] in ("error", "non-document-error")]
    print(f"vnu {report['version']}: {len(files)} files checked, {len(errors)} errors")
    assert errors == [], "\n".join(
        f"{m.get('url', '?')}:{m.get('lastLine', '?')}: {m['message']}" for m in errors)
    assert run.returncode == 0, run.stderr[-2000:]
