"""Fingerprints: a short digest of a value a template or a step is given, the same in every
build for equal values and different for values that could render differently.

A page is carried from the previous build instead of rendered (alerts.build.carry) when
the fingerprints of everything its template reads are those of the build that rendered
it. So a fingerprint must cover every part of a value a template can show:

- text, numbers, dates (with their time zone), lists, tuples, dicts and sets, by value;
- our dataclasses (Alert, Target, Action…) field by field, `versions` and `tagged` too;
- Pelican's contents (an Article or Page) by every attribute Pelican and our plugins set
  on them, except the site-wide context and settings they point back to; their
  translations by address, language and title;
- Pelican's tags, categories and authors by name and address;
- functions, macros and classes by name only: what they compute depends on the code and
  settings (part of every page's key) and, for the clock, on the time probes that
  alerts.build.carry records; the settings themselves, wherever an object keeps them,
  likewise.

Anything else is fingerprinted by its public attributes when it has them (a leading "_"
marks what an object keeps for itself, such as answers it remembers), else by its type. The
test suite builds each change incrementally and cold and compares every byte; a value
this misses shows there, and ALERTS_VERIFY_INCREMENTAL=1 checks it on a real site.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import date, datetime, time, timedelta
from enum import Enum
from pathlib import Path, PurePath
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType
from zoneinfo import ZoneInfo

#: Attributes of a Pelican content object that point at the whole site, not at it.
_SITE_WIDE = frozenset({"_context", "settings", "translations", "_summary"})
_PLAIN = (str, int, float, bool, type(None))
_PLAIN_NAMES = {kind: kind.__name__ for kind in _PLAIN}
#: Pelican's links to other files in a body ({filename}…, |static|…): the page then shows
#: the other file's address as it is in this build, which no fingerprint of this one holds.
_INTRASITE = re.compile(r"[{|](?:filename|static|attach|tag|category|author|index)[}|]")


class Uncarryable(Exception):
    """The value's rendering depends on more than it holds: always render the page."""


class Fingerprints:
    """One build's fingerprints; objects that many pages show (an alert, the list of
    pages) are digested once. Values must not change while pages are written, which
    holds from Pelican's "pages" step on."""

    def __init__(self, settings: dict | None = None) -> None:
        self._memo: dict[int, tuple[object, str]] = {}
        if settings is not None:  # part of every key already, and changed by every build
            self._memo[id(settings)] = (settings, "<settings>")

    def of(self, value) -> str:
        """The fingerprint of `value`, as text."""
        return self._part(value, set())

    def _digest(self, value, stack: set[int]) -> str:
        key = id(value)
        hit = self._memo.get(key)
        if hit is not None and hit[0] is value:
            return hit[1]
        if key in stack:
            return "<cycle>"
        stack.add(key)
        try:
            digest = hashlib.blake2b(self._text(value, stack).encode("utf-8", "surrogatepass"),
                                     digest_size=16).hexdigest()
        finally:
            stack.discard(key)
        self._memo[key] = (value, digest)  # kept alive, so its id is not reused
        return digest

    def _part(self, value, stack: set[int]) -> str:
        kind = type(value)
        if kind is str:
            if len(value) > 96:  # a body: its digest, not a copy of it
                return "str#" + hashlib.blake2b(value.encode("utf-8", "surrogatepass"),
                                                digest_size=16).hexdigest()
            return "str:" + repr(value)
        plain = _PLAIN_NAMES.get(kind)
        if plain is not None:  # the commonest values first: this runs ~100 times a page
            return f"{plain}:{value!r}"
        if isinstance(value, _PLAIN):
            return f"{kind.__name__}:{value!r}"
        if isinstance(value, datetime | date | time | timedelta | ZoneInfo | PurePath | Enum):
            return _simple(value)
        return self._digest(value, stack)

    def _text(self, value, stack: set[int]) -> str:
        kind = type(value)
        how = _HOW.get(kind)
        if how is None:
            how = _HOW[kind] = _how(kind)
        name, form = how
        part = self._part
        if form == "sequence":
            return name + "[" + ",".join([part(v, stack) for v in value]) + "]"
        if form == "mapping":
            items = sorted([(part(k, stack), part(v, stack)) for k, v in value.items()])
            return name + "{" + ",".join([f"{k}={v}" for k, v in items]) + "}"
        if form == "set":
            return name + "{" + ",".join(sorted([part(v, stack) for v in value])) + "}"
        if form == "code":
            return f"{name}:{getattr(value, '__qualname__', getattr(value, '__name__', ''))}"
        if form == "dataclass":
            known = getattr(value, "__fingerprint__", None)
            said = known() if callable(known) else None
            if said is not None:  # it says what it depends on (model.Alert)
                return f"{name}:{said}"
            return name + "(" + ",".join([f"{field}={part(getattr(value, field), stack)}"
                                          for field in _fields(kind)]) + ")"
        if form == "content":
            return name + self._content(value, stack)
        if form == "url":
            return f"{name}:{value.name!r}:{value.slug!r}:{value.url!r}:{value.save_as!r}"
        attributes = getattr(value, "__dict__", None) if form == "object" else None
        if attributes is not None and not callable(value):
            own = {k: v for k, v in attributes.items() if not k.startswith("_")}
            return name + self._text(own, stack)
        if callable(value):
            return name  # a function-like object (a Jinja macro): the code decides it
        shown = repr(value)  # a value of a type with no attributes to read (slots, C)
        return name if " at 0x" in shown else f"{name}:{shown}"

    def _content(self, content, stack: set[int]) -> str:
        if _INTRASITE.search(getattr(content, "_content", None) or ""):
            raise Uncarryable(content.source_path)
        attributes = vars(content)
        part = self._part
        # Pelican keeps each metadata value twice, in `metadata` and as an attribute
        # (`url` as `override_url`): a value that is an attribute's own object is named
        # by that attribute, whose value is in the fingerprint already.
        named = {id(v): k for k, v in attributes.items() if k not in _SITE_WIDE}
        parts = []
        for name in sorted(attributes):
            value = attributes[name]
            if name in _SITE_WIDE:
                continue
            if name == "metadata" and type(value) is dict:
                shown = [f"{k!r}=@{same}" if (same := named.get(id(v))) is not None
                         and attributes[same] is v else f"{k!r}={part(v, stack)}"
                         for k, v in value.items()]
                parts.append("metadata={" + ",".join(sorted(shown)) + "}")
            else:
                parts.append(f"{name}={part(value, stack)}")
        versions = [(t.url, t.lang, getattr(t, "title", ""), t.status)
                    for t in getattr(content, "translations", ())]
        return "{" + ",".join(parts) + "}" + repr(versions)


#: How each type is fingerprinted: (its name, its form), found once per type.
_HOW: dict[type, tuple[str, str]] = {}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _how(kind: type) -> tuple[str, str]:
    from pelican.contents import Content
    from pelican.urlwrappers import URLWrapper

    name = f"{kind.__module__}.{kind.__qualname__}"
    if issubclass(kind, list | tuple):
        return name, "sequence"
    if issubclass(kind, dict):
        return name, "mapping"
    if issubclass(kind, set | frozenset):
        return name, "set"
    if issubclass(kind, FunctionType | MethodType | BuiltinFunctionType | type | ModuleType):
        return name, "code"
    if dataclasses.is_dataclass(kind):
        return name, "dataclass"
    if issubclass(kind, Content):
        return name, "content"
    if issubclass(kind, URLWrapper):
        return name, "url"
    if hasattr(kind, "__dict__") and "__dict__" in dir(kind):
        return name, "object"
    return name, "other"


def _fields(kind: type) -> tuple[str, ...]:
    if kind not in _FIELDS:
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return _FIELDS[kind]


#: Settings no page or parse shows as such: the staging folder's name changes every build,
#: and templates reach Jinja's globals and filters through their own analysis
#: (alerts.build.carry). Keys starting with "_" are the build's own notes.
_NOT_SHAPE = ("OUTPUT_PATH", "JINJA_GLOBALS", "JINJA_FILTERS", "JINJA_ENVIRONMENT")
#: Libraries whose versions change what a parse or a page holds.
_PACKAGES = ("pelican", "jinja2", "markupsafe", "markdown", "nh3", "babel", "phonenumbers",
             "feedgenerator", "pyyaml", "python-slugify")


def build_digest(settings: dict) -> str:
    """Our code, the libraries it uses and the settings: part of every kept parse's and
    page's key, so a change to any of them makes them anew."""
    from importlib.metadata import PackageNotFoundError

    from alerts.build.cache import code_digest, installed

    plugins = Path(__file__).resolve().parents[2]
    packages = []
    for name in _PACKAGES:
        try:
            installed(name)
        except PackageNotFoundError:
            continue
        packages.append(name)
    shown = {k: v for k, v in settings.items() if k not in _NOT_SHAPE and not k.startswith("_")}
    return code_digest(Fingerprints().of(shown), plugins, plugins.rglob("*.py"), packages)


def _simple(value) -> str:
    if isinstance(value, datetime | time) and value.tzinfo is not None:
        return f"{type(value).__name__}:{value.isoformat()}@{value.tzinfo}"
    return f"{type(value).__name__}:{value}"


