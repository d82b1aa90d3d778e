"""The `targets` field: who to contact, their offices, numbers, addresses and hours."""

from __future__ import annotations

import re

import phonenumbers
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

from alerts.authoring import hours as office_hours
from alerts.authoring.deadline import DateError, zone
from alerts.authoring.links import WEB_SCHEMES, URLError, check_url
from alerts.authoring.model import Office, Target
from alerts.authoring.values import (
    Errors,
    FieldError,
    each,
    lines_text,
    one_or_many,
    text,
    unknown_key,
)

_ADDRESS_CHAR = r"[^@\s<>\"?,;:/()\[\]\\]"
EMAIL = re.compile(rf"^{_ADDRESS_CHAR}+@{_ADDRESS_CHAR}+\.{_ADDRESS_CHAR}+$")
TARGET_KEYS = ("name", "role", "phone", "email", "url", "offices")
OFFICE_KEYS = ("name", "phone", "address", "hours", "timezone")
_SLUG_SUBS = DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]


_REASON = phonenumbers.ValidationResult
#: Why a number cannot be one, as phonenumbers tells it.
_NOT_POSSIBLE = {
    _REASON.IS_POSSIBLE_LOCAL_ONLY: "is a local number without its area code, which a "
                                    "caller from elsewhere cannot dial",
    _REASON.TOO_SHORT: "has too few digits for a phone number",
    _REASON.TOO_LONG: "has too many digits for a phone number",
    _REASON.INVALID_LENGTH: "has the wrong number of digits for a phone number",
    _REASON.INVALID_COUNTRY_CODE: "has a country code no country uses",
}


def phone_number(raw, region: str) -> tuple[str, str]:
    """(the number in its country's national format, its E.164 tel: URI)."""
    written = text(raw, 40, "phone number")
    how = "write it with its country code, e.g. +1 202-555-0123"
    try:
        number = phonenumbers.parse(written, region)
    except phonenumbers.NumberParseException:
        raise FieldError(f"{written!r} is not a phone number; {how}") from None
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible in _NOT_POSSIBLE:
        raise FieldError(f"{written!r} {_NOT_POSSIBLE[possible]}; check it and {how}")
    if not phonenumbers.is_valid_number(number):
        raise FieldError(f"{written!r} is not a number in use anywhere (no such area or "
                         f"country code); check the digits and {how}")
    return (phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
            "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _slug(name: str, taken: set[str], fallback: str) -> str:
    base = slugify(name, regex_subs=_SLUG_SUBS) or fallback
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _office(item, context: dict, taken: set[str]) -> Office:
    if not isinstance(item, dict):
        raise FieldError("each office is a mapping with name, phone, address, hours, timezone")
    errors = Errors()
    for key in item:
        if key not in OFFICE_KEYS:
            errors.add(f".{key}", f"{key}: {unknown_key(key, OFFICE_KEYS)}")
    name = errors.run(".name", text, item.get("name"), 120, "office name") or "office"
    phone = uri = None
    if item.get("phone") is not None:
        phone, uri = errors.run(".phone", phone_number, item["phone"],
                                context["phone_region"]) or (None, None)
    address = ()
    if item.get("address") is not None:
        written = errors.run(".address", lines_text, item["address"], 400, "postal address")
        # Written on several lines (after `|`), those are its lines; on one line, the
        # first comma ends the street: "108 Cannon HOB, Washington, DC 20515".
        if written:
            lines = written.split("\n") if "\n" in written else written.split(",", 1)
            address = tuple(line.strip() for line in lines if line.strip())
    office_zone = context["timezone"]
    if item.get("timezone") is not None:
        try:
            office_zone = zone(text(item["timezone"], 64, "time zone name"))
        except (DateError, FieldError) as exc:
            errors.add(".timezone", f"{name}: timezone: {exc}")
    parsed_hours = None
    if item.get("hours") is not None:
        try:
            parsed_hours = office_hours.parse(text(item["hours"], 300, "opening hours"))
        except (office_hours.HoursError, FieldError) as exc:
            errors.add(".hours", f"{name}: hours: {exc}")
    if item.get("phone") is None and item.get("address") is None:
        errors.add("", f"{name}: an office needs a phone or an address (or both); add "
                   "`phone: +1 202-555-0123` or `address: ...`")
    errors.raise_any()
    return Office(name, _slug(name, taken, "office"), office_zone, phone, uri, address,
                  parsed_hours)


def _offices(value, context: dict) -> tuple[Office, ...]:
    if not isinstance(value, list) or not value:
        raise FieldError("must be a list of offices, each `- name: …` with phone, address, "
                         "hours")
    taken: set[str] = {"phone"}  # the target's own line
    return each(value, lambda item: _office(item, context, taken), listed=True)


def _target(item, context: dict, taken: set[str]) -> Target:
    if isinstance(item, str) or item is None:
        name = text(item, 200, "target name")
        return Target(name=name, slug=_slug(name, taken, "target"))
    if not isinstance(item, dict):
        raise FieldError("each target is a name, or a mapping with " + ", ".join(TARGET_KEYS))
    errors = Errors()
    for key in item:
        if key not in TARGET_KEYS:
            errors.add(f".{key}", f"{key}: {unknown_key(key, TARGET_KEYS)}")
    for key, value in item.items():
        if key != "offices" and isinstance(value, (dict, list)):
            errors.add(f".{key}", f"{key}: must be text; write each target as a list item "
                       "with " + ", ".join(TARGET_KEYS))
    errors.raise_any()
    name = errors.run(".name", text, item.get("name"), 200, "target name") or "target"
    role = errors.run(".role", text, item["role"], 200, "role") if item.get("role") else None
    phone = phone_uri = email = url = None
    if item.get("phone"):
        phone, phone_uri = errors.run(".phone", phone_number, item["phone"],
                                      context["phone_region"]) or (None, None)
    if item.get("email"):
        email = errors.run(".email", text, item["email"], 200, "email address")
        # One plain address: `?` or `,` would smuggle a subject, a cc or more recipients
        # into the page's mailto: link.
        if email and not EMAIL.match(email):
            errors.add(".email", f"{name}: {email!r} is not an email address; write one "
                       "address such as name@example.org")
    if item.get("url"):
        try:
            url = check_url(item["url"], WEB_SCHEMES)
        except URLError as exc:
            errors.add(".url", f"{name}: url: {exc}")
    offices = ()
    if item.get("offices") is not None:
        offices = errors.run(".offices", _offices, item["offices"], context) or ()
    errors.raise_any()
    return Target(name, role, phone, phone_uri, email, url, offices,
                  _slug(name, taken, "target"))


def targets(value, parsed: dict) -> tuple[Target, ...]:
    """The `targets` field: a list of names or mappings (see TARGET_KEYS)."""
    if isinstance(value, dict) and value and "name" not in value:
        raise FieldError("is a mapping of mappings; write a list, one `- name: …` per target")
    context = {**parsed["_context"], "timezone": parsed["timezone"]}
    taken: set[str] = set()
    return each(one_or_many(value, "target"), lambda item: _target(item, context, taken),
                listed=isinstance(value, list))
