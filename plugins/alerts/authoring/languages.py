"""Language tags (BCP 47) as writers give them in `lang:`: checked, written one way, and
what follows from them: text direction, the language's own name, its likely region."""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError

# language[-Script][-REGION], e.g. es, es-MX, pt-BR, zh-Hant-TW, ar, es-419. Variants and
# private-use tags name nothing a reader's browser or a share target acts on.
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?(?:[-_]([A-Za-z]{2}|\d{3}))?$")
_HOW = "write a BCP 47 language tag such as en, es, es-MX, pt-BR or ar"


class LanguageError(ValueError):
    """`lang:` is not a language tag the site can publish in; the message says how."""


@lru_cache(maxsize=256)
def canonical(tag: str) -> str:
    """`tag` written the standard way ("ES_mx" → "es-MX"), or LanguageError."""
    match = _TAG.match(tag.strip())
    if not match:
        raise LanguageError(f"{tag!r} is not a language tag; {_HOW}")
    language, script, region = match.groups()
    language = language.lower()
    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        raise LanguageError(f"{language!r} is not a known language; {_HOW}") from None
    parts = [language]
    if script:
        parts.append(script.title())
    if region:
        region = region.upper()
        if region not in locale.territories or region == "ZZ":  # ZZ: CLDR's "unknown"
            raise LanguageError(f"{region!r} in {tag!r} is not a known region; {_HOW}")
        parts.append(region)
    return "-".join(parts)


@lru_cache(maxsize=256)
def _locale(tag: str) -> Locale:
    try:
        return Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):  # a region Babel has no data for: es-AQ
        return Locale.parse(tag.split("-")[0])


def direction(tag: str | None) -> str:
    """"rtl" for Arabic, Hebrew, Persian, Urdu…; "ltr" otherwise."""
    return "rtl" if tag and _locale(tag).character_order == "right-to-left" else "ltr"


@lru_cache(maxsize=256)
def own_name(tag: str) -> str:
    """The language's name in itself, as a language switcher shows it: "Español (México)"."""
    locale = _locale(tag)
    name = locale.get_display_name(locale) or tag
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=256)
def likely_region(language: str) -> str:
    """The region a language is most used in, from CLDR: "es" → "ES", "pt" → "BR"."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(language.lower(), "")
    return next((p for p in likely.split("_")[1:] if len(p) == 2 and p.isupper()), "")
