"""The email editions of the last build are kept and reused: a rebuild renders only the
emails whose alert, settings, templates or stylesheet changed, and the files are the ones
a build without the cache writes."""

from __future__ import annotations

import logging
import re
import shutil

import pytest

from tests.conftest import EPOCH, MINIMAL_ALERT, ROOT, build_site, replace_once

SITE = "https://alerts.example.org"
PUBLISH = {"conf": ROOT / "publishconf.py", "env": {"SITEURL": SITE}}
ONE = replace_once(MINIMAL_ALERT, "title: Tell", "slug: one\ntitle: Tell")
TWO = replace_once(replace_once(MINIMAL_ALERT, "title: Tell", "slug: two\ntitle: Ask"),
                   "The clinic closes", "Dear [[First_Name]], the clinic closes")
FILES = {"alerts/one.md": ONE, "alerts/two.md": TWO}
_LINE = re.compile(r"alerts: email: (\d+) rendered, (\d+) reused")


@pytest.fixture
def build(tmp_path, caplog):
    """Build FILES (with `changes`) into the same folder, cache and all; returns the site
    and (rendered, reused) from the step's log line."""
    def run(changes=None, settings=None, epoch=EPOCH):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="alerts.site.emailedition"):
            site = build_site(tmp_path / "site", {**FILES, **(changes or {})},
                              settings=settings, epoch=epoch, **PUBLISH)
        assert site.result.ok, site.messages
        [counts] = _LINE.findall(caplog.text)
        return site, tuple(map(int, counts))

    return run


def emails(site) -> dict[str, bytes]:
    return {p.relative_to(site.output).as_posix(): p.read_bytes()
            for p in sorted((site.output / "alerts").rglob("email.*"))}


def test_a_rebuild_with_nothing_changed_renders_no_email(build):
    first, counts = build()
    assert counts == (2, 0)
    written = emails(first)
    again, counts = build()
    assert counts == (0, 2)
    assert emails(again) == written and len(written) == 4


def test_editing_one_alert_renders_only_its_email(build):
    written = emails(build()[0])
    site, counts = build({"alerts/two.md": TWO.replace("Ask", "Urge")})
    assert counts == (1, 1)
    assert "Urge the council" in (site.output / "alerts/two/email.html").read_text("utf-8")
    assert emails(site)["alerts/one/email.html"] == written["alerts/one/email.html"]


def test_a_new_merge_syntax_renders_every_email_again(build):
    build()
    site, counts = build(settings={"EMAIL": {"merge_syntax": "mailchimp"}})
    assert counts == (2, 0)
    assert "Dear *|First_Name|*" in (site.output / "alerts/two/email.html").read_text("utf-8")


def test_a_tag_renamed_with_the_same_fallback_renders_again(build):
    tags = {"ALERTS": {"merge_tags": {"First_Name": "friend", "Name": "friend"}}}
    build(settings=tags)
    site, counts = build({"alerts/two.md": TWO.replace("[[First_Name]]", "[[Name]]")},
                         settings=tags)
    assert counts == (1, 1)  # the page reads "Dear friend" either way; the email does not
    assert "Dear [[Name]]" in (site.output / "alerts/two/email.html").read_text("utf-8")


def test_an_edited_email_stylesheet_renders_every_email_again(build, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    build(settings={"THEME": str(theme)})
    css = theme / "templates" / "email.css"
    css.write_text(css.read_text("utf-8") + "\nh1 { letter-spacing: 1px; }\n", "utf-8")
    site, counts = build(settings={"THEME": str(theme)})
    assert counts == (2, 0)
    assert "letter-spacing: 1px" in (site.output / "alerts/one/email.html").read_text("utf-8")


def test_kept_editions_are_the_files_a_fresh_build_writes(build, tmp_path):
    build()
    cached, _ = build(epoch=EPOCH + 3600)
    fresh = build_site(tmp_path / "fresh", FILES, epoch=EPOCH + 3600, **PUBLISH)
    assert emails(cached) == emails(fresh)
    # Only this build's editions are kept.
    kept = sorted(p.suffix for p in (tmp_path / "site" / "cache" / "email").iterdir()
                  if p.name != "manifest.json")
    assert kept == [".html", ".html", ".txt", ".txt"]
