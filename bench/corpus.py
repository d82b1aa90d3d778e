"""A deterministic synthetic corpus: N alerts with photos, and the same Markdown for bare Pelican.

Alert i depends only on i (its own seeded generator), so the first 100 alerts of the
N=1000 corpus are the N=100 corpus, and two runs write identical bytes.
"""

from __future__ import annotations

import random
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent

#: The build's "now" (SOURCE_DATE_EPOCH): 2026-11-30T12:00:00Z, as in the tests.
EPOCH = 1796040000
NOW = datetime.fromtimestamp(EPOCH, UTC)
ZONE = ZoneInfo("America/New_York")  # the sites' TIMEZONE, in which dates are written
PHOTOS = 20
PHOTO_SIZE = (1600, 1000)
PHOTO_SHARE = 0.8  # the rest get a flat-colour card, the other drawing path

VERBS = ["Tell", "Ask", "Urge", "Call on", "Demand that", "Remind"]
WHO = ["the city council", "your senator", "your representative", "the governor",
       "the school board", "the county commission", "the state legislature",
       "the Senate Appropriations Committee", "the mayor", "the transit authority"]
ASKS = ["fund school meals", "keep libraries open on weekends", "protect tenants from eviction",
        "restore legal aid for survivors", "clean up the river", "expand bus service",
        "stop the pipeline", "fund the public clinic", "protect fair asylum hearings",
        "publish the police budget", "keep the shelter open all winter",
        "guarantee clean water in every school"]
PLACES = ["Riverside", "Oak Hill", "Eastgate", "Millbrook", "Harbor Point", "Cedar Falls",
          "North End", "Lakeview", "Fairmont", "the tri-county area"]
CLAUSES = ["before the vote on Wednesday", "before the budget hearing", "this week",
           "while there is still time to change the bill", ""]
ES_TITLES = ["Exige agua limpia para las escuelas de {p}", "Pide al ayuntamiento que abra "
             "las bibliotecas de {p}", "Defiende a los inquilinos de {p} antes de la votación"]
WORDS = ("the council budget vote families community hearing funding service residents "
         "schools public health program members committee week plan safety access local "
         "workers children support proposal decision city state time year people").split()
KINDS = ["call", "email", "letter", "petition", "donate", "event", "share", "other"]


@dataclass(frozen=True)
class Corpus:
    """Where one generated corpus lives."""

    n: int
    alerts: Path  # content folder in the alert format (alerts/ and images/)
    bare: Path  # content folder with the same Markdown in Pelican's `Key: value` form

    def alert_files(self) -> list[Path]:
        return sorted((self.alerts / "alerts").glob("*.md"))


def generate(root: Path, n: int, photos: int = PHOTOS, photo_size=PHOTO_SIZE) -> Corpus:
    """Write a fresh corpus of `n` alerts under `root` (anything there is replaced)."""
    corpus = Corpus(n, root / "content", root / "bare")
    for folder in (corpus.alerts, corpus.bare):
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "images").mkdir(parents=True)
    (corpus.alerts / "alerts").mkdir()
    for k in range(photos):
        path = corpus.alerts / "images" / f"photo-{k:02d}.jpg"
        photo(path, k, photo_size)
        shutil.copyfile(path, corpus.bare / "images" / path.name)
    for i in range(n):
        front, native, body, name = alert(i, photos)
        (corpus.alerts / "alerts" / name).write_text(f"---\n{front}---\n\n{body}", "utf-8")
        (corpus.bare / name).write_text(f"{native}\n{body}", "utf-8")
    return corpus


def photo(path: Path, seed: int, size=PHOTO_SIZE) -> Path:
    """A drawn scene with seeded grain, so it compresses like a camera photo, not a drawing."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from photos import poster_photo  # the tests' photo drawer
    finally:
        sys.path.remove(str(ROOT / "tests"))
    poster_photo(path, size=size, seed=seed)
    rng = random.Random(f"grain-{seed}")  # noqa: S311 - seeded: it must repeat
    with Image.open(path) as drawn:
        grain = Image.frombytes("L", drawn.size, rng.randbytes(drawn.width * drawn.height))
        mixed = Image.blend(drawn.convert("RGB"), Image.merge("RGB", [grain] * 3), 0.08)
    mixed.save(path, quality=88)
    return path


def alert(i: int, photos: int = PHOTOS) -> tuple[str, str, str, str]:
    """Alert i as (YAML front-matter, native Pelican header, Markdown body, file name)."""
    rng = random.Random(f"alert-{i}")  # noqa: S311 - seeded: it must repeat
    date = _unambiguous(NOW - timedelta(days=rng.randint(1, 300),
                                        minutes=rng.randrange(0, 24 * 60, 15)))
    deadline = _unambiguous(_deadline(rng, date))
    spanish = rng.random() < 0.1
    place = rng.choice(PLACES)
    if spanish:
        title = rng.choice(ES_TITLES).format(p=place) + f", distrito {i + 1}"
    else:
        clause = rng.choice(CLAUSES)
        title = f"{rng.choice(VERBS)} {rng.choice(WHO)} to {rng.choice(ASKS)} in {place}, " \
                f"district {i + 1}" + (f", {clause}" if clause else "")
    slug = f"alert-{i:04d}"
    tags = rng.sample(["housing", "schools", "health", "transit", "water", "Congress",
                       "local", "budget", "climate", "justice"], rng.randint(1, 3))
    lines = [f"title: {_quote(title)}", f"slug: {slug}", f"date: {date:%Y-%m-%dT%H:%M}",
             f"deadline: {deadline:%Y-%m-%dT%H:%M}", "author: Campaigns team"]
    if spanish:
        lines.append("lang: es")
    lines += _targets(rng) + _actions(rng, slug)
    if rng.random() < PHOTO_SHARE:
        lines += [f"image: images/photo-{rng.randrange(photos):02d}.jpg",
                  f"image_alt: {_quote(f'Candles on a hillside near {place} at dusk.')}"]
    lines.append(f"tags: [{', '.join(tags)}]")
    native = [f"Title: {title}", f"Slug: {slug}", f"Date: {date:%Y-%m-%d %H:%M}",
              "Author: Campaigns team", f"Tags: {', '.join(tags)}"]
    if spanish:
        native.append("Lang: es")
    name = f"{date:%Y-%m-%d}-{slug}.md"
    return "\n".join(lines) + "\n", "\n".join(native) + "\n", _body(rng, place), name


def _unambiguous(moment: datetime) -> datetime:
    """`moment` written without an offset means that wall-clock time in the site's zone;
    one the clocks go back through (01:00–02:00 on a November Sunday) or skip is a build
    error, as it should be: move it two hours on."""
    local = moment.replace(tzinfo=None)
    twice = ZONE.utcoffset(local.replace(fold=0)) != ZONE.utcoffset(local.replace(fold=1))
    placed = local.replace(tzinfo=ZONE).astimezone(UTC).astimezone(ZONE)
    never = placed.replace(tzinfo=None) != local
    return moment + timedelta(hours=2) if twice or never else moment


def _deadline(rng: random.Random, date: datetime) -> datetime:
    """Mostly open, some closing within three days, some closed, never before `date`."""
    roll = rng.random()
    if roll < 0.65:
        moment = NOW + timedelta(days=rng.randint(4, 60))
    elif roll < 0.8:
        moment = NOW + timedelta(hours=rng.randint(2, 70))
    else:
        moment = NOW - timedelta(days=rng.randint(1, 30))
    return max(moment, date + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)


def _targets(rng: random.Random) -> list[str]:
    lines = ["targets:"]
    for k in range(rng.randint(1, 3)):
        who = rng.choice(WHO)
        lines += [f"  - name: {_quote(f'{who[0].upper()}{who[1:]} {k + 1}')}",
                  "    role: Members and staff"]
        if rng.random() < 0.5:
            lines.append(f"    phone: +1 202-555-{rng.randint(100, 9999):04d}")
    return lines


def _actions(rng: random.Random, slug: str) -> list[str]:
    lines = ["actions:"]
    for kind in rng.sample(KINDS, rng.randint(1, 3)):
        url = f"tel:+1202555{rng.randint(1000, 9999)}" if kind == "call" else \
            f"https://example.org/act/{slug}/{kind}"
        lines += [f"  - label: {_quote(f'{kind.capitalize()} now')}", f"    url: {url}",
                  f"    kind: {kind}"]
        if kind == "event":  # an evening meeting, some weeks from now
            day = (NOW + timedelta(days=rng.randint(7, 60))).date()
            lines += [f"    start: {day}T18:00", f"    end: {day}T20:00",
                      "    location: City Hall, Room 200"]
    return lines


def _body(rng: random.Random, place: str) -> str:
    """Three to five paragraphs of ~40-70 words, with emphasis, a link, apostrophes in about
    half of them, and sometimes a list."""
    paras = []
    for p in range(rng.randint(3, 5)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(40, 70))]
        words[0] = words[0].capitalize()
        words[rng.randrange(1, len(words))] = f"**{place}**"
        if p == 1:
            words[-3] = f"[{words[-3]}](https://example.org/background/{rng.randint(1, 999)})"
        if rng.random() < 0.5:  # writers' apostrophes, which smarty makes typographic
            k = rng.randrange(1, len(words) - 3)
            words[k] = f"{words[k]}'s"
        paras.append(" ".join(words) + ".")
    if rng.random() < 0.5:
        paras.insert(2, "\n".join(f"- {rng.choice(WORDS).capitalize()} "
                                  f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
                                  for _ in range(rng.randint(2, 5))))
    return "\n\n".join(paras) + "\n"


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (titles hold colons and commas)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
