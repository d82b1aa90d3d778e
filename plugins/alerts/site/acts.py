"""The act on the page: words and template helpers for calls, emails and letters.

Templates get `office_hours` (hours in words), `hours_data` (what the page's script needs
to say "Open now"), `blanks` (a script or letter with its placeholders marked), and
`act_words` (the script's words in the page's language).
"""

from __future__ import annotations

import json

from markupsafe import Markup, escape

from alerts.authoring import hours
from alerts.authoring.placeholders import AUTOCOMPLETE, Blank
from alerts.site.i18n import register_strings, t
from alerts.site.urls import SiteURLs

register_strings({
    "en": {
        "your_details": "Your details",
        "your_details_note": "Fill in what you like: it completes the script and the "
                             "letters below. It stays in this browser and is sent nowhere.",
        "detail_name": "Your name", "detail_zip": "Your ZIP code",
        "detail_address": "Your address", "detail_phone": "Your phone",
        "detail_city": "Your city",
        "forget_details": "Clear my details",
        "what_to_say": "What to say",
        "voicemail": "If you reach voicemail",
        "call_office": "Call {office}",
        "main_line": "Main line",
        "office_hours": "Hours",
        "open_now": "Open now, until {time}",
        "closed_opens": "Closed — opens {day} {time}",
        "today": "today", "tomorrow": "tomorrow",
        "how_did_it_go": "How did it go?",
        "called": "I called", "left_message": "Left a message",
        "no_answer": "Couldn't get through",
        "reached": "{n} of {m} offices reached",
        "forget_calls": "Forget my calls",
        "calls_private": "Your calls are remembered in this browser only.",
        "email_to": "To",
        "subject": "Subject",
        "your_letter": "Your letter (you can edit it)",
        "open_email": "Open in my email app",
        "copy_letter": "Copy the letter",
        "copied": "Copied. Paste it into your email.",
        "letter_copy_failed": "Could not copy: select the letter and copy it yourself.",
        "long_letter": "This letter is too long for an email link: copy it first, then "
                       "paste it into the email that opens.",
        "print_letter": "Print a letter to {target}, {office}",
        "letter_how": "Print it, fill in the blanks, sign it and post it; the address "
                      "shows through a window envelope.",
        "read_letter": "Read the letter",
        "signature": "Signature",
        "address": "Address",
        "letter_to": "Letter to {target}, {office}",
        "print_this_letter": "Print this letter",
    },
    "es": {
        "your_details": "Tus datos",
        "your_details_note": "Llena lo que quieras: completa el guion y las cartas. Se "
                             "guarda solo en este navegador y no se envía a ningún lado.",
        "detail_name": "Tu nombre", "detail_zip": "Tu código postal",
        "detail_address": "Tu dirección", "detail_phone": "Tu teléfono",
        "detail_city": "Tu ciudad",
        "forget_details": "Borrar mis datos",
        "what_to_say": "Qué decir",
        "voicemail": "Si contesta el buzón de voz",
        "call_office": "Llamar a {office}",
        "main_line": "Línea principal",
        "office_hours": "Horario",
        "open_now": "Abierto ahora, hasta las {time}",
        "closed_opens": "Cerrado — abre {day} a las {time}",
        "today": "hoy", "tomorrow": "mañana",
        "how_did_it_go": "¿Cómo te fue?",
        "called": "Llamé", "left_message": "Dejé un mensaje",
        "no_answer": "No pude comunicarme",
        "reached": "{n} de {m} oficinas contactadas",
        "forget_calls": "Olvidar mis llamadas",
        "calls_private": "Tus llamadas se recuerdan solo en este navegador.",
        "email_to": "Para",
        "subject": "Asunto",
        "your_letter": "Tu carta (puedes editarla)",
        "open_email": "Abrir en mi correo",
        "copy_letter": "Copiar la carta",
        "copied": "Copiada. Pégala en tu correo.",
        "letter_copy_failed": "No se pudo copiar: selecciona la carta y cópiala.",
        "long_letter": "Esta carta es muy larga para un enlace de correo: cópiala primero "
                       "y pégala en el correo que se abre.",
        "print_letter": "Imprimir una carta a {target}, {office}",
        "letter_how": "Imprímela, llena los espacios, fírmala y envíala; la dirección se "
                      "ve por la ventana del sobre.",
        "read_letter": "Leer la carta",
        "signature": "Firma",
        "address": "Dirección",
        "letter_to": "Carta a {target}, {office}",
        "print_this_letter": "Imprimir esta carta",
    },
})

#: Words the page's script needs, by key.
_SCRIPT_WORDS = ("open_now", "closed_opens", "today", "tomorrow", "reached", "copied",
                 "letter_copy_failed")


def office_hours(office, lang: str) -> str:
    return hours.in_words(office.hours, office.timezone, lang) if office.hours else ""


def hours_data(office, lang: str) -> str:
    return json.dumps(hours.browser_data(office.hours, office.timezone, lang),
                      ensure_ascii=False, separators=(",", ":"))


def act_words(lang: str) -> str:
    return json.dumps({key: t(key, lang) for key in _SCRIPT_WORDS}, ensure_ascii=False,
                      separators=(",", ":"))


def placeholder_map(action) -> str:
    return json.dumps(dict(action.placeholders), ensure_ascii=False, separators=(",", ":"))


def detail_label(field: str, action, lang: str) -> str:
    """The form label of a detail: ours in the page's language, else the placeholder."""
    if field in AUTOCOMPLETE:
        return t(f"detail_{field}", lang)
    return next((text for text, name in action.placeholders if name == field), field)


def blanks(parts: tuple) -> Markup:
    """A script or letter as HTML paragraphs, each placeholder a highlighted blank the
    page's script fills from the visitor's details."""
    html, paragraphs = [], [[]]
    for part in parts:
        if isinstance(part, Blank):
            paragraphs[-1].append(Markup('<mark class="blank" data-fill="{}" '
                                         'data-blank="{}">[{}]</mark>').format(
                                             part.field, part.text, part.text))
            continue
        chunks = part.split("\n\n")
        for index, chunk in enumerate(chunks):
            if index:
                paragraphs.append([])
            paragraphs[-1].append(Markup("<br>").join(escape(line)
                                                      for line in chunk.split("\n")))
    for paragraph in paragraphs:
        inner = Markup("").join(paragraph)
        if inner.strip():
            html.append(Markup("<p>{}</p>").format(inner))
    return Markup("\n").join(html)


def letter_page(alert, target, office) -> str:
    """A letter's printable page, relative to the alert's page. The print plugin links
    the letter's PDF instead when it makes PDFs."""
    return SiteURLs.letter(alert, target, office).removeprefix(alert.url)


def add_template_helpers(settings: dict) -> None:
    settings["JINJA_GLOBALS"].update({
        "letter_href": letter_page,
        "office_hours": office_hours, "hours_data": hours_data, "act_words": act_words,
        "blanks": blanks, "detail_label": detail_label, "placeholder_map": placeholder_map,
        "autocomplete": AUTOCOMPLETE,
    })
