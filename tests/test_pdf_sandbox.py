"""WeasyPrint reads only the built site and theme: refusals fail the build and name the file.

A writer's Markdown never reaches the PDF step with such HTML (the body is cut to an
allow-list, its images are checked), so each case here is HTML that a changed template
writes into one alert's page (conftest.hooked_templates), in a real build: one build holds
every case that must be refused, another those that must be allowed. The files some cases
need beside the page (a corrupt image, a link out of the site, an attachment) are written
there as soon as Pelican has written the page, as another plugin could (`planted`).
"""

from __future__ import annotations

import socket
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import MINIMAL_ALERT, build_site, tool
from pelican import signals
from photos import poster_photo
from pypdf import PdfReader

from printpdf.pdfcache import PdfCache

#: slug -> (HTML in the page's <head>, HTML in its <article>): refused, failing the build.
REFUSED = {
    "file-image": ("", '<img src="file:///etc/passwd" alt="">'),
    "file-import": ("", '<style>@import url("file:///etc/passwd");</style>'),
    "file-stylesheet": ('<link rel="stylesheet" media="print" href="file:///etc/passwd">', ""),
    "network-image": ("", '<img src="{listener}/x.png" alt="">'),
    "network-stylesheet": ('<link rel="stylesheet" media="print" href="{listener}/x.css">', ""),
    "discard-port": ('<link rel="stylesheet" media="print" href="http://127.0.0.1:9/print.css">',
                     ""),
    "missing-image": ("", '<img src="missing.jpg" alt="">'),
    "broken-image": ("", '<img src="broken.jpg" alt="">'),
    "symlink": ("", '<img src="link.jpg" alt="">'),
    "dot-dot": ("", '<img src="%2e%2e/%2e%2e/%2e%2e/etc/passwd" alt="">'),
}
#: Files written beside an alert's page once the page is written, before its PDF:
#: bytes, or a Path for a symbolic link to it.
PLANTED = {
    "broken-image": {"broken.jpg": b"not a JPEG at all"},
    "symlink": {"link.jpg": Path("/etc/passwd")},
    "attachments": {"secret.txt": b"do not embed"},
}
ALLOWED = {
    "attachments": ('<link rel="attachment" href="secret.txt" title="Secret">'
                    '<link rel="attachment" href="file:///etc/passwd">',
                    '<p><a rel="attachment" href="secret.txt">a link</a></p>'
                    '<object data="secret.txt"></object><embed src="secret.txt">'),
    "site-files": ("", '<img src="photo.jpg" alt="">'
                       '<img src="../../alerts/site-files/photo.jpg?v=2" alt="">'
                       '<img alt="" src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/'
                       '2000/svg%22%20width=%2210%22%20height=%2210%22/%3E">'),
}


def alert(slug: str, photo: bool = False) -> str:
    text = MINIMAL_ALERT.replace("---\ntitle:", f"---\nslug: {slug}\ntitle:", 1)
    if photo:
        text = text.replace("targets:", "image: images/photo.jpg\nimage_alt: A photo.\n"
                                        "targets:", 1)
    return text


@contextmanager
def planted(files: dict[str, dict[str, bytes | Path]]):
    """While the block runs, each build writes `files` beside the alert pages they name,
    as soon as Pelican has written the page (as any plugin could)."""
    def plant(path, context=None):
        page = Path(path)
        if page.name != "index.html" or page.parent.parent.name != "alerts":
            return
        for name, data in files.get(page.parent.name, {}).items():
            if isinstance(data, Path):
                (page.parent / name).symlink_to(data)
            else:
                (page.parent / name).write_bytes(data)

    signals.content_written.connect(plant)
    try:
        yield
    finally:
        signals.content_written.disconnect(plant)


def build_cases(root: Path, cases: dict[str, tuple[str, str]], theme: dict, extra=None):
    files = {f"alerts/{slug}.md": alert(slug, photo=slug == "site-files") for slug in cases}
    settings = {"PDF": {"workers": 1}, "SOCIAL_CARDS": {"enabled": False},
                "TEST_HEAD": {slug: head for slug, (head, _) in cases.items()},
                "TEST_BODY": {slug: body for slug, (_, body) in cases.items()}, **theme}
    with planted(PLANTED):
        return build_site(root, {**files, **(extra or {})}, pdf=True, settings=settings)


@pytest.fixture(scope="module")
def theme(hooked_theme, compiled_templates) -> dict:
    """The settings of both builds' theme: its alert.html writes TEST_HEAD and TEST_BODY."""
    return {**hooked_theme, **compiled_templates}


@pytest.fixture(scope="module")
def listener():
    """A local TCP port that records whether anything connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server
    server.close()


def connected(server) -> bool:
    try:
        server.accept()[0].close()
    except BlockingIOError:
        return False
    return True


def url_of(server) -> str:
    return f"http://127.0.0.1:{server.getsockname()[1]}"


@pytest.fixture(scope="module")
def refused(tmp_path_factory, listener, theme):
    """One build of an alert per refused case; returns the site and its errors by slug."""
    cases = {slug: (head.format(listener=url_of(listener)), body.format(listener=url_of(listener)))
             for slug, (head, body) in REFUSED.items()}
    site = build_cases(tmp_path_factory.mktemp("refused"), cases, theme)
    errors = {slug: [str(p) for p in site.result.errors if p.path.endswith(f"/{slug}.md")]
              for slug in REFUSED}
    return site, errors


@pytest.fixture(scope="module")
def allowed(tmp_path_factory, theme):
    root = tmp_path_factory.mktemp("allowed")
    photo = poster_photo(root / "photo.jpg", size=(300, 200)).read_bytes()
    site = build_cases(root, ALLOWED, theme, {"images/photo.jpg": photo})
    assert site.result.ok, site.messages
    return site


def error_of(refused, slug) -> str:
    """The one error of a case, after checking that the case has no PDF."""
    site, errors = refused
    assert len(errors[slug]) == 1, errors[slug]
    assert errors[slug][0].split(".md:", 1)[1].startswith("1: pdf: the PDF could not be made: ")
    assert not PdfCache(site.root / "cache" / "pdfs", {}).path(f"alerts/{slug}/").exists()
    return errors[slug][0]


def test_every_refusal_fails_the_build_and_publishes_nothing(refused):
    site, errors = refused
    assert not site.result.ok and not site.output.exists()
    assert [str(p) for p in site.result.errors] == [e for slug in sorted(errors)
                                                    for e in errors[slug]]


@pytest.mark.parametrize("slug", ["file-image", "file-import"])
def test_local_file_outside_the_site_is_refused(refused, slug):
    error = error_of(refused, slug)
    assert f"alerts/{slug}.md:1: pdf: " in error
    assert "file:///etc/passwd: is outside the built site and theme" in error


def test_stylesheet_outside_the_site_is_refused(refused):
    assert "cannot fetch file:///etc/passwd" in error_of(refused, "file-stylesheet")


@pytest.mark.parametrize("where", ["image", "stylesheet"])
def test_network_is_never_fetched(refused, listener, where):
    error = error_of(refused, f"network-{where}")
    assert f"{url_of(listener)}/x." in error and "never fetch from the network" in error
    assert not connected(listener)


def test_discard_port_url_is_refused_before_any_connection(refused):
    assert "http://127.0.0.1:9/print.css: is not part of this site" in error_of(
        refused, "discard-port")


def test_missing_image_fails_the_build_and_names_it(refused):
    assert "/alerts/missing-image/missing.jpg: does not exist in the built site" in error_of(
        refused, "missing-image")


def test_unreadable_image_does_not_silently_vanish(refused):
    assert "broken.jpg" in error_of(refused, "broken-image")


def test_symlink_out_of_the_site_is_refused(refused):
    assert "/alerts/symlink/link.jpg: leads outside the built site" in error_of(
        refused, "symlink")


def test_encoded_dot_dot_cannot_climb_out(refused):
    assert "outside the built site" in error_of(refused, "dot-dot")


def test_content_attachments_are_not_embedded(allowed):
    folder = allowed.output / "alerts" / "attachments"
    assert (folder / "secret.txt").exists()  # there to be embedded, and it is not
    assert 'rel="attachment"' in (folder / "index.html").read_text("utf-8")
    pdf = folder / "attachments.pdf"
    assert PdfReader(pdf).attachments == {}
    assert b"/EmbeddedFiles" not in pdf.read_bytes()
    assert b"/FileAttachment" not in pdf.read_bytes()
    assert "0 embedded files" in tool("pdfdetach", "-list", str(pdf))
    assert "a link" in tool("pdftotext", str(pdf), "-")


def test_files_of_the_site_and_data_urls_are_allowed(allowed):
    pdf = allowed.output / "alerts" / "site-files" / "site-files.pdf"
    # The alert's own photo, then in the body the same file twice (the second by a longer
    # way, with a query) and a data: URL (an SVG, drawn as vectors).
    assert len(tool("pdfimages", "-list", str(pdf)).splitlines()[2:]) == 3
    assert PdfCache(allowed.root / "cache" / "pdfs", {}).path("alerts/site-files/").exists()
