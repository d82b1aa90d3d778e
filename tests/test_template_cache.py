"""The theme's compiled templates are kept in the cache between builds: a rebuild compiles
none of them, an edited template is compiled again, and other Jinja options get their own
compiled code."""

from __future__ import annotations

import jinja2
import pytest
from conftest import MINIMAL_ALERT, ROOT, build_site

FILES = {"alerts/clinic.md": MINIMAL_ALERT}


@pytest.fixture
def compiles(monkeypatch):
    """The names of the templates Jinja compiles from source."""
    names: list[str] = []
    compile_ = jinja2.Environment.compile

    def watched(self, source, name=None, filename=None, *args, **kwargs):
        names.append(name)
        return compile_(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", watched)
    return names


def _folders(root):
    return sorted(p.name for p in (root / "cache" / "templates").iterdir())


def test_a_rebuild_compiles_no_template(tmp_path, compiles):
    first = build_site(tmp_path, FILES)
    assert first.result.ok, first.messages
    assert "alert.html" in compiles and "base.html" in compiles
    page = (first.output / "alerts" / "tell-the-council-to-fund-the-clinic" / "index.html")
    before = page.read_bytes()
    compiles.clear()
    second = build_site(tmp_path, FILES)
    assert second.result.ok, second.messages
    assert compiles == []
    assert page.read_bytes() == before
    assert len(_folders(tmp_path)) == 1


def test_an_edited_template_is_compiled_again(tmp_path, compiles):
    override = tmp_path / "templates"
    override.mkdir()
    text = (ROOT / "theme" / "templates" / "404.html").read_text("utf-8")
    (override / "404.html").write_text(text, "utf-8")
    settings = {"THEME_TEMPLATES_OVERRIDES": [str(override)]}
    assert build_site(tmp_path, FILES, settings=settings).result.ok
    (override / "404.html").write_text(text.replace("{% block content %}",
                                                    "{% block content %}<p>Edited 404</p>", 1),
                                       "utf-8")
    compiles.clear()
    site = build_site(tmp_path, FILES, settings=settings)
    assert site.result.ok, site.messages
    assert compiles == ["404.html"]
    assert "Edited 404" in (site.output / "404.html").read_text("utf-8")


def test_other_jinja_options_keep_their_own_compiled_code(tmp_path, compiles):
    assert build_site(tmp_path, FILES).result.ok
    options = {"trim_blocks": False, "lstrip_blocks": False, "autoescape": True}
    compiles.clear()
    site = build_site(tmp_path, FILES, settings={"JINJA_ENVIRONMENT": options})
    assert site.result.ok, site.messages
    assert "alert.html" in compiles  # not the code compiled with trim_blocks on
    assert len(_folders(tmp_path)) == 2
