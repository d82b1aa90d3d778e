"""Sharing: head meta, share links and the share-text check, wired into Pelican."""

from __future__ import annotations

import logging
from functools import partial

from pelican import signals

from alerts.build import state as buildstate
from alerts.build.config import SettingsError, merged
from alerts.build.pipeline import Step, plugin_names, require_alerts
from alerts.site.i18n import register_strings, t
from alerts.site.urls import DEFAULTS as URL_DEFAULTS
from sharing import fediverse, links, meta, sharetext

logger = logging.getLogger(__name__)

#: The SHARE setting is merged over these; any other key is an error.
DEFAULTS = {
    #: Share targets to list, by id, in order (see links.NETWORKS); None lists every one.
    "networks": None,
    #: Add utm_source=<network>&utm_medium=social&utm_campaign=<slug> to shared links.
    "utm": False,
    #: The site's X account ("@handle" or "handle") for twitter:site; None leaves it out.
    "twitter_site": None,
    #: Extra or different og:locale values by language code, e.g. {"pt": "pt_PT"}.
    "locales": {},
    #: Publisher logo for JSON-LD, a path relative to the site root; None leaves it out.
    "publisher_logo": None,
    #: Servers the fediverse page suggests as plain text (never fetched): host names.
    "fediverse_servers": fediverse.SUGGESTIONS,
}

STRINGS = {
    "en": {
        "share_heading": "Share this alert",
        "share_on": "Share on {network}",
        "share_by_email": "Share by email",
        "copy_link": "Copy link",
        "link_copied": "Link copied",
        "copy_failed": "Could not copy the link; copy it from the address bar",
        "share_native": "Share…",
        "share_on_fediverse": "Share on Mastodon (fediverse)",
    },
    "es": {
        "share_heading": "Comparte esta alerta",
        "share_on": "Compartir en {network}",
        "share_by_email": "Compartir por correo",
        "copy_link": "Copiar enlace",
        "link_copied": "Enlace copiado",
        "copy_failed": "No se pudo copiar el enlace; cópialo de la barra de direcciones",
        "share_native": "Compartir…",
        "share_on_fediverse": "Compartir en Mastodon (fediverso)",
    },
    "ar": {
        "share_heading": "شارك هذا التنبيه",
        "share_on": "شارك على {network}",
        "share_by_email": "شارك بالبريد الإلكتروني",
        "copy_link": "انسخ الرابط",
        "link_copied": "نُسخ الرابط",
        "copy_failed": "تعذّر نسخ الرابط؛ انسخه من شريط العنوان",
        "share_native": "شارك…",
        "share_on_fediverse": "شارك على ماستودون (الفديفيرس)",
    },
}


# At import as well as at `initialized`: share labels are built outside Pelican too
# (tests, the card code), and registering the same words twice changes nothing.
register_strings(STRINGS)


#: The error of a SHARE setting that cannot work: the one every setting raises.
SharingConfigError = SettingsError


def share_settings(settings: dict) -> dict:
    """SHARE merged over DEFAULTS, once per build; an unknown key or network is an error."""
    return merged(settings, "SHARE", DEFAULTS, _check)


def _check(share: dict) -> None:
    if not isinstance(share["utm"], bool):  # "no" would be true
        raise SettingsError(f"SHARE['utm'] must be True or False, not {share['utm']!r}")
    unknown = [n for n in share["networks"] or () if n not in links.NETWORKS]
    if unknown:
        raise SettingsError(
            f"SHARE['networks'] names {', '.join(map(repr, unknown))}, which is not a share "
            f"target; use some of: {', '.join(links.NETWORKS)}")
    servers = share["fediverse_servers"]
    if not isinstance(servers, (list, tuple)) or not all(isinstance(s, str) for s in servers):
        raise SettingsError("SHARE['fediverse_servers'] must be a list of server names, "
                            f"not {servers!r}; e.g. ['mastodon.social']")
    wrong = [s for s in servers if not fediverse.is_host(s)]
    if wrong:
        raise SettingsError(
            f"SHARE['fediverse_servers'] names {', '.join(map(repr, wrong))}, which is not a "
            "server name; write only the name, as in 'mastodon.social' (no https://, path "
            "or @)")


def site_url(settings: dict) -> str:
    """The real SITEURL (templates see a per-page relative one with RELATIVE_URLS)."""
    return (settings.get("SITEURL") or "").rstrip("/")


def share_for(alert, settings: dict,
              fediverse_path: str = URL_DEFAULTS["SHARE_FEDIVERSE_URL"]) -> links.Share:
    """What sharing `alert` sends: its absolute URL, title, text and hashtags; and where
    our fediverse page is (`fediverse_path`, relative to the site root)."""
    return links.Share(
        fediverse_page=(meta.absolute(site_url(settings), fediverse_path)
                        or "/" + fediverse_path),
        url=meta.absolute(site_url(settings), alert.url) or "/" + alert.url,
        title=alert.title,
        text=alert.share_text or alert.title,
        hashtags=tuple(alert.hashtags),
        slug=alert.slug,
        lang=alert.lang,
    )


def share_url(alert, *, settings: dict) -> str:
    """Template global `share_url(alert)`: the link "copy link" and the share sheet use."""
    return share_for(alert, settings).url


def alert_share_links(alert, *, settings: dict, share: dict,
                      fediverse_path: str = URL_DEFAULTS["SHARE_FEDIVERSE_URL"],
                      ) -> list[links.ShareLink]:
    """Template global `share_links(alert)`: [(network_id, label, url), …]."""
    return links.share_links(share_for(alert, settings, fediverse_path), share["networks"],
                             share["utm"])


def head_meta(alert=None, page_title="", page_description="", canonical_path="", lang=None, *,
              settings: dict, share: dict, card_for) -> meta.PageMeta:
    """Template global `head_meta(...)`: the values partials/meta.html writes."""
    return meta.page_meta(
        share=share, sitename=settings.get("SITENAME", ""), site_url=site_url(settings),
        alert=alert, page_title=page_title or "", page_description=page_description or "",
        canonical_path=canonical_path or "", lang=lang or settings.get("DEFAULT_LANG"),
        card=card_for(alert, settings),
    )


def jinja_globals(settings: dict, card_for,
                  fediverse_path: str = URL_DEFAULTS["SHARE_FEDIVERSE_URL"]) -> dict:
    """The names partials/meta.html, partials/share.html and fediverse.html call."""
    share = share_settings(settings)
    return {
        "share_links": partial(alert_share_links, settings=settings, share=share,
                               fediverse_path=fediverse_path),
        "share_url": partial(share_url, settings=settings),
        "head_meta": partial(head_meta, settings=settings, share=share, card_for=card_for),
        "fediverse_servers": tuple(share["fediverse_servers"]),
        "t": t,
    }


def initialized(pelican) -> None:
    """The plugin's setup: merge SHARE, register words and template globals; warn
    without SITEURL."""
    from sharing.cards.jobs import (
        card_for,  # the card module is another plugin part; see register()
    )

    settings = pelican.settings
    register_strings(STRINGS)
    # A copy, not .update(): the dict in settings may be shared with whoever passed it in.
    merged = dict(settings.get("JINJA_GLOBALS") or {})
    mine = jinja_globals(settings, card_for, _fediverse_path())
    merged.setdefault("t", mine.pop("t"))  # the alerts plugin may have registered it already
    merged.update(mine)
    settings["JINJA_GLOBALS"] = merged
    if not site_url(settings):
        # The one warning of a preview build: it also speaks for the email edition
        # (alerts.site.emailedition), which needs absolute addresses too.
        logger.warning("sharing: SITEURL is empty, so pages have no canonical link, og:url or "
                       "card image, share links are relative and no email edition is "
                       "written; set SITEURL in publishconf.py")


def _fediverse_path() -> str:
    """The fediverse page's path in this build (its settings may move it); the default
    when sharing is set up outside a build (tests, tools)."""
    try:
        return buildstate.current().urls.share_fediverse
    except RuntimeError:
        return URL_DEFAULTS["SHARE_FEDIVERSE_URL"]


def check_share_text(state) -> None:
    """The "share-text" step: check every alert's post length, on each network its page
    lists, once every file is read."""
    share = share_settings(state.settings)
    for alert in state.alerts:
        what = share_for(alert, state.settings, state.urls.share_fediverse)
        if not sharetext.plainly_fits(what, share["utm"]):
            sharetext.check(alert, state.problems,
                            links.share_links(what, share["networks"], share["utm"]))


def write_cards(state):
    # Imported here so links, meta and sharetext stay importable without the card code.
    from sharing.cards.jobs import write_cards

    return write_cards(state)


#: What the sharing plugin adds to the build (see alerts.build.pipeline).
ALERT_STEPS = (
    Step("share-text", check_share_text, phase="listed", setup=initialized),
    Step("cards", write_cards, needs=("photos",)),
)


def get_generators(pelican):
    """The fediverse page, when this build's share links include it."""
    names = plugin_names(pelican.settings)
    if "sharing" in names and "alerts" in names and fediverse.listed(
            share_settings(pelican.settings)):
        return (fediverse.FediversePageGenerator,)
    return ()


def register():
    signals.initialized.connect(_require_alerts)
    signals.get_generators.connect(get_generators)


def _require_alerts(pelican) -> None:
    require_alerts(pelican, "sharing")
