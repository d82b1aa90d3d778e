"""The values behind a page's <head> meta: Open Graph, Twitter cards and JSON-LD."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from markupsafe import Markup

from alerts.authoring.languages import likely_region

#: og:locale for a bare language code; "es-MX" style codes keep their own region.
OG_LOCALES = {
    "ar": "ar_AR", "ca": "ca_ES", "de": "de_DE", "en": "en_US", "es": "es_ES", "eu": "eu_ES",
    "fr": "fr_FR", "gl": "gl_ES", "hi": "hi_IN", "it": "it_IT", "ja": "ja_JP", "ko": "ko_KR",
    "nl": "nl_NL", "pl": "pl_PL", "pt": "pt_BR", "ru": "ru_RU", "uk": "uk_UA", "vi": "vi_VN",
    "zh": "zh_CN",
}

# "<", ">" and "&" as JSON escapes cannot close the <script> element or start a comment,
# and U+2028/2029 would end a line in older JavaScript parsers; JSON reads them all back.
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                               "\u2028": "\\u2028", "\u2029": "\\u2029"})


def og_locale(lang: str | None, overrides: dict | None = None) -> str:
    """"es-MX" → "es_MX"; a tag without a region takes Facebook's usual one ("es" →
    "es_ES"), else the region CLDR says the language is most used in ("sw" → "sw_TZ")."""
    base, *rest = (lang or "en").replace("_", "-").split("-")
    base = base.lower()
    region = next((p.upper() for p in rest if len(p) == 2), "")  # not a script: zh-Hant-TW
    if region:
        return f"{base}_{region}"
    table = {**OG_LOCALES, **(overrides or {})}
    return table.get(base) or f"{base}_{likely_region(base) or base.upper()}"


def json_script(data) -> Markup:
    """JSON safe to place as-is inside <script type="application/ld+json">."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(_JSON_ESCAPES))  # noqa: S704 - every markup character is escaped


def absolute(site_url: str, path: str) -> str:
    """`path` (relative to the site root) as an absolute URL, or "" without SITEURL."""
    if not site_url:
        return ""
    return f"{site_url.rstrip('/')}/{path.lstrip('/')}"


@dataclass
class PageMeta:
    """Everything meta.html writes, in the order it writes it."""

    title: str
    description: str
    canonical: str
    og: list[tuple[str, str]] = field(default_factory=list)  # (property, content)
    twitter: list[tuple[str, str]] = field(default_factory=list)  # (name, content)
    json_ld: Markup | None = None


def page_meta(*, share: dict, sitename: str, site_url: str, alert=None, page_title="",
              page_description="", canonical_path="", lang=None, card=None) -> PageMeta:
    """Meta values for one page: an alert page when `alert` is given, else a site page."""
    lang = (alert.lang if alert is not None else None) or lang
    heading = alert.title if alert is not None else _heading(page_title, sitename)
    title = heading if not sitename or heading == sitename else f"{heading} — {sitename}"
    description = alert.summary if alert is not None else (page_description or "")
    url = absolute(site_url, alert.url if alert is not None else canonical_path)
    image = absolute(site_url, card.path) if card is not None else ""

    og = [("og:site_name", sitename), ("og:type", "article" if alert is not None else "website"),
          ("og:title", heading), ("og:description", description), ("og:url", url)]
    if image:
        og += [("og:image", image), ("og:image:type", card.mime),
               ("og:image:width", str(card.width)), ("og:image:height", str(card.height)),
               ("og:image:alt", card.alt)]
    og.append(("og:locale", og_locale(lang, share.get("locales"))))
    if alert is not None:
        og += [("og:locale:alternate", og_locale(version.lang, share.get("locales")))
               for version in alert.other_versions]
    if alert is not None:
        og += [("article:published_time", alert.date.isoformat()),
               ("article:modified_time", (alert.modified or alert.date).isoformat())]
        if alert.deadline is not None:
            og.append(("article:expiration_time", alert.deadline.isoformat()))
        og += [("article:tag", tag) for tag in alert.tags]

    twitter = [("twitter:card", "summary_large_image" if image else "summary")]
    if share.get("twitter_site"):
        twitter.append(("twitter:site", "@" + share["twitter_site"].lstrip("@")))
    twitter += [("twitter:title", heading), ("twitter:description", description)]
    if image:
        twitter += [("twitter:image", image), ("twitter:image:alt", card.alt)]

    data = (article_ld(alert, share, sitename, site_url, url, image) if alert is not None
            else website_ld(sitename, site_url, description) if canonical_path == "" else None)
    return PageMeta(
        title=title,
        description=description,
        canonical=url,
        # An empty value says nothing true; leave the tag out rather than write content="".
        og=[(k, v) for k, v in og if v],
        twitter=[(k, v) for k, v in twitter if v],
        json_ld=json_script(data) if data else None,
    )


def _heading(page_title: str, sitename: str) -> str:
    """A site page's own title: templates may already end it with " — SITENAME"."""
    for sep in (" — ", " · ", " | ", " - "):
        if sitename and page_title.endswith(sep + sitename):
            return page_title[: -len(sep + sitename)]
    return page_title or sitename


def article_ld(alert, share: dict, sitename: str, site_url: str, url: str, image: str) -> dict:
    """schema.org NewsArticle for an alert; `expires` is its deadline."""
    publisher = {"@type": "Organization", "name": sitename}
    if site_url:
        publisher["url"] = site_url.rstrip("/") + "/"
    if share.get("publisher_logo") and site_url:
        publisher["logo"] = {"@type": "ImageObject",
                             "url": absolute(site_url, share["publisher_logo"])}
    authors = ([{"@type": "Person", "name": name} for name in alert.authors]
               or [{"@type": "Organization", "name": sitename}])
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": alert.title,
        "description": alert.summary,
        "datePublished": alert.date.isoformat(),
        "dateModified": (alert.modified or alert.date).isoformat(),
        "author": authors,
        "publisher": publisher,
        "inLanguage": alert.lang,
    }
    if url:
        data["url"] = data["mainEntityOfPage"] = url
    if image:
        data["image"] = [image]
    if alert.deadline is not None:
        data["expires"] = alert.deadline.isoformat()
    if alert.tags:
        data["keywords"] = list(alert.tags)
    data["potentialAction"] = action_ld(alert, url)
    return data


#: schema.org's actionStatus of an alert's action: open until the deadline; then done,
#: or failed when it was lost or withdrawn.
_STATUS = {"won": "CompletedActionStatus", "mixed": "CompletedActionStatus",
           "lost": "FailedActionStatus", "withdrawn": "FailedActionStatus"}


def action_ld(alert, url: str) -> dict:
    """schema.org Action for the alert's primary action, with its state."""
    action = alert.primary_action
    if alert.state != "closed":
        status = "ActiveActionStatus"
    else:
        status = _STATUS.get(alert.outcome, "CompletedActionStatus")
    data = {"@type": "Action", "name": action.label,
            "actionStatus": f"https://schema.org/{status}"}
    target = action.url or (url + action.href if url else None)
    if target:
        data["target"] = target
    if alert.deadline is not None:
        data["endTime"] = alert.deadline.isoformat()
    return data


def website_ld(sitename: str, site_url: str, description: str) -> dict:
    """schema.org WebSite for the home page."""
    data = {"@context": "https://schema.org", "@type": "WebSite", "name": sitename}
    if site_url:
        data["url"] = site_url.rstrip("/") + "/"
    if description:
        data["description"] = description
    return data
