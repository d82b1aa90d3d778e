"""Bad input never publishes: each case in tests/fixtures/bad/ gives `path:line: field: …`
and a failed build that leaves the previous output as it was, or a page where the
writer's text is only ever text.

A case is `fixtures/bad/<case>.md`, built as content/alerts/<case>.md beside a good
alert. Companions: `fixtures/bad/images/` is copied to content/images/, and a folder
`fixtures/bad/<case>/` is copied over content/ (for cases that need a second file).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import EPOCH, MINIMAL_ALERT, ROOT, build_site, run_cli, snapshot
from PIL import Image

from alerts.build.problems import display_path

BAD = Path(__file__).parent / "fixtures" / "bad"
EVIL = "\"Quote\" 'apos' <b>bold</b> </script><script>alert(1)</script> & more"
CODE_RAN = Path("/tmp/alerts-front-matter-ran-code")

#: case → (line, field, words the message must contain[, file the problem names]).
#: The line is the offending value's own, also inside a list of targets or actions.
ERRORS: dict[str, tuple] = {
    # YAML
    "yaml-syntax-error": (10, "front-matter", "YAML syntax error"),
    "yaml-duplicate-key": (10, "title", "given twice"),
    "yaml-python-object-tag": (10, "front-matter", "python/object/apply:os.system"),
    "yaml-local-tag": (10, "front-matter", "the YAML tag '!include' is not allowed"),
    "yaml-alias-bomb": (10, "front-matter", "aliases"),
    "yaml-not-a-mapping": (2, "front-matter", "write one `key: value` line per field"),
    "yaml-never-closed": (1, "front-matter", "never closed"),
    "yaml-second-document": (12, "front-matter", "a second `---` block"),
    "yaml-unknown-time-key": (10, "time", "unknown field"),
    # fields
    "field-misspelled-key": (10, "sumary", "did you mean summary?"),
    "field-targets-mapping-of-mappings": (5, "targets", "mapping of mappings"),
    "field-actions-string": (5, "actions", "write a list of actions"),
    "field-title-empty": (2, "title", "is empty"),
    "field-title-too-long": (2, "title", "keep it to 200"),
    "field-title-bidi-rlo": (2, "title", "U+202E"),
    "field-title-bidi-isolate": (2, "title", "U+2066, U+2069"),
    "field-label-bidi": (7, "actions", "U+202E"),
    "field-target-bidi": (5, "targets", "U+202B"),
    "field-required-missing": (1, "actions", "is required"),
    "field-action-unknown-kind": (9, "actions", "kind 'tweet' is not an action kind"),
    "field-action-label-here": (7, "actions", "says nothing out of context"),
    "escape-hashtag-markup": (10, "hashtags", "is not a hashtag"),
    # URLs
    "url-javascript": (8, "actions", "the javascript: scheme is not allowed"),
    "url-javascript-mixed-case": (8, "actions", "the javascript: scheme is not allowed"),
    "url-data": (8, "actions", "the data: scheme is not allowed"),
    "url-vbscript": (8, "actions", "the vbscript: scheme is not allowed"),
    "url-file": (8, "actions", "the file: scheme is not allowed"),
    "url-entity-encoded": (8, "actions", "HTML entities"),
    "url-entity-encoded-scheme": (8, "actions", "HTML entities"),
    "url-leading-whitespace": (8, "actions", "spaces"),
    "url-control-character": (8, "actions", "control characters"),
    "url-leading-control": (8, "actions", "control characters"),
    "url-protocol-relative": (8, "actions", "without a scheme (//host)"),
    "url-target-javascript": (7, "targets", "the javascript: scheme is not allowed"),
    "url-target-email-injection": (7, "targets", "is not an email address"),
    # merge tags
    "mergetag-unknown": (12, "body", "unknown merge tag [[Last_Name]]"),
    "mergetag-mailchimp-title": (2, "title", "*|FNAME|* is an email merge tag"),
    # images
    "image-not-an-image": (10, "image", "is not a JPEG, PNG or WebP image"),
    "image-truncated-jpeg": (10, "image", "truncated"),
    "image-decompression-bomb": (10, "image", "too large"),
    "image-svg": (10, "image", "is not a JPEG, PNG or WebP image"),
    "image-tiff": (10, "image", "is in TIFF format"),
    "image-eps": (10, "image", "is in EPS format"),
    "image-too-small": (10, "image", "150×120 pixels; a photo needs at least 200×200"),
    "image-outside-content": (10, "image", "outside the content folder"),
    "image-missing": (10, "image", "does not exist under content/"),
    "image-without-alt": (10, "image_alt", "is required with image"),
    # files
    "file-latin1": (2, "file", "not UTF-8"),
    "file-utf16": (1, "file", "UTF-16"),
    "file-empty": (1, "file", "the file is empty"),
    "file-blank": (1, "file", "the file is empty"),
    "file-nul-bytes": (1, "file", "NUL bytes"),
    "file-symlink-outside": (1, "file", "outside the content folder"),
    "file-slug-dotdot": (10, "slug", "'../../etc/passwd' is not a slug"),
    "file-slug-uppercase": (10, "slug", "is not a slug; use lower-case"),
    "file-slug-300-characters": (10, "slug", "keep it to 100"),
    "file-title-gives-no-slug": (2, "slug", "no usable slug"),
    "file-slug-case-collision": (2, "slug", "has the same slug", "zz-other.md"),
    # dates
    "date-dst-gap": (3, "date", "does not exist in America/New_York"),
    "date-dst-overlap": (4, "deadline", "happens twice in America/New_York"),
    "date-zone-abbreviation": (4, "deadline", "a zone abbreviation is ambiguous"),
    "date-timezone-abbreviation": (10, "timezone", "abbreviations are ambiguous"),
    "date-year-10000": (4, "deadline", "is not an ISO 8601 date"),
    "date-deadline-before-date": (4, "deadline", "is not after the publication date"),
    "date-not-a-real-day": (4, "deadline", "is not a real date"),
    "date-implicit-timestamp": (3, "date", "is not an ISO 8601 date"),
}

#: Cases that publish: checked by the test named test_safe_<case with _>.
SAFE = {"yaml-implicit-types", "escape-every-field", "body-raw-html", "body-dangerous-links",
        "url-lookalike-host", "url-label-names-other-host"}


def test_every_fixture_has_an_expectation():
    cases = {p.stem for p in BAD.glob("*.md")}
    assert cases == set(ERRORS) | SAFE
    assert len(cases) >= 40


# -- building a case ------------------------------------------------------------------

@pytest.fixture(scope="module")
def previous_output(tmp_path_factory) -> Path:
    """The output of a good build, built once: each case starts from a copy of it."""
    site = build_site(tmp_path_factory.mktemp("previous"), {"alerts/good.md": MINIMAL_ALERT})
    assert site.result.ok, site.messages
    return site.output


def place_case(case: str, content: Path) -> Path:
    """Copy the case (and its companions) into `content`; return the case's path there."""
    target = content / "alerts" / f"{case}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    (content / "alerts" / "good.md").write_text(MINIMAL_ALERT, "utf-8")
    if case == "file-symlink-outside":
        target.symlink_to(BAD / f"{case}.md")  # the fixture itself lies outside content/
    else:
        shutil.copyfile(BAD / f"{case}.md", target)
    shutil.copytree(BAD / "images", content / "images", dirs_exist_ok=True)
    if (BAD / case).is_dir():
        shutil.copytree(BAD / case, content, dirs_exist_ok=True)
    # A real photo just outside content/, which `image: ../../secret.jpg` must not reach.
    Image.new("RGB", (400, 300), "red").save(content.parent / "secret.jpg")
    return target


def build_case(case: str, root: Path, previous: Path | None, make_site):
    place_case(case, root / "content")
    if previous is not None:
        shutil.copytree(previous, root / "output")
    return make_site({}, root=root)


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_bad_case_is_reported_and_output_untouched(case, tmp_path, make_site,
                                                   previous_output, monkeypatch):
    monkeypatch.chdir(tmp_path)  # problems name paths relative to the working folder
    site = build_case(case, tmp_path, previous_output, make_site)
    line, field, words, *named = ERRORS[case]
    path = site.content / "alerts" / (named[0] if named else f"{case}.md")
    prefix = f"{display_path(str(path))}:{line}: {field}: "
    errors = [str(p) for p in site.result.errors]
    assert not site.result.ok
    assert any(e.startswith(prefix) and words in e for e in errors), \
        f"expected {prefix}…{words}… in:\n" + "\n".join(errors)
    for error in errors:  # every message says what is wrong and how to fix it
        assert "; " in error.split(": ", 2)[-1] or "?" in error, error
    assert snapshot(site.output) == snapshot(previous_output)
    assert not CODE_RAN.exists()


def test_a_folder_linked_from_outside_the_content_is_refused(tmp_path, monkeypatch):
    """A link to a folder elsewhere on the machine publishes none of its files, as a
    link to a single file does not (the folder's real path is what is checked)."""
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "linked.md").write_text(MINIMAL_ALERT.replace(
        "Tell the council", "Tell the mayor"), "utf-8")
    content = tmp_path / "content"
    (content / "alerts").mkdir(parents=True)
    (content / "alerts" / "good.md").write_text(MINIMAL_ALERT, "utf-8")
    (content / "alerts" / "more").symlink_to(elsewhere, target_is_directory=True)
    site = build_site(tmp_path, {})
    prefix = f"{display_path(str(content / 'alerts' / 'more' / 'linked.md'))}:1: file: "
    errors = [str(p) for p in site.result.errors]
    assert any(e.startswith(prefix) and "outside the content folder" in e
               for e in errors), errors
    assert not site.result.ok


# -- cases that publish a safe page ---------------------------------------------------

def build_safe(case, tmp_path, make_site, **settings):
    place_case(case, tmp_path / "content")
    site = make_site({}, root=tmp_path, settings=settings)
    assert site.result.ok, site.messages
    return site


def only_page(site, skip="tell-the-council-to-fund-the-clinic") -> BeautifulSoup:
    pages = [p for p in (site.output / "alerts").glob("*/index.html") if skip not in str(p)]
    assert len(pages) == 1, pages
    return BeautifulSoup(pages[0].read_text("utf-8"), "html.parser")


def test_safe_yaml_implicit_types(tmp_path, make_site):
    """`NO`, `12:30`, `010`, `0x1F`, `on` and `1e3` stay the text the writer typed."""
    site = build_safe("yaml-implicit-types", tmp_path, make_site)
    assert not site.result.warnings
    page = only_page(site, skip="clinic")
    assert page.h1.get_text() == "NO"
    assert page.find("meta", attrs={"name": "description"})["content"] == "12:30"
    assert [a.get_text() for a in page.select("p.tags a")] == ["010", "0x1F", "on", "1e3"]
    assert page.select_one("[data-share]")["data-text"] == "010"


def test_safe_escape_every_field(tmp_path, make_site):
    """Markup, quotes and </script> in every text field come out as text everywhere."""
    site = build_safe("escape-every-field", tmp_path, make_site,
                      SITEURL="https://alerts.example.org", RELATIVE_URLS=False)
    page = only_page(site, skip="clinic")
    # Only the theme's scripts: the JSON-LD block and two files.
    scripts = page.find_all("script")
    assert [s.get("type") or s.get("src") for s in scripts] == [
        "application/ld+json", "https://alerts.example.org/theme/js/alert.js",
        "https://alerts.example.org/theme/js/share.js"]
    assert not page.find_all("b")
    assert page.h1.get_text() == f"{EVIL} title"
    assert page.title.get_text().startswith(f"{EVIL} title")
    assert page.select_one(".targets strong").get_text() == f"{EVIL} target"
    assert f"{EVIL} role" in page.select_one(".targets li").get_text()
    assert page.select_one("a.action").get_text() == f"{EVIL} label"
    assert page.select_one("a.action")["href"] == 'https://example.org/sign?a=1&b="2"'
    assert page.select_one(".photo img")["alt"] == f"{EVIL} alt"
    assert page.select_one("figcaption").get_text() == f"{EVIL} caption"
    assert [a.get_text() for a in page.select("p.tags a")] == [f"{EVIL} tag"]
    meta = {m.get("property") or m.get("name"): m["content"] for m in page.find_all("meta")
            if m.get("content")}
    assert meta["og:title"] == meta["twitter:title"] == f"{EVIL} title"
    assert meta["description"] == meta["og:description"] == f"{EVIL} summary"
    tools = page.select_one("[data-share]")
    assert tools["data-title"] == f"{EVIL} title"
    assert tools["data-text"] == f"{EVIL} share"
    ld_text = scripts[0].string
    assert "</" not in ld_text and "<" not in ld_text
    ld = json.loads(ld_text)
    assert ld["headline"] == f"{EVIL} title"
    assert ld["description"] == f"{EVIL} summary"
    assert ld["keywords"] == [f"{EVIL} tag"]
    x = page.select_one("a.share-x")["href"]
    assert parse_qs(urlsplit(x).query)["text"] == [f"{EVIL} share"]
    email = page.select_one("a.share-email")["href"]
    assert parse_qs(urlsplit(email).query)["subject"] == [f"{EVIL} title"]
    # Lists, target pages and the feed carry the same text as text.
    for listing in ("index.html", "targets/index.html"):
        soup = site.html(listing)
        assert not soup.find_all("b")
        assert len(soup.find_all("script")) == 0 or all(
            s.get("type") == "application/ld+json" or s.get("src") for s in soup("script"))
    assert f"{EVIL} title" in [a.get_text() for a in site.html("index.html").select("h2 a")]


def test_safe_escape_every_field_in_the_feed(tmp_path, make_site):
    """The feed shows the title the writer typed: markup in it is text, not cut out."""
    site = build_safe("escape-every-field", tmp_path, make_site,
                      SITEURL="https://alerts.example.org", RELATIVE_URLS=False)
    # Our own build's output, not untrusted XML.
    feed = ElementTree.parse(site.output / "feeds/alerts.atom.xml").getroot()  # noqa: S314
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [t.text for t in feed.iter(f"{atom}title")]
    assert f"{EVIL} title" in titles


BODY_FORBIDDEN_TAGS = ("script", "style", "iframe", "object", "embed", "form", "input",
                       "button", "svg", "meta", "base", "link")


def _body(page: BeautifulSoup) -> BeautifulSoup:
    return page.select_one("div.body")


def test_safe_body_raw_html(tmp_path, make_site):
    """Raw HTML in the Markdown body is cut to the allow-list after rendering."""
    page = only_page(build_safe("body-raw-html", tmp_path, make_site), skip="clinic")
    body = _body(page)
    assert body.get_text(" ", strip=True).startswith("The river needs you.")
    for tag in BODY_FORBIDDEN_TAGS:
        assert not body.find_all(tag), tag
    for element in body.find_all(True):
        assert not [a for a in element.attrs if a.lower().startswith("on") or a == "style"], \
            element
    assert "alert(" not in str(body)
    assert body.find("img")["src"] == "escape-every-field.jpg"  # a clean copy beside the page


def test_safe_body_dangerous_links(tmp_path, make_site):
    """No javascript:, vbscript: or data: link survives, however it is written; links
    that survive get rel="noopener noreferrer" and never open a new tab."""
    page = only_page(build_safe("body-dangerous-links", tmp_path, make_site), skip="clinic")
    links = _body(page).find_all("a")
    assert len(links) == 10
    hrefs = [a.get("href") for a in links if a.get("href") is not None]
    assert hrefs == ["https://example.org/ok"]
    for a in links:
        assert a.get("rel") == ["noopener", "noreferrer"]
        assert not a.get("target")
    assert "javascript:" not in str(_body(page)).replace("&lt;javascript:", "")


@pytest.mark.parametrize("case, words", [
    ("url-lookalike-host", "non-Latin letters that can imitate another site"),
    ("url-label-names-other-host", "the label names whitehouse.gov but the link goes to "
                                   "evil.example"),
])
def test_safe_lookalike_links_are_warned(case, words, tmp_path, make_site, monkeypatch):
    monkeypatch.chdir(tmp_path)
    site = build_safe(case, tmp_path, make_site)
    warnings = [str(w) for w in site.result.warnings]
    prefix = f"{display_path(str(site.content / 'alerts' / f'{case}.md'))}:6: warning: actions: "
    assert any(w.startswith(prefix) and words in w for w in warnings), warnings


# -- the real command line --------------------------------------------------------------

@pytest.mark.parametrize("case", ["yaml-python-object-tag", "url-javascript", "file-utf16"])
def test_cli_exit_code_and_stderr(case, tmp_path, previous_output):
    content = tmp_path / "content"
    place_case(case, content)
    shutil.copytree(previous_output, tmp_path / "output")
    before = snapshot(tmp_path / "output")
    done = run_cli("build", "-s", str(ROOT / "pelicanconf.py"), "-i", "content",
                   "-o", "output", "--no-pdf", cwd=tmp_path,
                   env={"SOURCE_DATE_EPOCH": str(EPOCH)})
    line, field, words = ERRORS[case]
    assert done.returncode == 1, done.stderr
    assert f"content/alerts/{case}.md:{line}: {field}: " in done.stderr
    assert words in done.stderr
    assert "Traceback" not in done.stderr
    assert "output was left as it was" in done.stderr
    assert snapshot(tmp_path / "output") == before


# -- configuration --------------------------------------------------------------------

def test_config_invalid_card_colour_fails_the_build(make_site):
    site = make_site({"alerts/good.md": MINIMAL_ALERT},
                     settings={"SOCIAL_CARDS": {"background_color": "navy-ish"}})
    assert not site.result.ok
    assert any("SOCIAL_CARDS['background_color']" in f and "'navy-ish' is not a colour" in f
               for f in site.result.failures), site.messages
    assert not site.output.exists()


def test_config_output_inside_content_is_refused(tmp_path, make_site):
    site = make_site({"alerts/good.md": MINIMAL_ALERT}, root=tmp_path,
                     settings={"OUTPUT_PATH": str(tmp_path / "content" / "output")})
    assert not site.result.ok
    assert any("is inside the content folder" in f and "OUTPUTDIR=output" in f
               for f in site.result.failures), site.messages
    assert not (tmp_path / "content" / "output").exists()


def test_cli_output_inside_content_exits_non_zero(tmp_path):
    (tmp_path / "content" / "alerts").mkdir(parents=True)
    (tmp_path / "content" / "alerts" / "good.md").write_text(MINIMAL_ALERT, "utf-8")
    done = run_cli("build", "-s", str(ROOT / "pelicanconf.py"), "-i", "content",
                   "-o", "content/site", "--no-pdf", cwd=tmp_path)
    assert done.returncode != 0
    assert "inside the content folder" in done.stderr
    assert "Traceback" not in done.stderr


def test_safe_escape_every_field_on_the_card_and_in_the_pdf(tmp_path, make_site):
    """The writer's markup reaches the card drawing and the PDF as the same literal text."""
    from pypdf import PdfReader

    from alerts.build import state as buildstate
    from sharing.cards import fonts as cardfonts
    from sharing.cards import jobs as cardjobs

    place_case("escape-every-field", tmp_path / "content")
    site = make_site({}, root=tmp_path, pdf=True)
    assert site.result.ok, site.messages
    state = buildstate.current()
    [alert] = [a for a in state.alerts if a.source_path.endswith("escape-every-field.md")]
    layout = cardjobs.layout_for(state.settings)
    spec = cardjobs.alert_spec(alert, state.settings, layout,
                               cardfonts.font_dirs(state.settings["THEME"]))
    assert spec.title == f"{EVIL} title"
    assert (f"To: {EVIL} target", "text_color") in spec.lines
    pdf = next((site.output / alert.url).glob("*.pdf"))
    reader = PdfReader(pdf)
    # Compared without white space: the PDF may break a long line after "</".
    text = "".join("".join(page.extract_text() or "" for page in reader.pages).split())
    for field in ("title", "target", "label", "caption"):
        assert "".join(f"{EVIL} {field}".split()) in text, field
    assert reader.metadata.title == f"{EVIL} title"
