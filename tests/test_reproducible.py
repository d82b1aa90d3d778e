"""Reproducible builds: the same content and SOURCE_DATE_EPOCH give the same site, byte for
byte (pixel for pixel for images), wherever the content and output folders are."""

from __future__ import annotations

import io

from conftest import MINIMAL_ALERT, snapshot
from photos import poster_photo
from PIL import Image

PHOTO_ALERT = MINIMAL_ALERT.replace(
    "title: Tell the council to fund the clinic",
    "title: Keep the river clean\nimage: images/river.jpg\nimage_alt: The river at dusk\n"
    "hashtags: [CleanRiver]\ntags: [water, council]",
)
IMAGES = (".jpg", ".jpeg", ".png", ".webp")


def build_copy(make_site, tmp_path, name):
    photo = poster_photo(tmp_path / f"{name}-river.jpg", size=(1200, 800), seed=3)
    site = make_site({"alerts/clinic.md": MINIMAL_ALERT, "alerts/river.md": PHOTO_ALERT,
                      "images/river.jpg": photo.read_bytes(),
                      "pages/about.md": "---\ntitle: About\n---\n\nWho we are.\n"},
                     root=tmp_path / name, pdf=True,
                     settings={"SITEURL": "https://alerts.example.org",
                               "RELATIVE_URLS": False})
    assert site.result.ok, site.messages
    return snapshot(site.output)


def test_two_builds_are_identical(make_site, tmp_path):
    first = build_copy(make_site, tmp_path, "one")
    second = build_copy(make_site, tmp_path, "two-in-another-folder")
    assert sorted(first) == sorted(second)
    kinds = {name.rsplit(".", 1)[-1] for name in first}
    assert {"html", "xml", "pdf", "jpg", "txt"} <= kinds, kinds
    assert "alerts/keep-the-river-clean/email.html" in first  # the email edition too
    for name, data in first.items():
        if name.lower().endswith(IMAGES):
            a, b = (Image.open(io.BytesIO(x)) for x in (data, second[name]))
            assert (a.size, a.mode) == (b.size, b.mode), name
            assert a.tobytes() == b.tobytes(), f"{name}: pixels differ"
        else:
            assert data == second[name], f"{name} differs between the two builds"
        if name.endswith((".html", ".xml", ".json", ".ics")):
            text = data.decode("utf-8")
            assert "one/content" not in text and "/tmp/" not in text, name
