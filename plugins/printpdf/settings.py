"""The PDF setting: defaults documented per key, merged and checked (alerts.build.config)."""

from __future__ import annotations

import re

from alerts.build import config
from alerts.build.config import SettingsError

#: PDF = {...} in pelicanconf.py is merged over these; any other key is an error.
DEFAULTS = {
    #: Build a PDF per alert (True or False). `make devserver` and `make check` turn it
    #: off for speed; make html and make publish build them.
    "enabled": True,
    #: CSS page size: "Letter", "A4", "Legal", "A4 landscape" or lengths like "210mm 297mm".
    "page_size": "Letter",
    #: CSS margin shorthand for every page; the running header and footer sit in it.
    "margins": "22mm 18mm 20mm",
    #: Worker processes that render PDFs; None means os.cpu_count().
    "workers": None,
    #: Highest resolution an embedded photo keeps, in dots per inch (print resolution).
    "image_dpi": 300,
    #: JPEG quality (1-95) to re-encode every photo at; None keeps the published file's
    #: bytes when they already fit image_dpi (faster, and no second loss of quality).
    "jpeg_quality": None,
    #: The public root that links in the PDF point to and that its footer shows; None
    #: means SITEURL. Without either (a `make html` preview), links point to the
    #: devserver, http://localhost:8000/, and the footer says the PDF is a preview.
    "site_url": None,
    #: Tag the PDF's structure (headings, lists, links) for screen readers.
    "tagged": True,
}

_CSS_WORDS = re.compile(r"^[A-Za-z0-9 .%-]+$")
#: CSS Paged Media's page-size names (lower case) and orientations.
PAGE_NAMES = {"a5", "a4", "a3", "b5", "b4", "jis-b5", "jis-b4", "letter", "legal", "ledger"}
_LENGTH = re.compile(r"^\d+(\.\d+)?(mm|cm|in|pt|pc|px|q)$", re.I)


#: The error of a PDF setting that cannot work: the one every setting raises.
PdfSettingsError = SettingsError


def merge(value: dict | None, settings: dict | None = None) -> dict:
    """DEFAULTS overridden by the site's PDF setting; an unknown key or a bad value raises
    SettingsError naming the settings file `settings` were read from (without them, that
    of the build that is running, see alerts.build.config.settings_file)."""
    return config.merge("PDF", value, DEFAULTS, _check, source=config.settings_file(settings))


def _check(conf: dict) -> None:
    for key in ("enabled", "tagged"):
        if not isinstance(conf[key], bool):  # "no" would be true
            raise SettingsError(f"PDF[{key!r}] must be True or False, not {conf[key]!r}")
    for key in ("page_size", "margins"):
        # These go into a stylesheet verbatim: letters, digits and units only.
        if not isinstance(conf[key], str) or not _CSS_WORDS.match(conf[key]):
            raise SettingsError(
                f"PDF[{key!r}] must be CSS words such as {DEFAULTS[key]!r}, not {conf[key]!r}")
    _check_page_size(conf["page_size"])
    workers = conf["workers"]
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise SettingsError(f"PDF['workers'] must be None or a whole number >= 1, "
                            f"not {workers!r}")
    quality = conf["jpeg_quality"]
    if quality is not None and (not isinstance(quality, int) or not 1 <= quality <= 95):
        raise SettingsError(f"PDF['jpeg_quality'] must be None or 1 to 95, not {quality!r}")
    if not isinstance(conf["image_dpi"], int | float) or conf["image_dpi"] <= 0:
        raise SettingsError(f"PDF['image_dpi'] must be a positive number, "
                            f"not {conf['image_dpi']!r}")


def _check_page_size(size: str) -> None:
    """A name (A4, Letter…) with an optional orientation, or one or two lengths: a
    misspelt name must not silently fall back to WeasyPrint's default."""
    words = size.lower().split()
    if words and words[-1] in ("portrait", "landscape"):
        words = words[:-1]
    named = len(words) == 1 and words[0] in PAGE_NAMES
    lengths = 1 <= len(words) <= 2 and all(_LENGTH.match(w) for w in words)
    if not (named or lengths):
        raise SettingsError(
            f"PDF['page_size'] = {size!r} is not a page size; write one of "
            f"{', '.join(sorted(n.capitalize() for n in PAGE_NAMES))} (optionally followed by "
            "landscape), or two lengths such as '210mm 297mm'")


#: Page sizes of the US paper series; a letter printed on one goes in a #10 envelope.
US_PAPER = {"letter", "legal", "ledger"}


def envelope(page_size: str) -> str:
    """The window envelope a letter printed at `page_size` goes in, as print.css names
    its layout: "us" (a #10 envelope) for US paper sizes and sizes in inches, else "din"
    (a DL envelope, DIN 5008)."""
    words = page_size.lower().split()
    first = words[0] if words else ""
    return "us" if first in US_PAPER or first.endswith("in") else "din"


def public_root(conf: dict, settings: dict) -> str | None:
    """The site's public root with a trailing slash, or None for a preview build (no
    absolute SITEURL): its PDFs must not pass off a made-up address as the alert's."""
    url = conf.get("site_url") or settings.get("SITEURL") or ""
    return url.rstrip("/") + "/" if re.match(r"^https?://", url) else None


def site_origin(conf: dict, settings: dict) -> str:
    """The root that links in PDFs resolve against: the public one, or the devserver's
    address in a preview build, where the footer says "Preview — not published"."""
    return public_root(conf, settings) or "http://localhost:8000/"
