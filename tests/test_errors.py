"""Writer mistakes: each is reported as path:line: field: message, all at once, and a
failed build writes nothing (tests/test_atomic.py: it leaves the previous output as it was)."""

from __future__ import annotations

import pytest
from conftest import EPOCH, MINIMAL_ALERT, ROOT, build_site, errors_of, run_cli, write_files
from photos import poster_photo


def alert(**replace: str) -> str:
    """MINIMAL_ALERT with some front-matter lines replaced (None drops the line)."""
    lines = MINIMAL_ALERT.split("\n")
    for key, value in replace.items():
        index = next(i for i, line in enumerate(lines) if line.startswith(key + ":"))
        lines[index] = value
    return "\n".join(line for line in lines if line is not None)


# file name → (text, expected "line: field: message fragment")
CASES = {
    "yaml-syntax": (alert(title="title: [unclosed"), ":3: front-matter: YAML syntax error"),
    "unknown-key": (alert(deadline="deadlnie: 2026-12-20"),
                    ":4: deadlnie: unknown field; did you mean deadline?"),
    "missing-targets": (alert(targets="tags: [x]"), ":1: targets: is required"),
    "wrong-type": (alert(targets="targets:\n  a: {name: x}\n  b: {name: y}"),
                   ":5: targets: is a mapping of mappings"),
    "this-friday": (alert(deadline="deadline: this Friday"),
                    ":4: deadline: 'this Friday' is not an ISO 8601 date"),
    "july-15th": (alert(deadline="deadline: July 15th"),
                  ":4: deadline: 'July 15th' is not an ISO 8601 date"),
    "est": (alert(deadline="deadline: 2026-12-15 17:00 EST"),
            ":4: deadline: '2026-12-15 17:00 EST' is not an ISO 8601 date (a zone abbreviation"),
    "unknown-zone": (alert(deadline="deadline: 2026-12-20\ntimezone: Mars/Olympus"),
                     ":5: timezone: 'Mars/Olympus' is not a known IANA time zone"),
    "dst-gap": (alert(date="date: 2026-01-01",
                      deadline="deadline: 2027-03-14T02:30\ntimezone: America/New_York"),
                ":4: deadline: 2027-03-14 02:30 does not exist in America/New_York"),
    "dst-overlap": (alert(date="date: 2026-01-01", deadline="deadline: 2026-11-01T01:30"),
                    ":4: deadline: 2026-11-01 01:30 happens twice in America/New_York"),
    "before-date": (alert(deadline="deadline: 2026-11-01"),
                    ":4: deadline: 2026-11-01T23:59:59-05:00 is not after the publication"),
    "javascript": (alert(actions="actions:\n  - label: Act now\n    url: javascript:alert(1)"),
                   ":8: actions: Act now: url: the javascript: scheme is not allowed"),
    "data-mixed-case": (alert(actions="actions:\n  - label: Act now\n    url: DaTa:text/html,x"),
                        ":8: actions: Act now: url: the data: scheme is not allowed"),
    "vbscript": (alert(actions="actions:\n  - label: Act now\n    url: vbscript:x"),
                 ":8: actions: Act now: url: the vbscript: scheme is not allowed"),
    "file": (alert(actions="actions:\n  - label: Act now\n    url: file:///etc/passwd"),
             ":8: actions: Act now: url: the file: scheme is not allowed"),
    "entity": (alert(actions="actions:\n  - label: Act now\n    url: javascript&#58;alert(1)"),
               ":8: actions: Act now: url: the link contains HTML entities"),
    "leading-space": (alert(actions="actions:\n  - label: Act now\n    url: '  javascript:x'"),
                      ":8: actions: Act now: url: the link contains spaces"),
    "missing-image": ("---\nimage: images/nope.jpg\nimage_alt: A photo.\n" + MINIMAL_ALERT[4:],
                      ":2: image: 'images/nope.jpg' does not exist under content/"),
    "not-an-image": ("---\nimage: images/fake.jpg\nimage_alt: A photo.\n" + MINIMAL_ALERT[4:],
                     ":2: image: 'images/fake.jpg' is not a JPEG, PNG or WebP image"),
    "no-alt": ("---\nimage: images/ok.jpg\n" + MINIMAL_ALERT[4:],
               ":2: image_alt: is required with image"),
    "unknown-merge-tag": (MINIMAL_ALERT + "\nHi [[Last_Name]]!\n",
                          ":14: body: unknown merge tag [[Last_Name]]"),
    "mailchimp-tag": (MINIMAL_ALERT + "\nHi *|FNAME|*!\n",
                      ":14: body: *|FNAME|* is an email merge tag"),
    "handlebars-tag": (MINIMAL_ALERT + "\nHi {{contact.first_name}}!\n",
                       ":14: body: {{contact.first_name}} is an email merge tag"),
    "percent-tag": (alert(title="title: Hi %%first_name%%, act"),
                    ":2: title: %%first_name%% is an email merge tag"),
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """One build of a site holding a good alert and every bad case at once."""
    root = tmp_path_factory.mktemp("broken")
    files = {"alerts/good.md": MINIMAL_ALERT.replace("title: Tell", "slug: good\ntitle: Tell"),
             "images/fake.jpg": b"<html>not a photo</html>",
             "images/ok.jpg": poster_photo(root / "ok.jpg", size=(400, 300)).read_bytes()}
    files.update({f"alerts/{name}.md": text for name, (text, _) in CASES.items()})
    return root, build_site(root, files).result


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_mistake_is_reported_with_its_line_and_field(broken, name):
    _root, result = broken
    expected = CASES[name][1]
    mine = errors_of(result, name)
    assert any(f"alerts/{name}.md{expected}" in message for message in mine), mine


def test_all_problems_are_reported_at_once_and_nothing_is_written(broken):
    root, result = broken
    assert not result.ok
    reported = {p.path.rsplit("/", 1)[1][:-3] for p in result.errors}
    assert reported == set(CASES)
    assert not (root / "output").exists()
    assert list(root.glob(".output.tmp-*")) == []


def test_duplicate_slugs_name_both_files(make_site):
    site = make_site({"alerts/a.md": MINIMAL_ALERT, "alerts/b.md": MINIMAL_ALERT,
                      "alerts/c.md": MINIMAL_ALERT.replace("title: Tell the council",
                                                           "title: TELL THE COUNCIL")})
    messages = [str(p) for p in site.result.errors]
    assert any("alerts/b.md:2: slug: 'tell-the-council-to-fund-the-clinic': " in m
               and "alerts/a.md has the same slug" in m for m in messages), messages


def test_a_file_that_is_not_utf8(make_site):
    site = make_site({"alerts/latin1.md": MINIMAL_ALERT.replace(
        "The clinic", "La clínica").encode("latin-1")})
    messages = [str(p) for p in site.result.errors]
    assert any("latin1.md:12: file: the file is not UTF-8 text (byte 0xed); save it as UTF-8"
               in m for m in messages), messages


def test_cli_build_exits_non_zero_and_prints_every_problem(tmp_path):
    write_files(tmp_path / "content", {
        "alerts/a.md": alert(deadline="deadline: this Friday"),
        "alerts/b.md": alert(title="title:"),
    })
    done = run_cli("build", "-s", str(ROOT / "pelicanconf.py"), "-i", str(tmp_path / "content"),
                   "-o", str(tmp_path / "output"), "--no-pdf", cwd=tmp_path,
                   env={"SOURCE_DATE_EPOCH": str(EPOCH)})
    assert done.returncode == 1
    assert "content/alerts/a.md:4: deadline: 'this Friday' is not an ISO 8601 date" in done.stderr
    assert "content/alerts/b.md:2: title: is empty; write the title" in done.stderr
    assert "Could not process" not in done.stderr
    assert "Build failed with 2 problem(s)" in done.stderr
    assert "Done: Processed" not in done.stdout + done.stderr  # Pelican's, for a good build
    assert not (tmp_path / "output").exists()


def test_make_check_counts_alerts_and_problems(tmp_path):
    write_files(tmp_path / "content", {
        "alerts/a.md": MINIMAL_ALERT,
        "alerts/b.md": alert(deadline="deadline: July 15th"),
    })
    done = run_cli("check", "-s", str(ROOT / "pelicanconf.py"), "-i",
                   str(tmp_path / "content"), "-o", str(tmp_path / "output"), cwd=tmp_path,
                   env={"SOURCE_DATE_EPOCH": str(EPOCH)})
    assert done.returncode == 1
    assert done.stdout.strip().endswith("2 alerts checked, 1 problem")
    assert not (tmp_path / "output").exists()
    write_files(tmp_path / "content", {"alerts/b.md": MINIMAL_ALERT.replace(
        "title: Tell", "slug: b\ntitle: Tell")})
    done = run_cli("check", "-s", str(ROOT / "pelicanconf.py"), "-i",
                   str(tmp_path / "content"), "-o", str(tmp_path / "output"), cwd=tmp_path,
                   env={"SOURCE_DATE_EPOCH": str(EPOCH)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("2 alerts checked, 0 problems")


def test_make_new_writes_a_template_that_checks_cleanly(tmp_path):
    done = run_cli("new", "--title", 'Tell Congress: "act" now', "-i",
                   str(tmp_path / "content"), cwd=tmp_path,
                   env={"SOURCE_DATE_EPOCH": str(EPOCH)})
    assert done.returncode == 0, done.stderr
    path = tmp_path / "content/alerts/2026-11-30-tell-congress-act-now.md"
    assert done.stdout.strip() == str(path)
    text = path.read_text()
    for field in ("title", "date", "deadline", "timezone", "targets", "actions", "summary",
                  "image", "image_alt", "image_caption", "share_text", "hashtags", "tags",
                  "author", "slug", "lang", "status"):
        assert f"{field}:" in text, field
    done = run_cli("check", "-s", str(ROOT / "pelicanconf.py"), "-i",
                   str(tmp_path / "content"), cwd=tmp_path,
                   env={"SOURCE_DATE_EPOCH": str(EPOCH)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 alert checked, 0 problems" in done.stdout
    again = run_cli("new", "--title", 'Tell Congress: "act" now', "-i",
                    str(tmp_path / "content"), cwd=tmp_path, env={"SOURCE_DATE_EPOCH": str(EPOCH)})
    assert again.returncode == 2 and "exists already" in again.stderr


def test_every_problem_inside_lists_is_reported_on_its_own_line(make_site):
    text = """\
---
title: Fund the clinic
date: 2026-11-20
targets:
  - name: City council
    emial: council@example.org
  - Mayor
  - name: Clinic board
    url: javascript:alert(1)
actions:
  - label: Click here
    url: javascript:alert(1)
  - label: Sign the petition
    url: https://example.org/sign
    kind: petiton
---

Body.
"""
    site = make_site({"alerts/a.md": text})
    messages = [str(p).split("alerts/a.md", 1)[1] for p in site.result.errors]
    assert messages == [
        ":6: targets: emial: unknown field; did you mean email?",
        ":9: targets: Clinic board: url: the javascript: scheme is not allowed; "
        "use one of https:, http:",
        ":11: actions: label 'Click here' says nothing out of context (screen readers list "
        "links by label); say what the action does, e.g. 'Call your representative'",
        ":12: actions: Click here: url: the javascript: scheme is not allowed; "
        "use one of https:, http:, mailto:, tel:",
        ":15: actions: Sign the petition: kind 'petiton' is not an action kind; did you mean "
        "petition? write one of call, email, letter, petition, donate, event, share, other",
    ]


#: What a foreign merge tag's error says to do instead.
KEEP_IT = ("replace it with plain words (e.g. 'friend'), or write it as [[NAME]] with NAME "
           "in ALERTS['merge_tags'] and a fallback: the page shows the fallback and the "
           "email edition keeps the tag")


def test_merge_tags_are_checked_in_every_front_matter_text(make_site):
    text = """\
---
title: Fund the clinic
date: 2026-11-20
share_text: "Hey [[First_Name]], sign this"
hashtags: [Clinic]
targets:
  - name: "Council member {{ contact.council }}"
actions:
  - label: "Sign, [[First_Name]]"
    url: "https://example.org/p?email=*|EMAIL|*"
---

Body.
"""
    site = make_site({"alerts/a.md": text})
    messages = [str(p).split("alerts/a.md", 1)[1] for p in site.result.errors]
    assert messages == [
        ":7: targets: {{ contact.council }} is an email merge tag and would show raw on the "
        "page; " + KEEP_IT,
        ":10: actions: *|EMAIL|* is an email merge tag and would show raw on the page; "
        + KEEP_IT,
    ]
    fixed = text.replace("Council member {{ contact.council }}", "Council member").replace(
        "?email=*|EMAIL|*", "")
    site = make_site({"alerts/a.md": fixed})
    assert site.result.ok, site.messages
    page = site.alert("fund-the-clinic")
    assert page.select_one("a.action").get_text() == "Sign, friend"
    assert "[[" not in (site.output / "alerts/fund-the-clinic/index.html").read_text()


@pytest.mark.parametrize(("siteurl", "words"), [
    ("", "SITEURL is not set, and a published site needs its public address"),
    ("act.example.net", "SITEURL='act.example.net' is not a site address"),
])
def test_publish_needs_a_real_siteurl(make_site, monkeypatch, siteurl, words):
    monkeypatch.setenv("SITEURL", siteurl)
    site = make_site({"alerts/a.md": MINIMAL_ALERT}, conf=ROOT / "publishconf.py")
    assert not site.result.ok
    assert len(site.result.failures) == 1 and words in site.result.failures[0]
    assert not site.output.exists()


def test_publish_with_siteurl_makes_absolute_links(make_site, monkeypatch):
    monkeypatch.setenv("SITEURL", "https://alerts.example.org")
    site = make_site({"alerts/a.md": MINIMAL_ALERT}, conf=ROOT / "publishconf.py")
    assert site.result.ok, site.messages
    page = site.alert("tell-the-council-to-fund-the-clinic")
    assert page.select_one('link[rel="canonical"]')["href"] == \
        "https://alerts.example.org/alerts/tell-the-council-to-fund-the-clinic/"
