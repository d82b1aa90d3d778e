"""Regenerate the golden social cards in tests/golden/cards/ (run after an intended visual change).

Usage: .venv/bin/python tests/golden/regenerate_cards.py
The cases use only the fonts shipped in theme/fonts/, so the images do not depend on
which fonts a machine has installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "cards"
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))

from sharing.cards import draw as cards  # noqa: E402
from sharing.cards import fonts as cardfonts  # noqa: E402

SHIPPED = ("NotoSans", "NotoSansArabic", "NotoSansHebrew")
LAYOUT = cards.merge_layout({
    "title_fonts": [f"{name}-Bold.ttf" for name in SHIPPED],
    "text_fonts": [f"{name}-Regular.ttf" for name in SHIPPED],
    "system_fallback": False,
})
META = (("Deadline Fri, Jul 15", "accent_color"),
        ("To: U.S. House of Representatives", "text_color"))

CASES = {
    "flat_en": dict(title="Tell Congress: protect the Clean Water Act before Friday's vote"),
    "photo_en": dict(title="Stop the pipeline under the river", photo=True),
    "flat_ar": dict(title="أوقفوا قانون المراقبة الجماعية قبل التصويت", lang="ar",
                    lines=(("Closed", "accent_color"), ("To: مجلس النواب", "text_color"))),
    "flat_he": dict(title="עצרו את חוק המעקב לפני ההצבעה ב-2024", lang="he"),
    "long_en": dict(title="Tell every member of the committee that clean water is not negotiable "
                          "and that the amendment must go before the final vote on Friday " * 3),
    "site": dict(title="Action Alerts", header="", lines=(("Act on what matters, before it "
                                                            "is decided", "text_color"),)),
}


def make_photo(path: Path) -> Path:
    """A bright synthetic photo: a sky gradient, a white sun and dark hills."""
    im = Image.new("RGB", (1600, 1000))
    pen = ImageDraw.Draw(im)
    for y in range(1000):
        pen.line((0, y, 1600, y), fill=(120 + y * 135 // 1000, 170 + y * 85 // 1000, 255))
    pen.ellipse((1100, 120, 1400, 420), fill=(255, 255, 255))
    pen.polygon([(0, 1000), (0, 700), (500, 560), (900, 760), (1600, 620), (1600, 1000)],
                fill=(40, 90, 50))
    im.save(path)
    return path


def spec_for(name: str, workdir: Path) -> cards.CardSpec:
    case = dict(CASES[name])
    lang = case.pop("lang", "en")
    dirs = cardfonts.font_dirs()
    photo = str(make_photo(workdir / "photo.png")) if case.pop("photo", False) else None
    return cards.CardSpec(
        title_fonts=cardfonts.resolve(LAYOUT["title_fonts"], lang, dirs),
        text_fonts=cardfonts.resolve(LAYOUT["text_fonts"], lang, dirs),
        header=case.pop("header", "Action Alerts"),
        lines=case.pop("lines", META),
        lang=lang,
        photo=photo,
        **case,
    )


def render(name: str, workdir: Path) -> Image.Image:
    return cards.draw(spec_for(name, workdir), LAYOUT)


def main() -> None:
    import tempfile

    GOLDEN.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in CASES:
            render(name, Path(tmp)).save(GOLDEN / f"{name}.png", optimize=True)
            print(f"wrote {GOLDEN / name}.png")


if __name__ == "__main__":
    main()
