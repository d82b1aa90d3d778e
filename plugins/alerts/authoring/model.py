"""The typed value of one alert, as parsed from its front-matter and body."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from alerts.authoring import mailto, placeholders
from alerts.authoring.hours import Hours
from alerts.authoring.languages import direction

UTC = ZoneInfo("UTC")

#: Action kinds a writer may use; the order is the order the theme styles them in.
ACTION_KINDS = ("call", "email", "letter", "petition", "donate", "event", "share", "other")

#: Deadline states, computed once per build by :func:`alerts.authoring.deadline.state`.
OPEN, CLOSING, CLOSED = "open", "closing", "closed"


@dataclass(frozen=True)
class Office:
    """One office of a target: its own number, address and hours."""

    name: str  # "Washington office"; "" for a target's own phone line
    slug: str  # unique among its target's offices: ids, letter file names, the call log
    timezone: ZoneInfo  # its hours are in this zone (default: the alert's)
    phone: str | None = None  # in the national format of its country: "(202) 225-7924"
    phone_uri: str | None = None  # tel:+12022257924 (E.164)
    address: tuple[str, ...] = ()  # the lines of a postal address
    hours: Hours | None = None


@dataclass(frozen=True)
class Target:
    """Someone the alert asks readers to contact."""

    name: str
    role: str | None = None
    phone: str | None = None  # in its country's national format, for display
    phone_uri: str | None = None  # tel: URI, E.164
    email: str | None = None
    url: str | None = None
    offices: tuple[Office, ...] = ()
    slug: str = "target"  # unique among the alert's targets

    @property
    def phone_offices(self) -> tuple[Office, ...]:
        """Every number to call: the target's own line first, then each office's."""
        own = (Office("", "phone", self.offices[0].timezone if self.offices else UTC,
                      self.phone, self.phone_uri),) if self.phone else ()
        return own + tuple(office for office in self.offices if office.phone)

    @property
    def letter_offices(self) -> tuple[Office, ...]:
        return tuple(office for office in self.offices if office.address)


@dataclass(frozen=True)
class Action:
    """One call to action. With a `url`, a labelled link to where the act happens; a call,
    email or letter without one happens on the page itself (its script, letter and
    numbers below), and its button leads there."""

    label: str
    url: str | None
    kind: str = "other"
    number: int = 1  # its place among the alert's actions, from 1: the page anchor
    script: str | None = None  # call: what to say
    voicemail: str | None = None  # call: what to say to an answering machine
    subject: str | None = None  # email
    body: str | None = None  # email, letter
    #: ALERTS["placeholders"]: each placeholder's text and the detail that fills it.
    placeholders: tuple[tuple[str, str], ...] = ()
    #: The names of the targets it is for; empty: every target (see Alert.targets_of).
    target_names: tuple[str, ...] = ()
    #: An event (kind event): when it starts and ends (aware, in the alert's zone; end
    #: None: not given) and where, as one line of text. Calendars list it as a VEVENT.
    start: datetime | None = None
    end: datetime | None = None
    location: str | None = None

    @property
    def on_page(self) -> bool:
        return self.url is None

    @property
    def anchor(self) -> str:
        return f"act-{self.number}"

    @property
    def href(self) -> str:
        return self.url or "#" + self.anchor

    def parts(self, text: str | None, target: str | None = None) -> tuple:
        """`text` as plain strings and placeholders.Blank, `[Target]` as `target`."""
        return placeholders.split(text or "", dict(self.placeholders), target)

    def filled(self, text: str | None, target: str | None = None) -> str:
        """`text` with `[Target]` replaced and every other placeholder as written."""
        return placeholders.written(self.parts(text, target))

    def mailto(self, target: Target, subject_only: bool = False) -> str:
        return mailto.compose((target.email,), self.filled(self.subject, target.name),
                              None if subject_only else self.filled(self.body, target.name))

    def mailto_too_long(self, target: Target) -> bool:
        return len(self.mailto(target)) > mailto.MAX_LENGTH


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
    #: Dated notes, newest first (alerts.authoring.outcomes.Update).
    updates: tuple = ()
    #: Once closed: won, lost, withdrawn or mixed, when, and in a sentence.
    outcome: str | None = None
    outcome_date: datetime | None = None
    outcome_text: str | None = None
    #: What to do next, as written: "alerts/<slug>" or a web address; and where it
    #: leads, filled in once every file has been read (alerts.site.outcomes).
    follow_up: str | None = None
    follow_up_url: str | None = field(default=None, compare=False)
    #: Every language version of this alert, this one included, original first; empty
    #: when it has no translation. Filled in once every file has been read.
    versions: tuple[Version, ...] = field(default=(), compare=False, repr=False)
    #: Title, summary and body with merge tags kept for the email edition
    #: (alerts.authoring.mergetags.Tagged); set by the parser.
    tagged: object = field(default=None, compare=False, repr=False)
    #: Line of each front-matter field, for messages raised after parsing.
    lines: dict[str, int] = field(default_factory=dict)
    #: A digest of everything the parse that made it read (alerts.build.parsecache):
    #: the file's bytes, its photos, the settings, the code, the moments passed.
    parsed_as: str | None = field(default=None, compare=False, repr=False)

    def __fingerprint__(self) -> str | None:
        """What alerts.build.fingerprint needs to tell this alert from another: how it
        was parsed, and what the build filled in after every file was read."""
        if self.parsed_as is None:
            return None
        versions = [(v.lang, v.url, v.name, v.original) for v in self.versions]
        return f"{self.parsed_as}|{self.follow_up_url!r}|{versions!r}"

    @property
    def dir(self) -> str:
        """The text direction of the alert's language: "rtl" or "ltr"."""
        return direction(self.lang)

    @property
    def other_versions(self) -> tuple[Version, ...]:
        return tuple(v for v in self.versions if v.url != self.url)

    @property
    def revised(self) -> datetime:
        """When the alert last changed, as its writer dated it: the latest of its date,
        `modified` and its updates' dates."""
        return max((self.date, self.modified or self.date,
                    *(update.date for update in self.updates)))

    @property
    def primary_action(self) -> Action:
        return self.actions[0]

    def targets_of(self, action: Action) -> tuple[Target, ...]:
        """The targets an action is for: those it names, or every one."""
        if not action.target_names:
            return self.targets
        return tuple(t for t in self.targets if t.name in action.target_names)

    @property
    def acts_on_page(self) -> tuple[Action, ...]:
        return tuple(action for action in self.actions if action.on_page)

    @property
    def blank_fields(self) -> tuple[str, ...]:
        """The visitor's details its scripts and letters ask for, in the order of
        ALERTS["placeholders"]: the fields of the page's "Your details" form."""
        found = {name for action in self.acts_on_page
                 for text in (action.script, action.voicemail, action.subject, action.body)
                 for name in placeholders.fields(action.parts(text))}
        order = [name for _, name in (self.actions[0].placeholders if self.actions else ())]
        return tuple(dict.fromkeys(name for name in order if name in found))
