"""Embeds for partner sites: a compact page per published alert that other sites may show
in a frame, the same for every open alert at once, and an oEmbed answer per alert.

- `<alert page>embed/` (SiteURLs.embed): the title, the deadline in words and the time
  left as built, the primary action as a button and a link to the full alert, in the
  alert's language (theme/templates/embed.html). It runs no script and loads only its
  own stylesheet (theme/static/css/embed.css); its links open a new tab, out of the
  frame. A closed alert's embed says so and links the full alert. Drafts have none.
- EMBED_OPEN_ALERTS_URL (default `embed/open-alerts/`): every open alert, the same way,
  in the order of the home page.
- `<alert page>oembed.json` (SiteURLs.oembed), which the alert page names in its head:
  an oEmbed 1.0 "rich" answer whose html is the same <iframe> snippet the page offers
  under "Embed on your site". oEmbed needs absolute URLs, so a build without SITEURL
  writes none, and the page's snippet is then a relative preview.

Only these pages may be framed: alerts.site.headers sends `frame-ancestors *` for them
and `frame-ancestors 'none'` with X-Frame-Options DENY for every other page.
"""

from __future__ import annotations

import html
import json

from pelican.generators import Generator

from alerts.authoring.languages import direction
from alerts.build import state as buildstate
from alerts.site.i18n import register_strings
from alerts.site.urls import SiteURLs

register_strings({
    "en": {
        "embed_heading": "Embed on your site",
        "embed_how": "Partner sites can show this alert's deadline and action in a frame: "
                     "paste this code into your page's HTML.",
        "embed_preview": "Preview: this build has no public address (SITEURL), so the "
                         "code's link is relative and works on this site only.",
        "embed_code": "Code to paste",
        "full_alert": "Full alert",
    },
    "es": {
        "embed_heading": "Inserta esta alerta en tu sitio",
        "embed_how": "Los sitios aliados pueden mostrar la fecha límite y la acción de "
                     "esta alerta en un marco: pega este código en el HTML de tu página.",
        "embed_preview": "Vista previa: esta versión no tiene dirección pública (SITEURL), "
                         "así que el enlace del código es relativo y solo funciona en "
                         "este sitio.",
        "embed_code": "Código para pegar",
        "full_alert": "Alerta completa",
    },
    "ar": {
        "embed_heading": "ضمّن هذا التنبيه في موقعك",
        "embed_how": "يمكن للمواقع الشريكة عرض الموعد النهائي لهذا التنبيه والتحرك "
                     "المطلوب في إطار: الصق هذا الرمز في HTML صفحتك.",
        "embed_preview": "معاينة: لا عنوان عامًا لهذا الإصدار (SITEURL)، لذا فالرابط في "
                         "الرمز نسبي ولا يعمل إلا على هذا الموقع.",
        "embed_code": "الرمز الذي تلصقه",
        "full_alert": "التنبيه كاملًا",
    },
})

#: The frame's height in the snippet, in CSS pixels: the site's name, a title of three
#: lines, the deadline and the button at a phone's width. Its width is the partner's
#: column (100%).
EMBED_HEIGHT = 260
#: oEmbed's `width` must be pixels: the width the embed is laid out for. The snippet
#: itself is fluid, and no wider than the consumer's column.
OEMBED_WIDTH = 560
#: How long, in seconds, a consumer may keep an oEmbed answer: a day, so that an edited
#: title reaches partner sites by the next day. (The frame shows the live page anyway.)
OEMBED_CACHE_AGE = 86400


def site_url(settings: dict) -> str:
    """The real SITEURL, without its final "/"; "" in a preview build."""
    return (settings.get("SITEURL") or "").rstrip("/")


def embed_src(alert, settings: dict) -> str:
    """Where the snippet's frame points: the embed page, absolute with SITEURL, else
    from the site's root (a preview that works on this site only)."""
    return f"{site_url(settings)}/{SiteURLs.embed(alert)}"


def snippet(src: str, title: str) -> str:
    """The <iframe> a partner pastes; the title names the frame for screen readers."""
    return (f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" width="100%" '
            f'height="{EMBED_HEIGHT}" style="border:0" loading="lazy"></iframe>')


def embed_snippet(alert, *, settings: dict) -> str:
    """Template global `embed_snippet(alert)`: the code "Embed on your site" shows."""
    return snippet(embed_src(alert, settings), alert.title)


def oembed(alert, settings: dict) -> dict:
    """The alert's oEmbed 1.0 answer (https://oembed.com, type "rich"); SITEURL is set."""
    base = site_url(settings)
    return {
        "type": "rich",
        "version": "1.0",
        "title": alert.title,
        "provider_name": settings.get("SITENAME") or "",
        "provider_url": base + "/",
        "html": snippet(embed_src(alert, settings), alert.title),
        "width": OEMBED_WIDTH,
        "height": EMBED_HEIGHT,
        "cache_age": OEMBED_CACHE_AGE,
    }


def add_embed_helpers(settings: dict) -> None:
    """Give templates `embed_snippet(alert)`."""
    settings["JINJA_GLOBALS"]["embed_snippet"] = \
        lambda alert: embed_snippet(alert, settings=settings)


class EmbedPageGenerator(Generator):
    """Writes every published alert's embed page and oEmbed answer, and the open alerts'
    embed, with the theme's embed.html."""

    def generate_output(self, writer):
        state = buildstate.current()
        urls, template = state.urls, self.get_template("embed")

        def write(save_as: str, url: str, alerts: list, lang: str, direction: str,
                  title: str, listing: bool) -> None:
            writer.write_file(
                save_as, template, self.context, relative_urls=self.settings["RELATIVE_URLS"],
                embed_alerts=alerts, embed_lang=lang, embed_dir=direction,
                embed_title=title, embed_listing=listing, url=url)

        for alert in state.alerts:  # published alerts and their translations, no draft
            url = urls.embed(alert)
            write(urls.page_file(url), url, [alert], alert.lang, alert.dir, alert.title,
                  listing=False)
        lang = self.settings["DEFAULT_LANG"]
        listed = [article.alert for article in self.context.get("open_alerts", ())]
        write(urls.embed_open_alerts_save_as, urls.embed_open_alerts, listed, lang,
              direction(lang), "", listing=True)
        if site_url(self.settings):  # oEmbed needs absolute URLs
            for alert in state.alerts:
                state.pages.write(urls.oembed(alert), (json.dumps(
                    oembed(alert, self.settings), ensure_ascii=False, indent=2) + "\n")
                    .encode("utf-8"))
