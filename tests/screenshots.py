"""PNG screenshots of a built site for docs/: an alert page wide and on a phone, its print
view, its call section, the home page, a closed alert with its outcome, and the first
page of a printed letter.
Usage: python tests/screenshots.py OUTPUTDIR DOCSDIR"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.browser.harness import DESKTOP, PHONE, alert_pages, launch, serving

#: A reader who filled in their details and called one office, for the call section's shot.
VISITOR = {"alerts:details": {"name": "Sam Rivera", "zip": "90802", "phone": "562-555-0142"}}

#: The print view at US Letter's printable width (8.5 in less 2 × 0.75 in margins, 96 dpi).
PRINT = {"width": 672, "height": 864}


def pick_alert(output: Path) -> str:
    """An alert a visitor can still act on, with a deadline (and a photo, if one has)."""
    alerts = alert_pages(output)
    live = [p for p, info in alerts.items() if info["state"] != "closed" and info["deadline"]]
    if not live:
        raise SystemExit(f"{output} has no open alert with a deadline to photograph")
    with_photo = [p for p in live if alerts[p]["image"] and alerts[p]["lang"] == "en"]
    return (with_photo or live)[0]


def pick_outcome(output: Path) -> str | None:
    """A closed alert that says what it achieved, for the outcome's picture."""
    for index in sorted((output / "alerts").glob("*/index.html")):
        if 'class="outcome ' in index.read_text("utf-8"):
            return index.parent.relative_to(output).as_posix() + "/"
    return None


#: What the search page's screenshot searches for: words of the sample content.
SEARCH_WORDS = "library"


def build_time() -> datetime | None:
    """The build's "now", so the page's script shows what the build showed."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(raw), UTC) if raw.isdigit() else None


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    output, docs = Path(argv[0]), Path(argv[1])
    if not (output / "index.html").is_file():
        print(f"{output} has no index.html: build the site first (make html)", file=sys.stderr)
        return 2
    docs.mkdir(parents=True, exist_ok=True)
    alert = pick_alert(output)
    now = build_time()
    shots = [
        # name, path, viewport, media, full page (or the one element to photograph)
        ("alert-desktop.png", alert, DESKTOP, "screen", True),
        # The first screen only: what a phone shows before any scrolling.
        ("alert-phone.png", alert, PHONE, "screen", False),
        ("alert-phone-full.png", alert, PHONE, "screen", True),
        ("alert-print.png", alert, PRINT, "print", True),
        ("alert-call.png", alert, PHONE, "screen", "section[data-act=call]"),
        ("home.png", "", DESKTOP, "screen", True),
        ("search.png", "search/", DESKTOP, "screen", True),
    ]
    won = pick_outcome(output)
    if won:
        shots.append(("alert-outcome.png", won, DESKTOP, "screen", ".alert-header"))
    with serving(output) as server, sync_playwright() as playwright:
        browser = launch(playwright)
        for name, path, viewport, media, full in shots:
            context = browser.new_context(viewport=viewport, device_scale_factor=1,
                                          is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
            page = context.new_page()
            if isinstance(full, str):
                page.add_init_script("\n".join(
                    f"localStorage.setItem({json.dumps(key)}, {json.dumps(json.dumps(value))});"
                    for key, value in VISITOR.items()))
            if now:
                page.clock.set_fixed_time(now)
            page.emulate_media(media=media)
            page.goto(server.url(path), wait_until="networkidle")
            if name == "search.png":  # a search with its results, as a visitor sees it
                page.fill("[data-search-input]", SEARCH_WORDS)
                page.locator("[data-search-results] li").first.wait_for()
            if isinstance(full, str):
                page.locator(full).first.screenshot(path=str(docs / name), animations="disabled")
            else:
                page.screenshot(path=str(docs / name), full_page=full, animations="disabled")
            context.close()
            print(f"{docs / name}  ({path or '/'}, {viewport['width']} px, {media})")
        browser.close()
    letters = sorted((output / alert / "letters").glob("*.pdf"))
    if letters:
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", "1", "-l", "1",
                        str(letters[0]), str(docs / "letter-page-1")], check=True)
        print(f"{docs / 'letter-page-1.png'}  ({letters[0].relative_to(output)}, page 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
