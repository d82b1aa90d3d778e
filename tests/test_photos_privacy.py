"""Photos reach output/ with no EXIF, GPS, XMP or IPTC metadata, and the originals under
content/ are never modified."""

from __future__ import annotations

import hashlib
import io
import struct

import pytest
from conftest import MINIMAL_ALERT
from photos import poster_photo
from PIL import ExifTags, Image

SECRET = b"SecretPlace-4711"  # in the camera make, the GPS area name, XMP and IPTC
XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       b'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="' + SECRET +
       b'"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
MARKERS = (b"Exif\x00\x00", b"http://ns.adobe.com/xap/1.0/", b"Photoshop 3.0", b"8BIM",
           b"adobe:ns:meta", SECRET)


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = SECRET.decode()
    exif[ExifTags.Base.Orientation] = 1
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (40.0, 42.0, 46.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (74.0, 0.0, 21.0)
    gps[ExifTags.GPS.GPSAreaInformation] = b"ASCII\x00\x00\x00" + SECRET
    return exif


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def tagged_jpeg(path):
    """A JPEG carrying EXIF with GPS (APP1), an XMP packet (APP1) and IPTC (APP13)."""
    poster_photo(path, size=(1000, 700), seed=5, exif=exif_with_gps().tobytes())
    data = path.read_bytes()
    xmp = jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP)
    iptc_record = b"\x1c\x02\x5a" + struct.pack(">H", len(SECRET)) + SECRET  # 2:90 City
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc_record)) + iptc_record
    iptc = jpeg_segment(0xED, b"Photoshop 3.0\x00" + resource)
    path.write_bytes(data[:2] + xmp + iptc + data[2:])
    return path


def tagged_png(path):
    im = Image.open(io.BytesIO(poster_photo(path, size=(900, 600), seed=6).read_bytes()))
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("XML:com.adobe.xmp", XMP.decode())
    info.add_text("Location", SECRET.decode())
    im.save(path, pnginfo=info, exif=exif_with_gps().tobytes())
    return path


def check_original_carries_metadata(path):
    data = path.read_bytes()
    assert SECRET in data
    with Image.open(path) as im:
        assert im.getexif().get_ifd(ExifTags.IFD.GPSInfo)


@pytest.mark.parametrize("make, name", [(tagged_jpeg, "river.jpg"), (tagged_png, "river.png")])
def test_published_images_carry_no_metadata(make, name, make_site, tmp_path):
    source = make(tmp_path / name)
    check_original_carries_metadata(source)
    alert = MINIMAL_ALERT.replace(
        "title: Tell the council to fund the clinic",
        f"title: Keep the river clean\nimage: images/{name}\nimage_alt: The river at dusk")
    site = make_site({"alerts/river.md": alert, "images/" + name: source.read_bytes()},
                     root=tmp_path / "site", pdf=True,
                     settings={"SITEURL": "https://alerts.example.org", "RELATIVE_URLS": False})
    original = site.content / "images" / name
    digest = hashlib.sha256(original.read_bytes()).hexdigest()
    assert site.result.ok, site.messages
    published = [p for p in site.output.rglob("*")
                 if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp")]
    names = {p.name for p in published}
    assert name in names  # the photo itself
    assert any("card" in n for n in names), names  # and the alert's social card
    for path in published:
        data = path.read_bytes()
        for marker in MARKERS:
            assert marker not in data, f"{path.name} carries {marker!r}"
        with Image.open(path) as im:
            assert not im.getexif(), path.name
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "photoshop", "Location",
                        "comment"} & set(im.info), (path.name, im.info.keys())
    for pdf in site.output.rglob("*.pdf"):
        data = pdf.read_bytes()
        assert SECRET not in data and b"Exif\x00\x00" not in data, pdf.name
    # The original is read, never written.
    assert hashlib.sha256(original.read_bytes()).hexdigest() == digest
    assert original.read_bytes() == source.read_bytes()


def test_a_truncated_photo_is_refused_even_after_weasyprint_is_imported(tmp_path):
    # WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process when it
    # is imported; the photo check must not inherit that.
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    from alerts.authoring import images

    assert ImageFile.LOAD_TRUNCATED_IMAGES  # what WeasyPrint did
    whole = tmp_path / "images" / "whole.jpg"
    whole.parent.mkdir()
    poster_photo(whole)
    cut = whole.with_name("cut.jpg")
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(images.ImageProblem, match=r"cut\.jpg.*truncated"):
        images.check(tmp_path, "images/cut.jpg", "A photo", None)
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as it was found
    assert images.check(tmp_path, "images/whole.jpg", "A photo", None).width > 0
