"""Where every page and file of the site lives: one source, read from the settings.

Pelican's own `*_URL` / `*_SAVE_AS` settings place alerts (ARTICLE_*, ARTICLE_LANG_*,
DRAFT_*, DRAFT_LANG_*), tags and the archive; ours sit beside them with the defaults
below (TARGET_*, TARGETS_*). Everything an alert publishes — its card, its PDF, its photos
— lives in its page's folder, so an alert's URL must be a folder (`act/{slug}/`) saved
as that folder's index.html. Templates ask the `urls` global; Python code asks
`SiteURLs(settings)`. Nothing else spells a path.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from pelican.utils import slugify

from alerts.build.config import SettingsError, settings_file
from alerts.site.headers import path_regex

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
    #: Every open alert as a compact list for partner sites to frame (alerts.site.embeds).
    #: Each alert's own embed is `<its page>embed/`, beside its page.
    "EMBED_OPEN_ALERTS_URL": "embed/open-alerts/",
    #: Where that list is written: EMBED_OPEN_ALERTS_URL's folder and its index.html.
    "EMBED_OPEN_ALERTS_SAVE_AS": "embed/open-alerts/index.html",
    #: The site's calendar (RFC 5545) of every open alert's deadline and events.
    "CALENDAR_SAVE_AS": "calendar.ics",
    #: The email edition's HTML (alerts.site.emailedition): a file name, written in
    #: each alert page's folder.
    "EMAIL_HTML_SAVE_AS": "email.html",
    #: Its text part, a file name beside it.
    "EMAIL_TEXT_SAVE_AS": "email.txt",
    #: The page of won alerts.
    "VICTORIES_URL": "victories/",
    #: Where that page is written: VICTORIES_URL's folder and its index.html.
    "VICTORIES_SAVE_AS": "victories/index.html",
    #: The Atom feed of closed alerts' outcomes (FEED_ALL_ATOM: open alerts and their
    #: updates); None for none.
    "OUTCOMES_FEED_ATOM": "feeds/outcomes.atom.xml",
    #: The JSON Feed 1.1 of open alerts and their updates; None for none.
    "JSON_FEED": "feeds/alerts.json",
    #: The page that sends a share to the visitor's fediverse server (sharing.fediverse).
    "SHARE_FEDIVERSE_URL": "share/fediverse/",
    #: Where that page is written: SHARE_FEDIVERSE_URL's folder and its index.html.
    "SHARE_FEDIVERSE_SAVE_AS": "share/fediverse/index.html",
    #: The search page (alerts.site.search), in the site's language (DEFAULT_LANG).
    "SEARCH_URL": "search/",
    #: Where that page is written: SEARCH_URL's folder and its index.html.
    "SEARCH_SAVE_AS": "search/index.html",
    #: The search page in each other language alerts are written in ({lang}: "es").
    "SEARCH_LANG_URL": "search/{lang}/",
    #: Where that page is written: SEARCH_LANG_URL's folder and its index.html.
    "SEARCH_LANG_SAVE_AS": "search/{lang}/index.html",
    #: The folder of the search index and Pagefind's script, a folder ending in "/".
    "SEARCH_BUNDLE_URL": "pagefind/",
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
        for key in ("TARGET", "TARGETS", "VICTORIES", "EMBED_OPEN_ALERTS", "SHARE_FEDIVERSE",
                    "SEARCH", "SEARCH_LANG"):
            url, save_as = self._get(f"{key}_URL"), self._get(f"{key}_SAVE_AS")
            if not url.endswith("/") or save_as != SiteURLs.page_file(url):
                raise SettingsError(
                    f"{key}_URL = {url!r} with {key}_SAVE_AS = {save_as!r}: write a folder "
                    f"and its index.html, e.g. {DEFAULTS[key + '_URL']!r} and "
                    f"{DEFAULTS[key + '_SAVE_AS']!r}", source=settings_file(settings))
        for key, suffix in (("EMAIL_HTML_SAVE_AS", ".html"), ("EMAIL_TEXT_SAVE_AS", ".txt")):
            name = self._get(key)
            if not isinstance(name, str) or "/" in name or not name.endswith(suffix) \
                    or name in ("index.html", suffix):
                raise SettingsError(
                    f"{key} = {name!r}: write a file name ending in {suffix}, other than "
                    f"index.html, which is written in each alert page's folder, e.g. "
                    f"{DEFAULTS[key]!r}", source=settings_file(settings))
        _check_search_layout(self._get("SEARCH_LANG_URL"), self._get("SEARCH_BUNDLE_URL"),
                             settings)
        self._target_slugs: dict[str, str] = {}
        # Read once: the alerts plugin writes this feed itself and switches Pelican's off.
        self._feed = settings.get("FEED_ALL_ATOM")

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

    #: The calendar file beside an alert's page: its deadline and events.
    CALENDAR_NAME = "deadline.ics"

    @classmethod
    def calendar(cls, alert) -> str:
        """The alert's calendar (alerts.site.calendars): "alerts/<slug>/deadline.ics";
        its page links it as CALENDAR_NAME, relative."""
        return alert.url + cls.CALENDAR_NAME

    @property
    def email_html_name(self) -> str:
        """The email edition's HTML beside each alert page: EMAIL_HTML_SAVE_AS."""
        return self._get("EMAIL_HTML_SAVE_AS")

    def email_html(self, page_url: str) -> str:
        """The email edition's HTML of the alert page at `page_url`: "alerts/<slug>/email.html"."""
        return page_url + self.email_html_name

    def email_text(self, page_url: str) -> str:
        """Its text part: "alerts/<slug>/email.txt" (EMAIL_TEXT_SAVE_AS)."""
        return page_url + self._get("EMAIL_TEXT_SAVE_AS")

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

    # -- embeds for partner sites (alerts.site.embeds) --------------------------------

    @staticmethod
    def embed_of(page_url: str) -> str:
        """The embed page of the alert page at `page_url`: a folder in its folder,
        "alerts/<slug>/embed/"."""
        return page_url + "embed/"

    @classmethod
    def embed(cls, alert) -> str:
        return cls.embed_of(alert.url)

    @staticmethod
    def oembed(alert) -> str:
        """The alert's oEmbed answer beside its page: "alerts/<slug>/oembed.json"."""
        return alert.url + "oembed.json"

    @property
    def embed_open_alerts(self) -> str:
        return self._get("EMBED_OPEN_ALERTS_URL")

    @property
    def embed_open_alerts_save_as(self) -> str:
        return self._get("EMBED_OPEN_ALERTS_SAVE_AS")

    def embed_patterns(self) -> list[str]:
        """The URL paths of every embed page, as `_headers` rule paths (`:name` is one
        path segment, the final `*` anything): each published alert layout with a
        placeholder for each segment that has a field, "/alerts/:slug/embed/*" and
        "/alerts/:slug/:lang/embed/*", then "/embed/open-alerts/*". Only these may be
        framed by other sites (alerts.site.headers)."""
        patterns = ["/" + self.embed_of(_placeholders(self.settings[f"{prefix}_URL"])) + "*"
                    for prefix in ("ARTICLE", "ARTICLE_LANG")]  # drafts have no embed
        patterns.append("/" + self.embed_open_alerts + "*")
        return list(dict.fromkeys(patterns))

    # -- search (alerts.site.search) ---------------------------------------------------

    @property
    def search(self) -> str:
        """The search page in the site's language."""
        return self._get("SEARCH_URL")

    def search_page(self, lang: str | None = None) -> str:
        """The search page in `lang` (a language code, "es"); None: the site's own."""
        return self.search if lang is None else self._get("SEARCH_LANG_URL").format(lang=lang)

    def search_save_as(self, lang: str | None = None) -> str:
        return self._get("SEARCH_SAVE_AS") if lang is None \
            else self._get("SEARCH_LANG_SAVE_AS").format(lang=lang)

    @property
    def search_bundle(self) -> str:
        """The folder of the search index and Pagefind's script: "pagefind/"."""
        return self._get("SEARCH_BUNDLE_URL")

    def search_patterns(self) -> list[str]:
        """The search pages' URL paths as `_headers` rule paths, "/search/*" (which
        covers "/search/:lang/*" too): only these may run Pagefind's WebAssembly."""
        patterns: list[str] = []
        for url in (self.search, _placeholders(self._get("SEARCH_LANG_URL"))):
            if not any(re.match(path_regex(p), "/" + url) for p in patterns):
                patterns.append("/" + url + "*")
        return patterns

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
    def victories(self) -> str:
        return self._get("VICTORIES_URL")

    @property
    def victories_save_as(self) -> str:
        return self._get("VICTORIES_SAVE_AS")

    @property
    def share_fediverse(self) -> str:
        """The fediverse share page (sharing.fediverse): SHARE_FEDIVERSE_URL."""
        return self._get("SHARE_FEDIVERSE_URL")

    @property
    def share_fediverse_save_as(self) -> str:
        return self._get("SHARE_FEDIVERSE_SAVE_AS")

    @property
    def outcomes_feed(self) -> str | None:
        return self.settings.get("OUTCOMES_FEED_ATOM", DEFAULTS["OUTCOMES_FEED_ATOM"])

    @property
    def json_feed(self) -> str | None:
        return self.settings.get("JSON_FEED", DEFAULTS["JSON_FEED"])

    @property
    def site_calendar(self) -> str:
        """The site's calendar of every open alert, relative to SITEURL: CALENDAR_SAVE_AS."""
        return self._get("CALENDAR_SAVE_AS")

    @property
    def site_calendar_subscription(self) -> str | None:
        """The site's calendar as a `webcal://` address, which calendar apps subscribe
        to; None without an absolute SITEURL (a preview build links it relative)."""
        scheme, sep, rest = (self.settings.get("SITEURL") or "").rstrip("/").partition("://")
        if not sep or scheme.lower() not in ("http", "https"):
            return None
        return f"webcal://{rest}/{self.site_calendar}"

    @property
    def tags(self) -> str:
        return self.settings["TAGS_URL"]

    @property
    def archive(self) -> str:
        return self.settings["ARCHIVES_URL"]

    @property
    def feed(self) -> str | None:
        """The Atom feed of open alerts and their updates (FEED_ALL_ATOM)."""
        return self._feed


def _placeholders(layout: str) -> str:
    """An alert layout as a `_headers` path: each segment with a field becomes one
    placeholder named after its first field ("alerts/{slug}/" -> "alerts/:slug/"); a
    name used twice is made longer (":slugx"): a rule may name a placeholder only once."""
    segments, seen = [], set()
    for segment in layout.split("/"):
        names = [name for _, name, _, _ in string.Formatter().parse(segment) if name]
        if names:
            name = names[0]
            while name in seen:
                name += "x"
            seen.add(name)
            segment = ":" + name
        segments.append(segment)
    return "/".join(segments)


def _check_search_layout(lang_url: str, bundle: str, settings: dict) -> None:
    if "{lang}" not in lang_url or _fields(lang_url) != {"lang"}:
        raise SettingsError(f"SEARCH_LANG_URL = {lang_url!r}: write a folder with {{lang}} "
                            "and nothing else between braces, e.g. 'search/{lang}/'",
                            source=settings_file(settings))
    if not bundle.endswith("/") or bundle.startswith("/") or "{" in bundle:
        raise SettingsError(f"SEARCH_BUNDLE_URL = {bundle!r}: write a folder relative to the "
                            "site, e.g. 'pagefind/'", source=settings_file(settings))


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
