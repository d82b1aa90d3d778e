"""Social cards for one build: a job per alert and one for the site, drawn through the cache."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from alerts.authoring.model import CLOSED, Alert
from alerts.build.config import merged
from alerts.build.files import link_or_copy
from alerts.site.i18n import short_date, t
from alerts.site.urls import SiteURLs
from sharing.cards import cache as cardcache
from sharing.cards import coverage as fontcoverage
from sharing.cards import draw as cards
from sharing.cards import fonts as cardfonts

log = logging.getLogger(__name__)

SITE_CARD = "card"  # the site card's name at the output root, before its extension


@dataclass(frozen=True)
class CardRef:
    """Where a card is published and what head-meta tags say about it."""

    path: str  # relative to the site root, e.g. "alerts/save-the-river/card.jpg"
    width: int
    height: int
    alt: str
    mime: str


def layout_for(settings: dict, *, warn: bool = False) -> dict:
    """The merged SOCIAL_CARDS layout, checked once per build and setting value (it is
    kept in the build's settings, see alerts.build.config.merged). A mistake in it raises
    SettingsError wherever it is first asked for. `warn` changes nothing: it asked for
    the warnings an unknown key gave before it became an error."""
    return merged(settings, "SOCIAL_CARDS", cards.DEFAULTS, cards.check_layout)


def deadline_label(alert: Alert) -> str:
    """"Won" (a closed alert's outcome), "Closed", "Deadline Fri, Jul 15", or "" for an
    alert with no deadline."""
    if alert.state == CLOSED:
        return t(f"outcome_{alert.outcome}" if alert.outcome else "closed", alert.lang)
    if alert.deadline is not None:
        return f"{t('deadline', alert.lang)} {short_date(alert.deadline, alert.lang)}"
    return ""


def target_label(alert: Alert) -> str:
    return f"{t('to', alert.lang)}: {alert.targets[0].name}" if alert.targets else ""


def card_for(alert: Alert | None, settings: dict) -> CardRef | None:
    """The card of an alert, or of the site when alert is None; None when cards are off."""
    layout = layout_for(settings)
    if not layout["enabled"]:
        return None
    if alert is None:
        fmt = layout["flat_format"]
        path = SITE_CARD
        alt = ". ".join(s for s in (settings.get("SITENAME", ""),
                                    settings.get("SITE_DESCRIPTION", "")) if s)
    else:
        fmt = layout["photo_format" if alert.image else "flat_format"]
        path = SiteURLs.card(alert, "")
        alt = ". ".join(s for s in (alert.title, deadline_label(alert), target_label(alert)) if s)
    ext, mime = cards.FORMATS[fmt]
    return CardRef(f"{path}.{ext}", layout["width"], layout["height"], alt, mime)


def _nfc(text: str) -> str:
    # Composed accents are what fonts map; "e" + U+0301 would fall apart between runs.
    return unicodedata.normalize("NFC", text or "").strip()


def _spec(title, header, lines, lang, photo, settings, layout, dirs) -> cards.CardSpec:
    title, header = _nfc(title), _nfc(header)
    lines = tuple((_nfc(text), key) for text, key in lines if text)
    title_fonts = _chain(tuple(layout["title_fonts"]), lang, dirs)
    text_fonts = _chain(tuple(layout["text_fonts"]), lang, dirs)
    if layout["system_fallback"]:
        title_fonts = _with_fallback(title_fonts, title + header, "Bold", dirs)
        text_fonts = _with_fallback(
            text_fonts, "".join(text for text, _ in lines), "Regular", dirs)
    return cards.CardSpec(title=title, title_fonts=title_fonts, text_fonts=text_fonts,
                          header=header, lines=lines, lang=lang, photo=photo,
                          logo=_logo(settings, layout))


@lru_cache(maxsize=64)
def _chain(names: tuple[str, ...], lang: str, dirs: tuple[str, ...]) -> cardfonts.FontChain:
    # One chain object per font list and language, so what it learns about each
    # character (which font has it) is learnt once per build, not once per alert.
    return cardfonts.resolve(list(names), lang, dirs)


def _with_fallback(chain, text: str, style: str, dirs) -> cardfonts.FontChain:
    """The chain itself when it has every character of text (the common case)."""
    if not _missing(chain, text):
        return chain
    return cardfonts.with_system_fallback(chain, text, style, dirs)


def _missing(chain: cardfonts.FontChain, text: str) -> str:
    """chain.missing(text), asked once per distinct character (same answer, same order)."""
    return chain.missing("".join(dict.fromkeys(text)))


def _logo(settings: dict, layout: dict) -> str | None:
    if not layout["logo"]:
        return None
    path = Path(settings.get("PATH", "."), layout["logo"])
    if not path.is_file():
        raise cards.CardConfigError(
            f"SOCIAL_CARDS['logo']: {path} does not exist; give a PNG, JPEG or WebP path "
            f"relative to the content folder (PATH) or an absolute one")
    return str(path)


def alert_spec(alert: Alert, settings: dict, layout: dict, dirs) -> cards.CardSpec:
    lines = ((deadline_label(alert), "accent_color"), (target_label(alert), "text_color"))
    photo = str(alert.image.source) if alert.image else None
    return _spec(alert.title, settings.get("SITENAME", ""), lines, alert.lang, photo,
                 settings, layout, dirs)


def site_spec(settings: dict, layout: dict, dirs) -> cards.CardSpec:
    lines = ((settings.get("SITE_DESCRIPTION", ""), "text_color"),)
    lang = settings.get("DEFAULT_LANG", "en")
    return _spec(settings.get("SITENAME", ""), "", lines, lang, None, settings, layout, dirs)


def install_hint(chars: str) -> str:
    """An apt package likely to cover chars."""
    cjk = any(unicodedata.east_asian_width(c) in "WF" and unicodedata.category(c) == "Lo"
              for c in chars)
    return "fonts-noto-cjk" if cjk else "fonts-noto-core"


def describe(chars: str) -> str:
    return ", ".join(f"{c} (U+{ord(c):04X})" for c in chars)


def missing_message(chars: str) -> str:
    if all(unicodedata.category(c) in ("So", "Sk", "Cf", "Mn") for c in chars):
        return (f"the card leaves out {describe(chars)}: symbols and colour emoji have no "
                "glyph in the card fonts; the page shows them as written")
    return (f"no card font has the characters {describe(chars)}, so the card leaves them "
            f"out; install a font that covers them (e.g. apt-get install "
            f"{install_hint(chars)})")


def _without(text: str, chars: str) -> str:
    """Text with characters no font can draw taken out, so the card shows no empty box."""
    return " ".join("".join(c for c in text if c not in chars).split())


def jobs_for(alerts, settings: dict, layout: dict, problems) -> list[cardcache.CardJob]:
    """A card job per alert plus the site card; characters no font has are recorded as problems."""
    dirs = cardfonts.font_dirs(settings.get("THEME"))
    jobs = []
    for alert in alerts:
        spec = alert_spec(alert, settings, layout, dirs)
        checks = (("title", spec.title_fonts, spec.title),
                  ("targets", spec.text_fonts, target_label(alert)))
        for field, chain, text in checks:
            gone = _missing(chain, _nfc(text))
            if gone:
                # A warning, not an error: an emoji in a title must not stop an alert.
                problems.add(alert.source_path, alert.lines.get(field, 1), field,
                             missing_message(gone), warning=True)
                spec = replace(spec, title=_without(spec.title, gone), lines=tuple(
                    (_without(line, gone), key) for line, key in spec.lines))
        jobs.append(cardcache.CardJob(SiteURLs.card(alert, ""), spec, layout))
    spec = site_spec(settings, layout, dirs)
    gone = spec.title_fonts.missing(spec.title) + spec.text_fonts.missing(
        "".join(text for text, _ in spec.lines))
    if gone:
        log.warning("cards: site card: SITENAME or SITE_DESCRIPTION: %s", missing_message(gone))
    jobs.append(cardcache.CardJob(SITE_CARD, spec, layout))
    return jobs


def place(source: Path, target: Path) -> None:
    """Put a cached card into the output: a hard link where it can, else a copy."""
    if source.stat().st_mode & 0o044 != 0o044:  # a card cached before cards were made 0644
        source.chmod(0o644)
    link_or_copy(source, target)


def write_cards(state) -> cardcache.RenderResult | None:
    """The "cards" step: draw (or reuse) every card of the build and put them into its
    output folder."""
    settings = state.settings
    layout = layout_for(settings, warn=True)
    if not layout["enabled"]:
        log.info("cards: SOCIAL_CARDS['enabled'] is False; no cards drawn")
        return None
    cache_path = Path(settings.get("CACHE_PATH", "cache"))
    fontcoverage.use_cache(cache_path / "fonts")
    jobs = jobs_for(state.alerts, settings, layout, state.problems)
    cache_dir = cache_path / "cards"
    result = cardcache.render(jobs, cache_dir, layout["workers"])
    output = Path(state.output_path)
    for name, path in result.files.items():
        place(path, output / f"{name}{path.suffix}")
    fontcoverage.save()
    return result
