"""Search over every published alert: the search pages, what each alert page tells the
index, and the "search" step, which indexes the alert pages with Pagefind.

- Pagefind builds one index per `<html lang>`. Regional versions (`es-MX`) are indexed
  with their language (`es`), so the Spanish search finds every Spanish alert; the
  "language" filter still tells "Español" from "Español (México)". There is a search
  page per indexed language: SEARCH_URL in the site's language, SEARCH_LANG_URL
  ("search/es/") for the others; each searches its own index, and they link each other.
- Alert pages carry the filters (state, topic, target, language), the meta a result
  shows (the deadline or outcome in words, the summary) and a sort key (the date) in
  `data-pagefind-*` attributes (theme/templates/partials/search_bits.html).
- The step hands Pagefind exactly the published alert pages, each language version (no
  listing, embed, letter, draft or 404), runs it into a temporary folder, keeps the files
  the pages need in the cache and links them into the build's SEARCH_BUNDLE_URL. The
  same pages (and Pagefind version and options) reuse the cached bundle: nothing is
  indexed. A failure fails the build (alerts.site.searchindex).
"""

from __future__ import annotations

import json
import logging

from pelican.generators import Generator

from alerts.authoring.languages import direction, own_name
from alerts.build import state as buildstate
from alerts.site import headers
from alerts.site.i18n import base_lang, long_datetime, register_strings, t
from alerts.site.searchindex import start_index, write_index

logger = logging.getLogger(__name__)

register_strings({
    "en": {
        "search": "Search",
        "search_title": "Search the alerts",
        "search_description": "Find any alert, open or closed, by its words, topic, "
                              "target or language.",
        "search_label": "Words to find",
        "search_hint": "A word from the alert, a target's name, a place…",
        "search_filters": "Narrow the results",
        "search_state": "State",
        "search_topic": "Topic",
        "search_target": "Target",
        "search_language": "Language",
        "search_results": "Results",
        "search_start": "Type a word or choose a filter to see alerts.",
        "search_none": "No alert matches.",
        "search_one": "1 alert found.",
        "search_many": "{n} alerts found.",
        "search_loading": "Searching…",
        "search_failed": "The search could not load. Browse the alerts instead:",
        "search_needs_js": "Searching needs JavaScript, which is off or blocked in "
                           "this browser. Browse the alerts instead:",
        "search_browse": "Or browse the alerts:",
        "search_other_languages": "Search the alerts in",
        "search_nothing": "No alert has been published yet.",
    },
    "es": {
        "search": "Buscar",
        "search_title": "Buscar alertas",
        "search_description": "Encuentra cualquier alerta, abierta o cerrada, por sus "
                              "palabras, tema, destinatario o idioma.",
        "search_label": "Palabras que buscar",
        "search_hint": "Una palabra de la alerta, un destinatario, un lugar…",
        "search_filters": "Acotar los resultados",
        "search_state": "Estado",
        "search_topic": "Tema",
        "search_target": "Destinatario",
        "search_language": "Idioma",
        "search_results": "Resultados",
        "search_start": "Escribe una palabra o elige un filtro para ver alertas.",
        "search_none": "Ninguna alerta coincide.",
        "search_one": "1 alerta encontrada.",
        "search_many": "{n} alertas encontradas.",
        "search_loading": "Buscando…",
        "search_failed": "No se pudo cargar la búsqueda. Explora las alertas:",
        "search_needs_js": "Para buscar hace falta JavaScript, que está desactivado o "
                           "bloqueado en este navegador. Explora las alertas:",
        "search_browse": "O explora las alertas:",
        "search_other_languages": "Buscar las alertas en",
        "search_nothing": "Todavía no se ha publicado ninguna alerta.",
    },
    "ar": {
        "search": "بحث",
        "search_title": "ابحث في التنبيهات",
        "search_description": "ابحث عن أي تنبيه، مفتوحًا كان أو مغلقًا، بكلماته أو موضوعه "
                              "أو الجهة المستهدفة أو لغته.",
        "search_label": "كلمات البحث",
        "search_hint": "كلمة من التنبيه، أو اسم جهة مستهدفة، أو مكان…",
        "search_filters": "تضييق النتائج",
        "search_state": "الحالة",
        "search_topic": "الموضوع",
        "search_target": "الجهة المستهدفة",
        "search_language": "اللغة",
        "search_results": "النتائج",
        "search_none": "لا يوجد تنبيه مطابق.",
        "search_one": "عدد التنبيهات: 1",
        "search_many": "عدد التنبيهات: {n}",
        "search_loading": "جارٍ البحث…",
        "search_start": "اكتب كلمة أو اختر عامل تصفية لعرض التنبيهات.",
        "search_failed": "تعذّر تحميل البحث. تصفّح التنبيهات بدلًا من ذلك:",
        "search_needs_js": "يحتاج البحث إلى JavaScript، وهو معطّل أو محظور في هذا المتصفح. "
                           "تصفّح التنبيهات بدلًا من ذلك:",
        "search_browse": "أو تصفّح التنبيهات:",
        "search_other_languages": "البحث في التنبيهات بلغات أخرى",
        "search_nothing": "لم يُنشر أي تنبيه بعد.",
    },
})

#: The filters alert pages carry, in the order the search page shows them.
FILTERS = ("state", "topic", "target", "language")
#: The words the page's script needs (theme/static/js/search.js).
_SCRIPT_WORDS = ("search_none", "search_one", "search_many", "search_loading",
                 "search_start", "search_failed")
#: The state filter's values in the order the page lists them (others alphabetically).
_STATE_WORDS = ("open", "closing_soon", "closed", "outcome_won", "outcome_mixed",
                "outcome_lost", "outcome_withdrawn")


def search_facts(alert) -> dict:
    """What an alert page tells the index: its filter values, the meta a result shows and
    its sort key, in the alert's language (theme/templates/partials/search_bits.html)."""
    lang = alert.lang
    states = [t({"open": "open", "closing": "closing_soon", "closed": "closed"}[alert.state],
                lang)]
    if alert.outcome:
        states.append(t(f"outcome_{alert.outcome}", lang))
    filters = [("state", s) for s in states]
    filters += [("topic", tag) for tag in alert.tags]
    filters += [("target", target.name) for target in alert.targets]
    filters.append(("language", own_name(lang)))
    return {"filters": filters,
            "meta": [("status", status_line(alert)), ("summary", alert.summary)],
            "sort": [("date", alert.date.isoformat())]}


def status_line(alert) -> str:
    """The deadline in words, or once closed the outcome, as a search result shows it."""
    lang = alert.lang
    if alert.outcome:
        word = t(f"outcome_{alert.outcome}", lang)
        return f"{word}: {alert.outcome_text}" if alert.outcome_text else word
    if alert.deadline is None:
        return t("no_deadline", lang)
    when = long_datetime(alert.deadline, lang)
    if alert.state == "closed":
        return f"{t('closed_on', lang)} {when}."
    return f"{t('deadline', lang)}: {when}"


def search_languages(alerts, default_lang: str) -> list[str]:
    """The languages with a search page: the site's, then each other language published
    alerts are written in (as Pagefind indexes them: "es", not "es-MX")."""
    site = base_lang(default_lang)
    found = {base_lang(alert.lang) for alert in alerts if not alert.draft}
    return [site, *sorted(found - {site})]


class SearchPageGenerator(Generator):
    """Writes a search page per indexed language."""

    def generate_output(self, writer):
        state = buildstate.current()
        urls = state.urls
        site_lang = base_lang(self.settings["DEFAULT_LANG"])
        langs = search_languages(state.alerts, self.settings["DEFAULT_LANG"])
        pages = [{"lang": lang, "name": own_name(lang), "dir": direction(lang),
                  "url": urls.search_page(None if lang == site_lang else lang)}
                 for lang in langs]
        template = self.get_template("search")
        for page in pages:
            lang = page["lang"]
            words = json.dumps({key: t(key, lang) for key in _SCRIPT_WORDS}
                               | {f"filter_{key}": t(f"search_{key}", lang) for key in FILTERS}
                               | {"states": [t(key, lang) for key in _STATE_WORDS]},
                               ensure_ascii=False, sort_keys=True)
            writer.write_file(
                urls.search_save_as(None if lang == site_lang else lang), template,
                self.context, relative_urls=self.settings["RELATIVE_URLS"],
                canonical_path=page["url"], url=page["url"], search_lang=lang,
                search_pages=pages, search_words=words, search_filters=FILTERS,
                search_indexed=bool(state.alerts),
                search_content_security_policy=headers.SEARCH_CONTENT_SECURITY_POLICY,
            )


def setup(pelican) -> None:
    """The step's setup: alert pages ask `search_facts` what to tell the index."""
    pelican.settings.setdefault("JINJA_GLOBALS", {})["search_facts"] = search_facts


__all__ = ["SearchPageGenerator", "search_facts", "setup", "start_index", "write_index"]
