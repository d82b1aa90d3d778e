"""Our page that sends a share to the visitor's own fediverse server.

Mastodon is many servers, not one site, so a share link cannot know where to go. The
alert page links here with the words after "#" (sharing.links.fediverse): browsers never
send that part, so no server, ours included, receives them. theme/static/js/fediverse.js
reads them, asks for the visitor's server once (remembered in this browser only) and goes
to `https://<server>/share?text=…`. The page is written once, in the site's language,
with every language's words for the script, which follows the `lang` in the fragment.
"""

from __future__ import annotations

import json
import re

from pelican.generators import Generator

from alerts.authoring.languages import direction
from alerts.build import state as buildstate
from alerts.site.i18n import STRINGS as ALL_WORDS
from alerts.site.i18n import register_strings

#: Servers suggested as plain text (a <datalist>), unless SHARE["fediverse_servers"]
#: names others: never fetched, never contacted.
SUGGESTIONS = ("mastodon.social", "mastodon.online")

# What the page accepts as a server (theme/static/js/fediverse.js checks typed names the
# same way): labels of lowercase letters, digits and hyphens (not first or last, 63 at
# most), two or more joined by dots, the last not all digits; then an optional :port.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"({_LABEL}(?:\.{_LABEL})+)(?::([1-9][0-9]{{0,4}}))?")


def is_host(name: str) -> bool:
    """Whether `name` is a server name the fediverse page would go to."""
    match = _HOST.fullmatch(name)
    return bool(match) and len(match[1]) <= 253 and not re.search(r"\.[0-9]+$", match[1]) \
        and int(match[2] or 1) <= 65535

STRINGS = {
    "en": {
        "fedi_title": "Share on Mastodon",
        "fedi_intro": "Mastodon is many servers, not one site. Tell us yours and we take "
                      "you there with the post written; you check it and post it yourself.",
        "fedi_text": "What you will share",
        "fedi_server": "Your server",
        "fedi_hint": "Only its name, as in mastodon.social: no https://, no /path, no @name.",
        "fedi_go": "Go to my server",
        "fedi_forget": "Use another server",
        "fedi_bad": "That is not a server name. Write only the name, as in mastodon.social: "
                    "without https://, a path, @ or spaces.",
        "fedi_no_text": "There is nothing to share: open this page from an alert's "
                        "“Share on Mastodon” link.",
        "fedi_needs_js": "This page needs JavaScript. The words to share travel in the part "
                         "of the address after “#”, which only your browser reads, so that "
                         "no server, not even ours, receives them; without JavaScript this "
                         "page cannot read them. Copy the alert's address instead and post "
                         "it on your server.",
        "fedi_software": "This works with servers running Mastodon or Misskey, which open a "
                         "new post at https://<server>/share?text=…. Other fediverse "
                         "software may not have that address.",
        "fedi_privacy": "Your server's name is kept in this browser only, never sent to us. "
                        "Nothing leaves this page until you press the button.",
    },
    "es": {
        "fedi_title": "Compartir en Mastodon",
        "fedi_intro": "Mastodon son muchos servidores, no un solo sitio. Dinos el tuyo y te "
                      "llevamos allí con la publicación escrita; la revisas y la publicas tú.",
        "fedi_text": "Lo que vas a compartir",
        "fedi_server": "Tu servidor",
        "fedi_hint": "Solo su nombre, como mastodon.social: sin https://, sin /ruta, "
                     "sin @nombre.",
        "fedi_go": "Ir a mi servidor",
        "fedi_forget": "Usar otro servidor",
        "fedi_bad": "Eso no es el nombre de un servidor. Escribe solo el nombre, como "
                    "mastodon.social: sin https://, ruta, @ ni espacios.",
        "fedi_no_text": "No hay nada que compartir: abre esta página desde el enlace "
                        "«Compartir en Mastodon» de una alerta.",
        "fedi_needs_js": "Esta página necesita JavaScript. Las palabras que compartes viajan "
                         "en la parte de la dirección tras «#», que solo lee tu navegador, "
                         "para que ningún servidor, ni siquiera el nuestro, las reciba; sin "
                         "JavaScript esta página no puede leerlas. Copia la dirección de la "
                         "alerta y publícala en tu servidor.",
        "fedi_software": "Funciona con servidores de Mastodon o Misskey, que abren una "
                         "publicación nueva en https://<servidor>/share?text=…. Otros "
                         "programas del fediverso pueden no tener esa dirección.",
        "fedi_privacy": "El nombre de tu servidor se guarda solo en este navegador y nunca "
                        "nos llega. Nada sale de esta página hasta que pulses el botón.",
    },
    "ar": {
        "fedi_title": "شارك على ماستودون",
        "fedi_intro": "ماستودون خوادم كثيرة وليس موقعًا واحدًا. أخبرنا بخادمك وسنأخذك "
                      "إليه والمنشور مكتوب؛ تراجعه وتنشره بنفسك.",
        "fedi_text": "ما ستشاركه",
        "fedi_server": "خادمك",
        "fedi_hint": "اسمه فقط، مثل mastodon.social: دون https:// ودون /مسار ودون @اسم.",
        "fedi_go": "انتقل إلى خادمي",
        "fedi_forget": "استخدم خادمًا آخر",
        "fedi_bad": "هذا ليس اسم خادم. اكتب الاسم فقط، مثل mastodon.social: دون https:// "
                    "أو مسار أو @ أو مسافات.",
        "fedi_no_text": "لا يوجد ما تشاركه: افتح هذه الصفحة من رابط «شارك على ماستودون» "
                        "في أحد التنبيهات.",
        "fedi_needs_js": "تحتاج هذه الصفحة إلى جافاسكربت. الكلمات التي تشاركها موجودة في "
                         "جزء العنوان بعد «#» الذي لا يقرؤه إلا متصفحك، كي لا يتلقاها أي "
                         "خادم، ولا حتى خادمنا؛ ودون جافاسكربت لا تستطيع هذه الصفحة "
                         "قراءتها. انسخ عنوان التنبيه وانشره على خادمك.",
        "fedi_software": "يعمل هذا مع الخوادم التي تشغّل ماستودون أو ميسكي، إذ تفتح منشورًا "
                         "جديدًا على https://<server>/share?text=…. قد لا يتوفر هذا "
                         "العنوان في برامج الفديفيرس الأخرى.",
        "fedi_privacy": "يُحفظ اسم خادمك في هذا المتصفح فقط ولا يُرسل إلينا أبدًا. لا يخرج "
                        "شيء من هذه الصفحة حتى تضغط الزر.",
    },
}

register_strings(STRINGS)

#: The words the script swaps in when the fragment names another language.
SCRIPT_KEYS = tuple(STRINGS["en"])


def page_words() -> str:
    """Every language's words for the page, and its direction, as JSON for a data-
    attribute: {"es": {"dir": "ltr", "fedi_title": …}, …}."""
    words = {}
    for lang, known in sorted(ALL_WORDS.items()):
        if all(key in known for key in SCRIPT_KEYS):
            words[lang] = {"dir": direction(lang), **{key: known[key] for key in SCRIPT_KEYS}}
    return json.dumps(words, ensure_ascii=False, sort_keys=True)


def listed(share: dict) -> bool:
    """Whether the site's share links include the fediverse (SHARE["networks"])."""
    return share["networks"] is None or "fediverse" in share["networks"]


class FediversePageGenerator(Generator):
    """Writes the fediverse share page with the theme's fediverse.html (sharing.sharing
    adds it only when the site's share links include the fediverse)."""

    def generate_output(self, writer):
        urls = buildstate.current().urls
        lang = self.settings["DEFAULT_LANG"]
        writer.write_file(
            urls.share_fediverse_save_as, self.get_template("fediverse"), self.context,
            relative_urls=self.settings["RELATIVE_URLS"], url=urls.share_fediverse,
            canonical_path=urls.share_fediverse, page_lang=lang, page_dir=direction(lang),
            fediverse_words=page_words())
