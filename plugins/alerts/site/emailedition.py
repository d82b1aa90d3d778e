"""The email edition of every alert: `email.html` and `email.txt` beside its page, ready
to paste into an email tool.

The HTML is made for email clients, not browsers: a 600 px table layout that narrows on
a phone without media queries, every style inlined from theme/templates/email.css (by
css-inline; no <style> or <link> is left), each action a "bulletproof" button (a table
cell with a background and a padded link, which Outlook draws too), the photo at an
absolute address with its size and alt text, the deadline in words, and "View this alert
online" first. The text part writes every link out. Merge tags are written in the email
tool's syntax (EMAIL["merge_syntax"]), where the page has their fallback
(alerts.authoring.mergetags).

Every address must be absolute, so only a build with SITEURL (`make publish`) writes the
edition; a build without says so in the one SITEURL warning (plugins/sharing). Drafts get
one too, beside the draft page, whose "Copy email HTML" button copies it; its links point
where the alert will be once published. A closed alert's edition says that it closed.
"""

from __future__ import annotations

import difflib
import logging
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from alerts.authoring.links import with_utm
from alerts.authoring.model import CLOSED
from alerts.build import pipeline
from alerts.build.config import SettingsError, merged
from alerts.build.files import link_or_copy
from alerts.site import emailtext
from alerts.site.emailcache import EmailCache
from alerts.site.i18n import register_strings

logger = logging.getLogger(__name__)

#: Merge tag syntaxes by name: a Python format pattern with {name} ({{ is a literal {).
PRESETS = {
    #: [[First_Name]]: double square brackets, as the alerts' own copy writes them.
    "brackets": "[[{name}]]",
    #: *|First_Name|*: Mailchimp's merge tags.
    "mailchimp": "*|{name}|*",
    #: {{contact.First_Name}}: HubSpot's personalization tokens.
    "hubspot": "{{{{contact.{name}}}}}",
    #: %%First_Name%%: Salesforce Marketing Cloud's personalization strings.
    "percent": "%%{name}%%",
}

#: The EMAIL setting is merged over these; any other key is an error.
DEFAULTS = {
    #: How the email writes merge tags: a name in PRESETS, or a pattern of your own
    #: with {name} where the tag's name goes (write a literal { or } as {{ or }}).
    "merge_syntax": "brackets",
    #: Add utm_source=email&utm_medium=email&utm_campaign=<slug> to links to this site.
    "utm": False,
}

#: The stylesheet inlined into every email.html; it is not published as a file.
STYLESHEET = Path("templates") / "email.css"

register_strings({
    "en": {"email_view_online": "View this alert online",
           "email_copy": "Copy email HTML", "email_copied": "Email HTML copied",
           "email_copy_failed": "Could not copy; open email.html and copy its source"},
    "es": {"email_view_online": "Ver esta alerta en línea",
           "email_copy": "Copiar el HTML del correo",
           "email_copied": "HTML del correo copiado",
           "email_copy_failed": "No se pudo copiar; abre email.html y copia su código"},
    "ar": {"email_view_online": "اعرض هذا التنبيه على الإنترنت",
           "email_copy": "انسخ HTML الرسالة", "email_copied": "نُسخ HTML الرسالة",
           "email_copy_failed": "تعذّر النسخ؛ افتح email.html وانسخ مصدره"},
})


def email_settings(settings: dict) -> dict:
    """EMAIL merged over DEFAULTS and checked, once per build."""
    return merged(settings, "EMAIL", DEFAULTS, _check)


def merge_pattern(settings: dict) -> str:
    """EMAIL["merge_syntax"] as a pattern with {name}."""
    syntax = email_settings(settings)["merge_syntax"]
    return PRESETS.get(syntax, syntax)


def _check(conf: dict) -> None:
    if not isinstance(conf["utm"], bool):
        raise SettingsError(f"EMAIL['utm'] must be True or False, not {conf['utm']!r}")
    syntax = conf["merge_syntax"]
    if not isinstance(syntax, str) or not syntax:
        raise SettingsError(f"EMAIL['merge_syntax'] = {syntax!r}: name a preset "
                            f"({', '.join(PRESETS)}) or write a pattern with {{name}}")
    if syntax in PRESETS:
        return
    if "{name}" not in syntax:
        close = difflib.get_close_matches(syntax, PRESETS, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        presets = ", ".join(f"{key} ({value.format(name='First_Name')})"
                            for key, value in PRESETS.items())
        raise SettingsError(
            f"EMAIL['merge_syntax'] = {syntax!r} is not a preset and has no {{name}}; "
            f"{hint}presets: {presets}; or write a pattern such as '*|{{name}}|*'")
    try:
        written = syntax.format(name="First_Name")
    except (KeyError, IndexError, ValueError):
        written = None
    if written is None or "\n" in written:
        raise SettingsError(
            f"EMAIL['merge_syntax'] = {syntax!r} cannot be filled in: only {{name}} may be "
            "in braces; write a literal { or } as {{ or }}, e.g. '{{{{contact.{name}}}}}'")


def setup(pelican) -> None:
    """The step's setup: check EMAIL before any file is read, so a mistake stops every
    build at once (`make check` and `make html` too, which write no email)."""
    email_settings(pelican.settings)


# -- the step -------------------------------------------------------------------------

def write_email_editions(state) -> None:
    """The "email" step: each alert's and each draft's email.html and email.txt."""
    settings = state.settings
    base = (settings.get("SITEURL") or "").rstrip("/")
    if not base:
        if "sharing" not in pipeline.plugin_names(settings):  # else its warning says so
            logger.warning("alerts: SITEURL is empty, so no email edition is written; "
                           "`make publish` writes it")
        return
    conf = email_settings(settings)
    edition = Edition(settings, base, merge_pattern(settings), conf["utm"], state.urls)
    output = Path(state.output_path)
    kept = EmailCache(Path(settings["CACHE_PATH"]) / "email", edition.shared())
    for alert in [*state.alerts, *state.drafts]:
        folder = alert.url
        files = (output / state.urls.email_html(folder), output / state.urls.email_text(folder))
        page = state.urls.page_file(folder)
        tagged = alert.tagged
        key = kept.key(output / page, page,
                       (tagged.title, tagged.summary, tagged.body) if tagged else ())
        if kept.reuse(key, *files):
            continue
        for source, target in zip(kept.store(key, *edition.render(alert)), files, strict=True):
            link_or_copy(source, target)
    kept.finish()
    logger.info("alerts: email: %d rendered, %d reused", kept.rendered, kept.reused)


class Edition:
    """What one build's emails share: addresses, merge syntax, templates, the inliner."""

    def __init__(self, settings: dict, base: str, pattern: str, utm: bool, urls) -> None:
        self.settings, self.base, self.pattern, self.utm, self.urls = \
            settings, base, pattern, utm, urls
        self.origin = _origin(base)
        theme = Path(settings["THEME"])
        env = _environment(settings)
        self.html_template = env.get_template("email.html")
        self.text_template = env.get_template("email.txt")
        import css_inline  # here: its import costs 35 ms, and only publish builds use it

        # Read on every build: a long-lived process (tests, a server) sees theme edits.
        self.css = (theme / STYLESHEET).read_text("utf-8")
        self.inliner = css_inline.CSSInliner(
            extra_css=self.css, keep_style_tags=False,
            keep_link_tags=False, load_remote_stylesheets=False)

    def shared(self) -> dict:
        """What shapes every email of this build besides its alert (alerts.site.emailcache)."""
        return {"base": self.base, "pattern": self.pattern, "utm": self.utm,
                "site": self.settings.get("SITENAME") or "",
                "templates": [Path(t.filename).read_text("utf-8")
                              for t in (self.html_template, self.text_template)],
                "css": self.css}

    def link(self, url: str, alert) -> str:
        """`url` absolute; a link to this site with the UTM tags when EMAIL["utm"]."""
        if self.utm and _origin(url) == self.origin:
            return with_utm(url, "email", "email", alert.slug)
        return url

    def page(self, alert) -> str:
        """Where the alert is once published (a draft's too): its absolute address."""
        published = self.urls.alert(alert.slug, alert.lang, translation=alert.translation,
                                    draft=False)
        return f"{self.base}/{published}"

    def render(self, alert) -> tuple[str, str]:
        title, summary, body = alert.tagged.edition(self.pattern)
        page = self.page(alert)
        body = emailtext.absolute_links(body, page, lambda url: self.link(url, alert))
        closed = alert.state == CLOSED
        actions = [] if closed else [
            (action.label, self.link(urljoin(page, action.href), alert))
            for action in alert.actions]
        photo = None
        if alert.image is not None:
            width, height = alert.image.web_size
            shown = min(width, 600)
            photo = {"src": page + alert.image.output_name, "alt": alert.image.alt,
                     "width": shown, "height": round(height * shown / width),
                     "caption": alert.image.caption}
        values = {
            "alert": alert, "title": title, "summary": summary, "body": body,
            "page_url": self.link(page, alert), "site_url": self.link(self.base + "/", alert),
            "actions": actions, "photo": photo, "closed": closed,
            "SITENAME": self.settings.get("SITENAME") or "",
        }
        html = self.html_template.render(values)
        html = self.inliner.inline(html)
        text = self.text_template.render(values, body_text=emailtext.plain(body))
        return html, emailtext.tidy(text)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _environment(settings: dict):
    """Pelican's template environment for the theme, with the plugins' filters and
    globals, as its generators make it."""
    from pelican.generators import Generator

    generator = Generator(dict(settings), settings, settings["PATH"], settings["THEME"],
                          settings["OUTPUT_PATH"])
    return generator.env


#: What the alerts plugin adds to the build (see alerts.build.pipeline).
STEP = pipeline.Step("email", write_email_editions, needs=("pages",), setup=setup)
