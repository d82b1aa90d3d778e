"""Interface words in each language the site speaks, and dates written out in words.

Plugins add their own words with `register_strings`; templates call `t(key, lang)`.
A language without a word falls back to English, which must have every key.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache

from babel.dates import format_date, format_time

DEFAULT_LANG = "en"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "deadline": "Deadline",
        "closed_on": "This action closed on",
        "closed": "Closed",
        "closing_soon": "Closing soon",
        "open": "Open",
        "no_deadline": "No deadline",
        "left": "{n} left",
        "left_one": "{n} left",
        "day": "1 day",
        "days": "{n} days",
        "hour": "1 hour",
        "hours": "{n} hours",
        "minute": "1 minute",
        "minutes": "{n} minutes",
        "less_than_minute": "less than a minute",
        "take_action": "Take action",
        "who_to_contact": "Who to contact",
        "see_open_alerts": "See the alerts that are still open",
        "by": "By",
        "published": "Published",
        "open_alerts": "Open alerts",
        "no_open_alerts": "There are no open alerts right now.",
        "archive": "Closed alerts",
        "no_closed_alerts": "No alert has closed yet.",
        "tags": "Topics",
        "targets": "Targets",
        "alerts_tagged": "Alerts about",
        "alerts_to": "Alerts to",
        "skip": "Skip to content",
        "main_nav": "Main",
        "feed": "Atom feed",
        "phone": "Phone",
        "email": "Email",
        "website": "Website",
        "to": "To",
        "print": "Print",
        "scan_to": "Scan with your phone: {label}",
        "online_at": "This alert online:",
        "download_pdf": "Download PDF",
        "not_found": "Page not found",
        "not_found_text": "There is no page at this address. It may have moved.",
        "languages": "Languages",
        "preview": "Preview — not published",
        "also_in": "Also in",
    },
    "es": {
        "deadline": "Fecha límite",
        "closed_on": "Esta acción se cerró el",
        "closed": "Cerrada",
        "closing_soon": "Cierra pronto",
        "open": "Abierta",
        "no_deadline": "Sin fecha límite",
        "left": "quedan {n}",
        "left_one": "queda {n}",
        "day": "1 día",
        "days": "{n} días",
        "hour": "1 hora",
        "hours": "{n} horas",
        "minute": "1 minuto",
        "minutes": "{n} minutos",
        "less_than_minute": "menos de un minuto",
        "take_action": "Actúa ahora",
        "who_to_contact": "A quién contactar",
        "see_open_alerts": "Ver las alertas que siguen abiertas",
        "by": "Por",
        "published": "Publicada",
        "to": "Para",
        "phone": "Teléfono",
        "email": "Correo",
        "website": "Sitio web",
        "print": "Imprimir",
        "scan_to": "Escanea con tu teléfono: {label}",
        "online_at": "Esta alerta en línea:",
        "download_pdf": "Descargar PDF",
        "tags": "Temas",
        "open_alerts": "Alertas abiertas",
        "no_open_alerts": "Ahora no hay alertas abiertas.",
        "archive": "Alertas cerradas",
        "no_closed_alerts": "Todavía no se ha cerrado ninguna alerta.",
        "targets": "Destinatarios",
        "alerts_tagged": "Alertas sobre",
        "alerts_to": "Alertas para",
        "skip": "Saltar al contenido",
        "main_nav": "Principal",
        "feed": "Canal Atom",
        "not_found": "Página no encontrada",
        "not_found_text": "No hay ninguna página en esta dirección. Puede que se haya movido.",
        "languages": "Idiomas",
        "preview": "Vista previa — no publicada",
        "also_in": "También en",
    },
    "ar": {
        "deadline": "الموعد النهائي",
        "closed_on": "أُغلق هذا التحرك في",
        "closed": "مُغلق",
        "closing_soon": "يُغلق قريبًا",
        "open": "مفتوح",
        "no_deadline": "بلا موعد نهائي",
        "left": "المتبقي: {n}",
        "left_one": "المتبقي: {n}",
        "day": "يوم واحد",
        "days": "{n} يوم",
        "hour": "ساعة واحدة",
        "hours": "{n} ساعة",
        "minute": "دقيقة واحدة",
        "minutes": "{n} دقيقة",
        "less_than_minute": "أقل من دقيقة",
        "take_action": "تحرّك الآن",
        "who_to_contact": "بمن تتصل",
        "see_open_alerts": "اطّلع على التنبيهات التي لا تزال مفتوحة",
        "by": "بقلم",
        "published": "نُشر في",
        "open_alerts": "التنبيهات المفتوحة",
        "no_open_alerts": "لا توجد تنبيهات مفتوحة الآن.",
        "archive": "التنبيهات المغلقة",
        "no_closed_alerts": "لم يُغلق أي تنبيه بعد.",
        "tags": "المواضيع",
        "targets": "الجهات المستهدفة",
        "alerts_tagged": "تنبيهات حول",
        "alerts_to": "تنبيهات موجهة إلى",
        "skip": "انتقل إلى المحتوى",
        "main_nav": "الرئيسية",
        "feed": "موجز Atom",
        "phone": "الهاتف",
        "email": "البريد الإلكتروني",
        "website": "الموقع",
        "to": "إلى",
        "print": "اطبع",
        "scan_to": "امسح الرمز بهاتفك: {label}",
        "online_at": "هذا التنبيه على الإنترنت:",
        "download_pdf": "نزّل ملف PDF",
        "not_found": "الصفحة غير موجودة",
        "not_found_text": "لا توجد صفحة على هذا العنوان. ربما نُقلت.",
        "languages": "اللغات",
        "preview": "معاينة — غير منشورة",
        "also_in": "متوفر أيضًا بـ",
    },
}


def register_strings(strings: dict[str, dict[str, str]]) -> None:
    """Add a plugin's words; English is required for every key it adds. A key another
    part of the site already gives a different word is refused: one would silently
    replace the other everywhere it is used."""
    for lang, words in strings.items():
        known = STRINGS.setdefault(lang, {})
        for key, word in words.items():
            if known.get(key, word) != word:
                raise ValueError(f"interface word {key!r} ({lang}) is already "
                                 f"{known[key]!r}; give {word!r} a key of its own")
        known.update(words)


def t(key: str, lang: str | None = None, **values) -> str:
    """The word for `key` in `lang` (or English), with {placeholders} filled in."""
    words = STRINGS.get(base_lang(lang), {})
    text = words.get(key) or STRINGS[DEFAULT_LANG][key]
    return text.format(**values) if values else text


def time_words(lang: str | None = None) -> str:
    """The words theme/static/js/alert.js needs, as JSON for a data- attribute."""
    keys = ("left", "left_one", "day", "days", "hour", "hours", "minute", "minutes",
            "less_than_minute", "closed", "closing_soon", "open")
    return json.dumps({key: t(key, lang) for key in keys}, ensure_ascii=False,
                      sort_keys=True)


def base_lang(lang: str | None) -> str:
    return (lang or DEFAULT_LANG).replace("_", "-").split("-")[0].lower()


def _locale(lang: str | None) -> str:
    code = base_lang(lang)
    return code if code in STRINGS else DEFAULT_LANG


def _clean(text: str) -> str:
    # CLDR puts narrow no-break spaces in times ("6:00\u202fPM"); plain spaces read
    # the same, copy and paste cleanly and exist in every font.
    return text.replace("\u202f", " ").replace("\xa0", " ")


@lru_cache(maxsize=8192)  # tag and target pages repeat every alert's dates
def long_datetime(value: datetime, lang: str | None = None) -> str:
    """"Friday, July 15, 2016, 6:00 PM EDT" in the value's own zone."""
    loc = _locale(lang)
    day = format_date(value.date(), format="full", locale=loc)
    time = format_time(value.timetz(), format="short", locale=loc)
    return _clean(f"{day}, {time} {value.strftime('%Z')}")


@lru_cache(maxsize=8192)  # tag and target pages repeat every alert's dates
def long_date(value: datetime, lang: str | None = None) -> str:
    """"July 13, 2016"."""
    return _clean(format_date(value.date(), format="long", locale=_locale(lang)))


@lru_cache(maxsize=8192)  # tag and target pages repeat every alert's dates
def short_date(value: datetime, lang: str | None = None) -> str:
    """"Fri, Jul 15", as a card has room for."""
    return _clean(format_date(value.date(), format="EEE, MMM d", locale=_locale(lang)))
