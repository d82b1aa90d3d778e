"""The typed value of one alert, as parsed from its front-matter and body."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from alerts.authoring.languages import direction

#: Action kinds a writer may use; the order is the order the theme styles them in.
ACTION_KINDS = ("call", "email", "letter", "petition", "donate", "event", "share", "other")

#: Deadline states, computed once per build by :func:`alerts.authoring.deadline.state`.
OPEN, CLOSING, CLOSED = "open", "closing", "closed"


@dataclass(frozen=True)
class Target:
    """Someone the alert asks readers to contact."""

    name: str
    role: str | None = None
    phone: str | None = None  # as written, for display
    phone_uri: str | None = None  # tel: URI built from the digits
    email: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Action:
    """One call to action: a labelled link of a known kind."""

    label: str
    url: str
    kind: str = "other"


@dataclass(frozen=True)
class AlertImage:
    """The alert's photo: where it comes from and where the site publishes it."""

    source: Path  # absolute path of the original under content/
    alt: str
    caption: str | None
    width: int
    height: int
    format: str  # "JPEG", "PNG" or "WEBP", as Pillow names it
    output_name: str  # file name beside the alert page, e.g. "photo.jpg"
    max_width: int = 1600  # the published copy is scaled down to this width

    @property
    def web_size(self) -> tuple[int, int]:
        """Width and height of the published copy (upright, scaled to max_width)."""
        if self.width <= self.max_width:
            return self.width, self.height
        return self.max_width, round(self.height * self.max_width / self.width)


@dataclass(frozen=True)
class Version:
    """One language version of an alert, as a language switcher and hreflang name it."""

    lang: str  # BCP 47, e.g. es-MX
    url: str  # relative to SITEURL, like Alert.url
    name: str  # the language's name in itself: "Español (México)"
    original: bool  # the version the others translate


@dataclass
class Alert:
    """Everything the templates, cards and PDFs need to know about one alert."""

    source_path: str  # path of the Markdown file, as given to the reader
    title: str
    slug: str
    date: datetime  # aware
    timezone: ZoneInfo
    targets: tuple[Target, ...]
    actions: tuple[Action, ...]
    summary: str  # plain text
    share_text: str
    lang: str
    url: str  # the page's URL relative to SITEURL, a folder (alerts.site.urls)
    deadline: datetime | None = None  # aware, in `timezone`
    modified: datetime | None = None
    image: AlertImage | None = None
    hashtags: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    translation: bool = False  # a translation of another alert with the same slug
    draft: bool = False  # status: draft — built under drafts/, listed nowhere
    #: open, closing or closed at the build's "now", decided as the file is read
    #: (see alerts.authoring.deadline.state).
    state: str = OPEN
    #: Every language version of this alert, this one included, original first; empty
    #: when it has no translation. Filled in once every file has been read.
    versions: tuple[Version, ...] = field(default=(), compare=False, repr=False)
    #: Line of each front-matter field, for messages raised after parsing.
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def dir(self) -> str:
        """The text direction of the alert's language: "rtl" or "ltr"."""
        return direction(self.lang)

    @property
    def other_versions(self) -> tuple[Version, ...]:
        return tuple(v for v in self.versions if v.url != self.url)

    @property
    def primary_action(self) -> Action:
        return self.actions[0]
