"""WeasyPrint reads only the built site and theme: refusals fail the build and name the file."""

from __future__ import annotations

import socket

import pytest
from pypdf import PdfReader

from tests.fixtures.pdf.sitebuild import build, make_alert, make_photo, settings, tool, write_site


def build_with(tmp_path, *, extra_head="", body="", prepare=None, **kwargs):
    """Build one alert whose page carries the given HTML; return (problem texts, pdf path)."""
    alert = make_alert("sandbox")
    conf = settings(tmp_path, workers=1)
    output = tmp_path / "output"
    write_site(output, [alert], conf, extra_head=extra_head, body=body, **kwargs)
    if prepare:
        prepare(output / "alerts" / "sandbox")
    _, problems = build(output, [alert], conf)
    return [str(p) for p in problems.errors], output / "alerts" / "sandbox" / "sandbox.pdf"


@pytest.fixture
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


@pytest.mark.parametrize("html", [
    '<img src="file:///etc/passwd" alt="">',
    '<style>@import url("file:///etc/passwd");</style>',
])
def test_local_file_outside_the_site_is_refused(tmp_path, html):
    errors, pdf = build_with(tmp_path, body=html)
    assert len(errors) == 1
    assert errors[0].startswith("content/alerts/sandbox.md:1: pdf: ")
    assert "file:///etc/passwd: is outside the built site and theme" in errors[0]
    assert not pdf.exists()


def test_stylesheet_outside_the_site_is_refused(tmp_path):
    errors, _ = build_with(tmp_path, print_css="file:///etc/passwd")
    assert len(errors) == 1 and "file:///etc/passwd" in errors[0]


@pytest.mark.parametrize("where", ["image", "stylesheet"])
def test_network_is_never_fetched(tmp_path, listener, where):
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/x"
    html = {"image": {"body": f'<img src="{url}.png" alt="">'},
            "stylesheet": {"print_css": f"{url}.css"}}[where]
    errors, _ = build_with(tmp_path, **html)
    assert len(errors) == 1
    assert f"{url}" in errors[0] and "never fetch from the network" in errors[0]
    assert not connected(listener)


def test_discard_port_url_is_refused_before_any_connection(tmp_path):
    errors, _ = build_with(tmp_path, extra_head=(
        '<link rel="stylesheet" media="print" href="http://127.0.0.1:9/print.css">'))
    assert len(errors) == 1
    assert "http://127.0.0.1:9/print.css: is not part of this site" in errors[0]


def test_missing_image_fails_the_build_and_names_it(tmp_path):
    errors, _ = build_with(tmp_path, body='<img src="missing.jpg" alt="">')
    assert len(errors) == 1
    assert "/alerts/sandbox/missing.jpg: does not exist in the built site" in errors[0]


def test_unreadable_image_does_not_silently_vanish(tmp_path):
    def corrupt(folder):
        (folder / "broken.jpg").write_bytes(b"not a JPEG at all")

    errors, _ = build_with(tmp_path, body='<img src="broken.jpg" alt="">', prepare=corrupt)
    assert len(errors) == 1 and "broken.jpg" in errors[0]


def test_symlink_out_of_the_site_is_refused(tmp_path):
    def link(folder):
        (folder / "photo.jpg").symlink_to("/etc/passwd")

    errors, _ = build_with(tmp_path, body='<img src="photo.jpg" alt="">', prepare=link)
    assert len(errors) == 1 and "leads outside the built site" in errors[0]


def test_encoded_dot_dot_cannot_climb_out(tmp_path):
    errors, _ = build_with(tmp_path, body='<img src="%2e%2e/%2e%2e/%2e%2e/etc/passwd" alt="">')
    assert len(errors) == 1 and "outside the built site" in errors[0]


def test_content_attachments_are_not_embedded(tmp_path):
    def secret(folder):
        (folder / "secret.txt").write_text("do not embed", "utf-8")

    errors, pdf = build_with(
        tmp_path, prepare=secret,
        extra_head='<link rel="attachment" href="secret.txt" title="Secret">'
                   '<link rel="attachment" href="file:///etc/passwd">',
        body='<p><a rel="attachment" href="secret.txt">a link</a></p>'
             '<object data="secret.txt"></object><embed src="secret.txt">')
    assert errors == []
    reader = PdfReader(pdf)
    assert reader.attachments == {}
    assert b"/EmbeddedFiles" not in pdf.read_bytes()
    assert b"/FileAttachment" not in pdf.read_bytes()
    assert "0 embedded files" in tool("pdfdetach", "-list", str(pdf))
    assert "a link" in tool("pdftotext", str(pdf), "-")


def test_files_of_the_site_and_data_urls_are_allowed(tmp_path):
    photo = make_photo(tmp_path / "photo.jpg", size=(300, 200))

    def place(folder):
        (folder / "photo.jpg").write_bytes(photo.source.read_bytes())

    errors, pdf = build_with(
        tmp_path, prepare=place,
        body='<img src="photo.jpg" alt=""><img src="../../alerts/sandbox/photo.jpg?v=2" alt="">'
             '<img alt="" src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22'
             '%20width=%2210%22%20height=%2210%22/%3E">')
    assert errors == []
    assert pdf.exists()
