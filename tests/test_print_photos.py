"""Photos in PDFs at their printed size: resized once to PDF['image_dpi'] and kept in the
cache, so WeasyPrint embeds them as they are instead of resampling the photo in every PDF,
and the printed page looks the same as when WeasyPrint resampled it."""

from __future__ import annotations

import logging
import subprocess

import pytest
from conftest import build_site, tool
from photos import poster_photo
from PIL import Image, ImageChops, ImageStat

import printpdf.printphotos as printphotos
import printpdf.render as render

SLUG = "save-the-library"
ALERT = """\
---
title: Keep the Riverside Library open
slug: save-the-library
date: 2026-11-28T09:00
deadline: 2026-12-11T18:00
targets: City council
actions:
  - label: Sign the petition
    url: https://example.org/sign
    kind: petition
image: images/library.jpg
image_alt: Readers at the Riverside branch
---

The Riverside branch has served the east side since 1931.
"""
#: One worker renders in this process, where a test can watch WeasyPrint.
SETTINGS = {"PDF": {"workers": 1}, "SOCIAL_CARDS": {"enabled": False}}


def _build(root, photo_size=(1600, 1000), seed=0, settings=None, **options):
    photo = poster_photo(root / "source.jpg", size=photo_size, seed=seed).read_bytes()
    return build_site(root, {f"alerts/{SLUG}.md": ALERT, "images/library.jpg": photo},
                      pdf=True, settings={**SETTINGS, **(settings or {})}, **options)


def _pdf(site):
    return site.output / "alerts" / SLUG / f"{SLUG}.pdf"


def _images(site) -> list[tuple[int, int, int]]:
    """(width, height, x-ppi) of every image the PDF embeds."""
    rows = tool("pdfimages", "-list", str(_pdf(site))).splitlines()[2:]
    return [(int(r.split()[3]), int(r.split()[4]), int(r.split()[12])) for r in rows]


@pytest.fixture
def resamples(monkeypatch):
    """The scale of every image WeasyPrint embeds: 1 where it keeps the pixels it got."""
    from weasyprint.images import RasterImage

    seen: list[float] = []
    embed = RasterImage.get_x_object

    def watched(self, interpolate, ratio):
        seen.append(ratio)
        return embed(self, interpolate, ratio)

    monkeypatch.setattr(RasterImage, "get_x_object", watched)
    return seen


def test_photo_is_embedded_at_its_printed_size_without_resampling(tmp_path, resamples):
    site = _build(tmp_path)
    assert site.result.ok, site.messages
    # print.css shows a photo at most 3 in tall on Letter: 900 px at 300 dpi, 1440 wide.
    assert _images(site) == [(1440, 900, 300)]
    assert resamples == [1]  # WeasyPrint embedded the prepared bytes as they are
    [kept] = (tmp_path / "cache" / "pdfs" / "print-photos").iterdir()
    assert kept.name.endswith("-1440x900.jpg")
    with Image.open(kept) as copy:
        assert copy.size == (1440, 900) and not copy.getexif()


def test_image_dpi_sets_the_printed_pixels(tmp_path, resamples):
    site = _build(tmp_path, settings={"PDF": {"workers": 1, "image_dpi": 150}})
    assert site.result.ok, site.messages
    assert _images(site) == [(720, 450, 150)]
    assert resamples == [1]


def test_a_photo_smaller_than_print_needs_is_embedded_as_published(tmp_path):
    site = _build(tmp_path, photo_size=(600, 375))
    assert site.result.ok, site.messages
    assert _images(site) == [(600, 375, 125)]  # fewer pixels than 300 dpi: never enlarged
    assert not (tmp_path / "cache" / "pdfs" / "print-photos").exists()


def test_the_resized_copy_is_made_once_and_follows_the_photo(tmp_path, monkeypatch):
    made = []
    encode = printphotos._encode
    monkeypatch.setattr(printphotos, "_encode", lambda *a: made.append(a[1]) or encode(*a))
    assert _build(tmp_path).result.ok
    assert made == [(1440, 900)]
    # Another alert page with the same photo, and a rebuild of every PDF: no new copy.
    (tmp_path / "cache" / "pdfs" / "manifest.json").unlink()
    assert _build(tmp_path).result.ok
    assert made == [(1440, 900)]
    # A new photo under the same name: a new copy, and the PDF shows the new photo.
    before = _pdf_page(_build(tmp_path), tmp_path / "before")
    site = _build(tmp_path, seed=7)
    assert site.result.ok
    assert made == [(1440, 900), (1440, 900)]
    assert ImageChops.difference(before, _pdf_page(site, tmp_path / "after")).getbbox()


def test_a_copy_no_kept_pdf_embeds_is_removed(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="printpdf")
    folder = tmp_path / "cache" / "pdfs" / "print-photos"
    assert _build(tmp_path).result.ok
    [first] = folder.iterdir()
    # The PDF reused: its copy stays, and another build's file being written is left be.
    (folder / "other.jpg.part").write_bytes(b"")
    caplog.clear()
    assert _build(tmp_path).result.ok
    assert "pdf: 0 rendered, 1 reused" in caplog.text
    assert sorted(p.name for p in folder.iterdir()) == sorted([first.name,
                                                                "other.jpg.part"])
    (folder / "other.jpg.part").unlink()
    # A new photo: only the copy the new PDF embeds is left.
    assert _build(tmp_path, seed=7).result.ok
    [second] = folder.iterdir()
    assert second.name != first.name and second.name.endswith("-1440x900.jpg")
    # A photo small enough to print as it is: no copy at all.
    assert _build(tmp_path, photo_size=(600, 375)).result.ok
    assert list(folder.iterdir()) == []


def _pdf_page(site, stem) -> Image.Image:
    subprocess.run(["pdftoppm", "-r", "100", "-f", "1", "-l", "1", "-png", str(_pdf(site)),
                    str(stem)], check=True)
    [png] = stem.parent.glob(f"{stem.name}*.png")
    return Image.open(png).convert("RGB")


def test_the_printed_page_looks_as_when_weasyprint_resampled(tmp_path, monkeypatch):
    ours = _pdf_page(_build(tmp_path / "ours"), tmp_path / "ours-page")
    monkeypatch.setattr(render, "fit_print_size", lambda *args: ())  # WeasyPrint resamples
    theirs = _pdf_page(_build(tmp_path / "theirs"), tmp_path / "theirs-page")
    assert ours.size == theirs.size
    difference = ImageChops.difference(ours, theirs)
    # Same layout, same place; only resampling noise inside the photo.
    assert max(ImageStat.Stat(difference).mean) < 1.0
    assert max(high for _, high in difference.getextrema()) <= 48

