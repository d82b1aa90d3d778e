"""`make new`: write a new alert file with every field present, ready to fill in."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from pelican.utils import slugify

TEMPLATE = """\
---
title: {title}
# The address of the page. Keep it when you edit the title: shared links use it.
slug: {slug}
# A draft is built under drafts/ and listed nowhere; delete this line to publish.
status: draft
date: {date}
# The deadline is read in `timezone`; a bare date means 23:59:59 that day.
deadline: {deadline}
# timezone: America/New_York
# Replace every example below (555-01xx numbers and example.org addresses are fictional).
targets:
  - name: Your representative
    # role: Member of the House
    # email: office@example.org
    # url: https://example.org/find-your-representative
    offices:
      - name: Washington office
        phone: +1 202-555-0100
        # address: "123 Example Building, Washington, DC 20515"
        hours: "Mo-Fr 09:00-17:00"
        # timezone: America/New_York  (default: the alert's timezone)
# A call, an email or a letter happens on the page: no url needed. Placeholders such
# as [Your name] are filled in each reader's browser; [Target] is each target's name.
actions:
  - label: Call your representative
    kind: call
    script: |
      Hi, my name is [Your name] and I live in [Your ZIP code]. I'm calling to ask
      [Target] to ...
    # voicemail: Please call me back at [Your phone].
  # - label: Email your representative
  #   kind: email
  #   subject: Please act before the deadline
  #   body: |
  #     Dear [Target],
  #
  #     ...
  #
  #     Sincerely,
  #     [Your name], [Your ZIP code]
  # - label: Sign the petition
  #   url: https://example.org/petition
  #   kind: petition
# summary: One or two sentences for cards, feeds and search results.
# image: images/photo.jpg
# image_alt: What the photo shows, for people who cannot see it.
# image_caption: Who took the photo, and where.
# share_text: The words people share on social media.
# hashtags: [HumanRights]
# tags: [topic]
# author: Your Name
# lang: en
---

Say what is happening, why it matters, and what one action the reader should take.
"""


def new_alert(content: Path, title: str, now: datetime) -> Path:
    """Create content/alerts/<date>-<slug>.md and return its path; never overwrite."""
    title = " ".join(title.split())
    if not title:
        raise ValueError('give a title: make new TITLE="Tell Congress: …"')
    slug = slugify(title, regex_subs=[(r"[^\w\s-]", ""), (r"[-\s]+", "-")])[:60].strip("-")
    slug = re.sub(r"[^a-z0-9-]", "", slug) or "alert"
    path = content / "alerts" / f"{now:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise FileExistsError(f"{path} exists already; choose another title")
    path.parent.mkdir(parents=True, exist_ok=True)
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    path.write_text(TEMPLATE.format(
        title=quoted, date=f"{now:%Y-%m-%d}", slug=slug,
        deadline=f"{now + timedelta(days=7):%Y-%m-%d}T17:00",
    ), encoding="utf-8")
    return path
