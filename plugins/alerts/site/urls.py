"""Where every page and file of the site lives: one source, read from the settings.

Pelican's own `*_URL` / `*_SAVE_AS` settings place alerts (ARTICLE_*, ARTICLE_LANG_*,
DRAFT_*, DRAFT_LANG_*), tags and the archive; ours sit beside them with the defaults
below (TARGET_*, TARGETS_*). Everything an alert publishes — its card, its PDF, its photos
— lives in its page's folder, so an alert's URL must be a folder (`act/{slug}/`) saved
as that folder's index.html. Templates ask the `urls` global; Python code asks
`SiteURLs(settings)`. Nothing else spells a path.
"""

from __future__ import annotations

import string
from functools import lru_cache

from pelican.utils import slugify

from alerts.build.config import SettingsError, settings_file

#: Our settings beside Pelican's, and the values pelicanconf.py may override.
DEFAULTS = {
    #: A target's page: the alerts that ask readers to contact it.
    "TARGET_URL": "targets/{slug}/",
    #: Where that page is written: TARGET_URL's folder and its index.html.
    "TARGET_SAVE_AS": "targets/{slug}/index.html",
    #: The index of every target.
    "TARGETS_URL": "targets/",
    #: Where the index is written.
    "TARGETS_SAVE_AS": "targets/index.html",
}
#: Alert page layouts, by the setting prefix Pelican reads for each kind of alert.
_ALERT_KINDS = {(False, False): "ARTICLE", (True, False): "ARTICLE_LANG",
                (False, True): "DRAFT", (True, True): "DRAFT_LANG"}
_FIELDS = {"slug", "lang"}


class SiteURLs:
    """The site's layout from one build's settings; checked once when it is made."""

    def __init__(self, settings: dict) -> None:
        self.settings = settings
        for prefix in _ALERT_KINDS.values():
            _check_alert_layout(prefix, settings)
        for key in ("TARGET", "TARGETS"):
            url, save_as = self._get(f"{key}_URL"), self._get(f"{key}_SAVE_AS")
            if not url.endswith("/") or save_as != SiteURLs.page_file(url):
                raise SettingsError(
                    f"{key}_URL = {url!r} with {key}_SAVE_AS = {save_as!r}: write a folder "
                    f"and its index.html, e.g. {DEFAULTS[key + '_URL']!r} and "
                    f"{DEFAULTS[key + '_SAVE_AS']!r}", source=settings_file(settings))
        self._target_slugs: dict[str, str] = {}

    def _get(self, key: str) -> str:
        value = self.settings.get(key)
        return DEFAULTS[key] if value is None else value

    # -- alerts and what they publish -------------------------------------------------

    def alert(self, slug: str, lang: str, *, translation: bool, draft: bool) -> str:
        """The alert page's URL relative to SITEURL, a folder ending in "/"."""
        prefix = _ALERT_KINDS[(translation, draft)]
        return self.settings[f"{prefix}_URL"].format(slug=slug, lang=lang)

    @staticmethod
    def page_file(page_url: str) -> str:
        """The file a page at `page_url` (a folder) is written to: its index.html."""
        return page_url + "index.html"

    @staticmethod
    def card(alert, suffix: str) -> str:
        """The social card beside the page: "alerts/<slug>/card.png"."""
        return f"{alert.url}card{suffix}"

    @staticmethod
    def pdf_name(alert) -> str:
        """The PDF's file name, as the page links it (relative, beside the page)."""
        return f"{alert.slug}.pdf"

    @classmethod
    def pdf(cls, alert) -> str:
        return alert.url + cls.pdf_name(alert)

    @staticmethod
    def letter(alert, target, office) -> str:
        """A printable letter's page, in a folder beside the alert's page:
        "act/<slug>/letters/<target>-<office>/"."""
        return f"{alert.url}letters/{target.slug}-{office.slug}/"

    @staticmethod
    def letter_pdf(alert, target, office) -> str:
        """That letter's PDF: "act/<slug>/letters/<target>-<office>.pdf"."""
        return f"{alert.url}letters/{target.slug}-{office.slug}.pdf"

    @staticmethod
    def letters(alert) -> list[tuple[str, object, object]]:
        """(page URL, target, office) of every letter the alert prints: one per target
        office with an address, when the alert is not closed and has a letter on the page."""
        letter = next((a for a in alert.actions if a.on_page and a.kind == "letter"), None)
        if alert.state == "closed" or letter is None:
            return []  # a closed alert's page offers no letter
        return [(SiteURLs.letter(alert, target, office), target, office)
                for target in alert.targets_of(letter) for office in target.letter_offices]

    @staticmethod
    def beside(page_url: str, name: str) -> str:
        """A file published in a page's folder, e.g. its photos."""
        return page_url + name

    # -- listing pages ----------------------------------------------------------------

    def target_slug(self, name: str) -> str:
        if name not in self._target_slugs:  # listings ask once per alert they show
            self._target_slugs[name] = slugify(
                name, regex_subs=self.settings["SLUG_REGEX_SUBSTITUTIONS"]) or "target"
        return self._target_slugs[name]

    def target(self, name: str) -> str:
        return self._get("TARGET_URL").format(slug=self.target_slug(name))

    def target_save_as(self, name: str) -> str:
        return self._get("TARGET_SAVE_AS").format(slug=self.target_slug(name))

    @property
    def targets(self) -> str:
        return self._get("TARGETS_URL")

    @property
    def targets_save_as(self) -> str:
        return self._get("TARGETS_SAVE_AS")

    @property
    def tags(self) -> str:
        return self.settings["TAGS_URL"]

    @property
    def archive(self) -> str:
        return self.settings["ARCHIVES_URL"]

    @property
    def feed(self) -> str | None:
        return self.settings.get("FEED_ALL_ATOM")


@lru_cache(maxsize=64)  # a layout string is checked once per process, not per build
def _fields(layout: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(layout) if name)


def _check_alert_layout(prefix: str, settings: dict) -> None:
    def error(message: str) -> SettingsError:
        return SettingsError(message, source=settings_file(settings))

    url, save_as = settings.get(f"{prefix}_URL") or "", settings.get(f"{prefix}_SAVE_AS") or ""
    unknown = sorted(_fields(url) - _FIELDS) + sorted(_fields(save_as) - _FIELDS)
    if unknown:
        raise error(f"{prefix}_URL = {url!r}: alerts know only {{slug}} and {{lang}}, "
                    f"not {{{unknown[0]}}}; e.g. 'alerts/{{slug}}/'")
    if prefix.endswith("_LANG") and "{lang}" not in url:
        raise error(f"{prefix}_URL = {url!r}: a translation's address needs {{lang}}, "
                    "or it takes its original's place; e.g. 'alerts/{slug}/{lang}/'")
    if "{slug}" in url and url.endswith("/") and save_as != SiteURLs.page_file(url):
        raise error(f"{prefix}_SAVE_AS = {save_as!r} does not match {prefix}_URL = "
                    f"{url!r}; set {prefix}_SAVE_AS = {SiteURLs.page_file(url)!r}")
    if "{slug}" not in url or not url.endswith("/") or save_as != SiteURLs.page_file(url):
        raise error(
            f"{prefix}_URL = {url!r} with {prefix}_SAVE_AS = {save_as!r}: each alert's "
            "card, PDF and photos live in its page's folder, so write a folder with "
            "{slug} and its index.html, e.g. 'act/{slug}/' and 'act/{slug}/index.html'")
