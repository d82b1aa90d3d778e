"""The act on the page, built: offices and their numbers and hours, call scripts, emails
(mailto: per RFC 6068), letters, placeholders and the "Your details" form — in English
and Spanish — and every writer mistake in them, each with its line."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from conftest import MINIMAL_ALERT, build_site, errors_of, replace_once

ACT_ALERT = """\
---
title: Ask Rep. Lowenthal to sign the letter
slug: sign-the-letter
date: 2026-11-28T09:00
deadline: 2026-12-11T18:00
timezone: America/New_York
targets:
  - name: Rep. Alan Lowenthal
    role: Member of the House
    email: rep@example.org
    offices:
      - name: Washington office
        phone: +1 202-225-7924
        address: "108 Cannon House Office Building, Washington, DC 20515"
        hours: "Mo-Fr 09:00-17:00"
      - name: Long Beach office
        phone: (562) 436-3828
        hours: "Mo-Th 09:00-12:00,13:00-17:30; Fr 09:00-12:00"
        timezone: America/Los_Angeles
  - name: Sen. Ada Park
    phone: +44 20 7219 3000
    email: ada@example.org
actions:
  - label: Call your representative
    kind: call
    script: |
      Hi, my name is [Your name] and I live in [Your ZIP code]. I'm asking [Target]
      to sign the letter before Friday.
    voicemail: Please call me back at [Your phone].
  - label: Email your representative
    kind: email
    subject: Please sign, [Target]
    body: |
      Dear [Target],

      Please sign the letter & act now: 100% of us care?

      Sincerely,
      [Your name]
  - label: Mail a letter
    kind: letter
    body: |
      Dear [Target],
      Please sign.
      [Your name], [Your city]
  - label: Read the letter
    url: https://example.org/letter.pdf
---

Members can sign until Friday.
"""

SPANISH = (ACT_ALERT
           .replace("slug: sign-the-letter", "slug: firma-la-carta\nlang: es")
           .replace("[Your name]", "[Tu nombre]").replace("[Your ZIP code]", "[Tu código postal]")
           .replace("[Your phone]", "[Tu teléfono]").replace("[Your city]", "[Tu ciudad]"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    built = build_site(tmp_path_factory.mktemp("acts"), {
        "alerts/act.md": ACT_ALERT, "alerts/es.md": SPANISH})
    assert built.result.ok, built.messages
    return built


def page(site, slug="sign-the-letter"):
    return site.alert(slug)


def test_each_office_is_its_own_tel_button_in_national_format(site):
    buttons = page(site).select("section[data-act=call] a.call")
    found = [(a["href"], a.select_one(".number").text) for a in buttons]
    assert found == [("tel:+12022257924", "(202) 225-7924"),
                     ("tel:+15624363828", "(562) 436-3828"),
                     ("tel:+442072193000", "020 7219 3000")]
    assert "Call Washington office" in buttons[0].text
    assert "Call Main line" in buttons[2].text  # the target's own phone


def test_office_hours_in_words_in_the_office_zone(site):
    hours = [p.text.split(":", 1)[1].strip() for p in
             page(site).select("section[data-act=call] .hours")]
    assert hours == ["Mon–Fri 9 AM–5 PM ET",
                     "Mon–Thu 9 AM–12 PM, 1 PM–5:30 PM; Fri 9 AM–12 PM PT"]
    spanish = [p.text.split(":", 1)[1].strip() for p in
               page(site, "firma-la-carta").select("section[data-act=call] .hours")]
    assert spanish[0].startswith("lun–vie 9:00–17:00")


def test_hours_data_for_the_browser(site):
    office = page(site).select("li[data-office]")[1]
    assert office["data-office"] == "act-1/rep-alan-lowenthal/long-beach-office"
    data = json.loads(office["data-hours"])
    assert data["zone"] == "America/Los_Angeles"
    assert data["week"][0] == [[540, 720], [780, 1050]]
    assert data["week"][4] == [[540, 720]] and data["week"][5] == [] == data["week"][6]
    assert data["clock"]["1050"] == "5:30 PM" and data["label"] == "PT"
    assert data["days"][0] == "Monday"


def test_the_script_names_each_target_and_marks_the_blanks(site):
    targets = page(site).select("section[data-act=call] .call-target")
    assert len(targets) == 2
    script = targets[0].select_one(".script blockquote")
    assert "I'm asking Rep. Alan Lowenthal to sign" in " ".join(script.text.split())
    assert [(m["data-fill"], m.text) for m in script.select("mark.blank")] == [
        ("name", "[Your name]"), ("zip", "[Your ZIP code]")]
    assert "Sen. Ada Park" in targets[1].select_one(".script").text
    assert targets[0].select(".script blockquote")[1].select_one("mark")["data-fill"] == "phone"


def test_the_details_form_asks_only_for_what_the_texts_use(site):
    form = page(site).select_one("fieldset[data-details]")
    assert form.has_attr("hidden")  # shown by the script; without it, the blanks stand
    fields = [(i["data-detail"], i.get("autocomplete"), form.select_one(
        f"label[for={i['id']}]").text) for i in form.select("input")]
    assert fields == [("name", "name", "Your name"), ("zip", "postal-code", "Your ZIP code"),
                      ("phone", "tel", "Your phone"), ("city", "address-level2", "Your city")]
    assert page(site).select_one("form") is None  # nothing a visitor types can be submitted
    spanish = page(site, "firma-la-carta").select_one("fieldset[data-details]")
    assert spanish.legend.text == "Tus datos"
    assert spanish.select_one("label[for=detail-name]").text == "Tu nombre"


def mailto_parts(href: str) -> tuple[str, dict]:
    parts = urlsplit(href)
    assert parts.scheme == "mailto"
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    return unquote(parts.path), query


def test_the_mailto_is_composed_per_rfc_6068(site):
    composes = page(site).select("[data-compose]")
    assert [c["data-to"] for c in composes] == ["rep@example.org", "ada@example.org"]
    href = composes[0].select_one("a[data-mailto]")["href"]
    to, query = mailto_parts(href)
    assert to == "rep@example.org" and set(query) == {"subject", "body"}
    assert query["subject"] == "Please sign, Rep. Alan Lowenthal"
    assert query["body"] == ("Dear Rep. Alan Lowenthal,\r\n\r\nPlease sign the letter & act "
                             "now: 100% of us care?\r\n\r\nSincerely,\r\n[Your name]")
    assert "%0D%0A" in href and "\n" not in href and " " not in href
    assert "&act" not in href.split("?", 1)[1].replace("&body=", "")  # & inside is encoded
    textarea = composes[0].select_one("textarea[data-body]")
    assert textarea.text == query["body"].replace("\r\n", "\n")
    assert composes[1].select_one("input[data-subject]")["value"] == "Please sign, Sen. Ada Park"


def test_buttons_lead_to_the_act_on_the_page(site):
    header = page(site).select(".alert-header .actions a")
    assert [a["href"] for a in header] == ["#act-1", "#act-2", "#act-3",
                                           "https://example.org/letter.pdf"]
    for anchor in ("act-1", "act-2", "act-3"):
        assert page(site).select_one(f"section#{anchor}.act") is not None
    # After the acts, only the link to elsewhere is repeated.
    assert [a["href"] for a in page(site).select(".take-action > .actions a")] == [
        "https://example.org/letter.pdf"]


def test_letters_are_offered_for_offices_with_an_address(site):
    links = page(site).select("section[data-act=letter] .letters a")
    assert [a.text.strip() for a in links] == [
        "Print a letter to Rep. Alan Lowenthal, Washington office"]
    assert links[0]["href"] == "letters/rep-alan-lowenthal-washington-office/"
    assert (site.output / "alerts/sign-the-letter" / links[0]["href"] / "index.html").is_file()


def test_spanish_words_on_the_page(site):
    spanish = page(site, "firma-la-carta")
    assert spanish.select_one("section[data-act=call] .script-heading").text == "Qué decir"
    assert spanish.select_one("a[data-mailto]").text == "Abrir en mi correo"
    assert spanish.select_one("[data-call-log] button[data-outcome=called]").text == "Llamé"
    assert [m["data-fill"] for m in spanish.select(".script mark.blank")][:2] == ["name", "zip"]
    words = json.loads(spanish.select_one("[data-act-words]")["data-act-words"])
    assert words["closed_opens"] == "Cerrado — abre {day} a las {time}"


def test_a_phone_without_country_code_is_read_in_the_phone_region(tmp_path):
    alert = ACT_ALERT.replace("phone: (562) 436-3828", "phone: 55 5080 2000")
    site = build_site(tmp_path, {"alerts/a.md": alert},
                      settings={"ALERTS": {"phone_region": "MX"}})
    assert site.result.ok, site.messages
    hrefs = [a["href"] for a in site.alert("sign-the-letter").select("a.call")]
    assert "tel:+525550802000" in hrefs and "tel:+12022257924" in hrefs


def test_placeholders_of_your_own(tmp_path):
    alert = ACT_ALERT.replace("I'm asking [Target]", "I vote in [Your district]. I ask [Target]")
    site = build_site(tmp_path, {"alerts/a.md": alert}, settings={"ALERTS": {
        "placeholders": {"Your name": "name", "Your ZIP code": "zip", "Your phone": "phone",
                         "Your city": "city", "Your district": "district"}}})
    assert site.result.ok, site.messages
    label = site.alert("sign-the-letter").select_one("label[for=detail-district]")
    assert label.text == "Your district"


def test_a_long_email_warns_and_opens_with_the_subject_only(tmp_path):
    long_body = "Please sign.\n" * 200
    alert = ACT_ALERT.replace("      Please sign the letter & act now: 100% of us care?\n",
                              "".join(f"      {line}\n" for line in long_body.splitlines()))
    site = build_site(tmp_path, {"alerts/a.md": alert})
    assert site.result.ok, site.messages
    warnings = [str(w) for w in site.result.warnings]
    assert any("alerts/a.md:33: warning: actions: Email your representative: the email to "
               "Rep. Alan Lowenthal makes a mailto: link of" in w and "over the 2000" in w
               for w in warnings), warnings
    compose = site.alert("sign-the-letter").select_one("[data-compose]")
    _, query = mailto_parts(compose.select_one("a[data-mailto]")["href"])
    assert set(query) == {"subject"}
    assert not compose.select_one("[data-long-note]").has_attr("hidden")



#: name → (alert text, expected "path:line: field: message" fragment)
MISTAKES = {
    "bad-phone": (replace_once(ACT_ALERT, "phone: +1 202-225-7924", "phone: +1 202 22"),
                  ":13: targets: '+1 202 22' has too few digits for a phone number"),
    "long-phone": (replace_once(ACT_ALERT, "phone: +1 202-225-7924", "phone: +1 202-225-79241"),
                   ":13: targets: '+1 202-225-79241' has too many digits for a phone number"),
    "no-area-code": (replace_once(ACT_ALERT, "phone: +1 202-225-7924", "phone: 555-1234"),
                     ":13: targets: '555-1234' is a local number without its area code, "
                     "which a caller from elsewhere cannot dial; check it and write it with "
                     "its country code"),
    "unused-area": (replace_once(ACT_ALERT, "phone: +1 202-225-7924", "phone: +1 999-555-1234"),
                    ":13: targets: '+1 999-555-1234' is not a number in use anywhere"),
    "letters-for-phone": (replace_once(ACT_ALERT, "phone: +44 20 7219 3000", "phone: call us"),
                          ":21: targets: 'call us' is not a phone number"),
    "unknown-placeholder": (replace_once(ACT_ALERT, "to sign the letter before Friday.",
                                         "to sign the letter before [Deadline Day]."),
                            ":28: actions: script: [Deadline Day] is not a placeholder; use "
                            "one of [Your name], [Your ZIP code]"),
    "placeholder-typo-subject": (replace_once(ACT_ALERT, "subject: Please sign, [Target]",
                                              "subject: Please sign, [Taget]"),
                                 ":32: actions: subject: [Taget] is not a placeholder"),
    "bcc": (replace_once(ACT_ALERT, "url: https://example.org/letter.pdf",
                         "url: mailto:a@example.org?bcc=spy@example.org"),
            ":47: actions: Read the letter: url: the link has a bcc"),
    "header-crlf": (replace_once(ACT_ALERT, "url: https://example.org/letter.pdf",
                                 "url: mailto:a@example.org?subject=Hi%0D%0ABcc:spy@x.org"),
                    ":47: actions: Read the letter: url: the subject header contains an "
                    "encoded line break"),
    "other-header": (replace_once(ACT_ALERT, "url: https://example.org/letter.pdf",
                                  "url: mailto:a@example.org?from=me@example.org"),
                     ":47: actions: Read the letter: url: the link sets the 'from' header"),
    "bad-weekday": (replace_once(ACT_ALERT, 'hours: "Mo-Fr 09:00-17:00"',
                                 'hours: "Mn-Fr 09:00-17:00"'),
                    ":15: targets: Washington office: hours: 'Mn' is not a weekday; did you "
                    "mean Mo?"),
    "bad-time": (replace_once(ACT_ALERT, 'hours: "Mo-Fr 09:00-17:00"', 'hours: "Mo-Fr 9am-5pm"'),
                 ":15: targets: Washington office: hours: '9am' is not a time"),
    "backwards-hours": (replace_once(ACT_ALERT, 'hours: "Mo-Fr 09:00-17:00"',
                                     'hours: "Mo-Fr 17:00-09:00"'),
                        ":15: targets: Washington office: hours: '17:00-09:00' ends before"),
    "no-hours-given": (replace_once(ACT_ALERT, 'hours: "Mo-Fr 09:00-17:00"', 'hours: "Mo-Fr"'),
                       ":15: targets: Washington office: hours: 'Mo-Fr' gives days but no "
                       "hours"),
    "office-zone": (replace_once(ACT_ALERT, "timezone: America/Los_Angeles",
                                 "timezone: Pacific"),
                    ":19: targets: Long Beach office: timezone: 'Pacific' is not an IANA "
                    "time zone"),
    "office-nothing": (replace_once(ACT_ALERT, """      - name: Long Beach office
        phone: (562) 436-3828
""", """      - name: Long Beach office
"""), ":16: targets: Long Beach office: an office needs a phone or an address"),
    "office-unknown-key": (replace_once(ACT_ALERT, "        hours: \"Mo-Fr 09:00-17:00\"\n",
                                        "        hours: \"Mo-Fr 09:00-17:00\"\n"
                                        "        fax: +1 202-225-0000\n"),
                           ":16: targets: fax: unknown field; known fields: address, hours"),
    "email-without-subject": (replace_once(ACT_ALERT, "    subject: Please sign, [Target]\n",
                                           ""),
                              ":30: actions: an email on the page needs `subject:`"),
    "email-without-address": (ACT_ALERT.replace("    email: rep@example.org\n", "")
                              .replace("    email: ada@example.org\n", ""),
                              "actions: an email on the page needs a target with `email:`"),
    "letter-without-address": (replace_once(ACT_ALERT, '        address: "108 Cannon House '
                                            'Office Building, Washington, DC 20515"\n', ""),
                               ":39: actions: a printed letter needs a target office with "
                               "`address:`"),
    "call-without-phone": (MINIMAL_ALERT.replace(
        "  - label: Email the council\n    url: https://example.org/act\n    kind: email",
        "  - label: Call the council\n    kind: call\n    script: Hi."),
        ":7: actions: a call on the page needs a number"),
    "script-on-email": (replace_once(ACT_ALERT, "    subject: Please sign, [Target]\n",
                                     "    subject: Please sign, [Target]\n    script: Hi.\n"),
                        ":33: actions: Email your representative: script: only a call action "
                        "has a script"),
    "url-and-script": (replace_once(ACT_ALERT, "    kind: call\n",
                                    "    kind: call\n    url: tel:+12022257924\n"),
                       ":26: actions: Call your representative: give either url"),
    "link-without-url": (replace_once(ACT_ALERT, "    url: https://example.org/letter.pdf\n",
                                      ""), ":46: actions: Read the letter: url: a link is "
                                           "required"),
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    root = tmp_path_factory.mktemp("broken-acts")
    files = {f"alerts/{name}.md": text.replace("slug: sign-the-letter", f"slug: {name}")
             for name, (text, _) in MISTAKES.items()}
    return build_site(root, files)


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_mistake_names_its_line_and_field(broken, name):
    expected = MISTAKES[name][1]
    mine = errors_of(broken.result, name)
    assert any(f"alerts/{name}.md{expected}" in m or (expected[0] != ":" and expected in m)
               for m in mine), mine


def test_every_mistaken_file_fails_and_nothing_is_written(broken):
    assert not broken.result.ok
    failed = {p.path.rsplit("/", 1)[1][:-3] for p in broken.result.errors}
    assert failed == set(MISTAKES)
    assert not broken.output.exists()


@pytest.mark.parametrize("setting, message", [
    ({"phone_region": "Mexico"}, "ALERTS['phone_region'] = 'Mexico': give a two-letter"),
    ({"placeholders": {"[Your name]": "name"}}, "ALERTS['placeholders'] maps each placeholder"),
    ({"placeholders": {"Your name": "Full Name"}}, "ALERTS['placeholders'] maps each"),
])
def test_bad_settings_are_one_clear_line(tmp_path, setting, message):
    site = build_site(tmp_path, {"alerts/a.md": ACT_ALERT}, settings={"ALERTS": setting})
    assert not site.result.ok
    assert any(message in m for m in site.messages), site.messages


def test_the_spanish_mailto_carries_utf8_and_spanish_placeholders(site):
    compose = page(site, "firma-la-carta").select_one("[data-compose]")
    href = compose.select_one("a[data-mailto]")["href"]
    assert href.isascii()
    _, query = mailto_parts(href)
    assert query["body"].endswith("Sincerely,\r\n[Tu nombre]")
    assert compose.select_one("label").text == "Asunto"


def test_the_pdf_prints_the_script_and_every_number_with_its_hours(tmp_path):
    from conftest import tool

    site = build_site(tmp_path, {"alerts/act.md": ACT_ALERT}, pdf=True)
    assert site.result.ok, site.messages
    text = " ".join(tool("pdftotext", "-layout", str(
        site.output / "alerts/sign-the-letter/sign-the-letter.pdf"), "-").split())
    for expected in ("What to say", "I'm asking Rep. Alan Lowenthal to sign the letter",
                     "If you reach voicemail", "(202) 225-7924", "(562) 436-3828",
                     "Mon–Fri 9 AM–5 PM ET", "Fri 9 AM–12 PM PT", "020 7219 3000"):
        assert expected in text, (expected, text)
    for absent in ("How did it go", "Your details", "Forget my calls", "Copy the letter"):
        assert absent not in text


def test_an_action_can_be_for_some_targets_only(tmp_path):
    alert = replace_once(ACT_ALERT, "    kind: email\n",
                         "    kind: email\n    targets: [Sen. Ada Park]\n")
    alert = replace_once(alert, "    kind: call\n", "    kind: call\n    targets: Sen. Ada Park\n")
    site = build_site(tmp_path, {"alerts/a.md": alert})
    assert site.result.ok, site.messages
    built = site.alert("sign-the-letter")
    assert [c["data-to"] for c in built.select("[data-compose]")] == ["ada@example.org"]
    assert [a["href"] for a in built.select("a.call")] == ["tel:+442072193000"]
    assert built.select_one("section[data-act=call] h4") is None  # one target: no heading


@pytest.mark.parametrize("line, expected", [
    ("    targets: [Rep. Alan Lowenthall]\n",
     ":32: actions: 'Rep. Alan Lowenthall' is not one of the alert's targets; did you mean "
     "'Rep. Alan Lowenthal'?"),
])
def test_an_actions_targets_must_be_the_alerts(tmp_path, line, expected):
    alert = replace_once(ACT_ALERT, "    kind: email\n", "    kind: email\n" + line)
    site = build_site(tmp_path, {"alerts/a.md": alert})
    assert any("alerts/a.md" + expected in m for m in site.messages), site.messages


def test_a_link_action_names_no_targets(tmp_path):
    alert = replace_once(ACT_ALERT, "    url: https://example.org/letter.pdf\n",
                         "    url: https://example.org/letter.pdf\n    targets: [Sen. Ada Park]\n")
    site = build_site(tmp_path, {"alerts/a.md": alert})
    assert any("alerts/a.md:48: actions: only a call, email or letter names its targets" in m
               for m in site.messages), site.messages


def test_wrapped_prose_flows_and_short_lines_keep_their_breaks(tmp_path):
    alert = replace_once(ACT_ALERT, "      Please sign the letter & act now: 100% of us care?\n",
                         "      Thousands of families are still searching for the people who\n"
                         "      disappeared; please sign the letter.\n")
    site = build_site(tmp_path, {"alerts/a.md": alert})
    assert site.result.ok, site.messages
    _, query = mailto_parts(site.alert("sign-the-letter").select_one("a[data-mailto]")["href"])
    assert ("searching for the people who disappeared; please sign the letter.\r\n\r\n"
            "Sincerely,\r\n[Your name]") in query["body"]
