"""Social cards: size, golden images, every script without empty boxes, fit, contrast, config."""

from __future__ import annotations

import importlib.util
import io
import logging
import os
import random
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageDraw, ImageStat, features

from alerts.authoring.model import Alert, AlertImage, Target
from alerts.build.problems import Problems
from sharing.cards import draw as cards
from sharing.cards import fonts as cardfonts
from sharing.cards import jobs as cardjobs
from sharing.cards import text as cardtext

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location(
    "regenerate_cards", HERE / "golden" / "regenerate_cards.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

LAYOUT = cards.merge_layout({})
DIRS = cardfonts.font_dirs()
TZ = ZoneInfo("America/New_York")
META = golden.META
SIZES = range(88, 39, -2)  # the default title sizes

TITLES = {
    "fr": "Protégez l'eau : Ærø, Łódź, São Paulo, Ñuñoa et Göteborg disent non",
    "el": "Πείτε στη Βουλή να προστατέψει το νερό πριν από την ψηφοφορία",
    "ru": "Скажите Конгрессу: защитите закон о чистой воде до голосования",
    "ar": "أوقفوا قانون المراقبة الجماعية قبل التصويت يوم الجمعة",
    "he": "עצרו את חוק המעקב לפני ההצבעה ביום שישי",
    "ja": "金曜日の投票の前に、きれいな水法を守るよう議会に伝えてください",
    "zh": "请在周五投票前告诉国会保护清洁水法",
    "ko": "금요일 투표 전에 의회에 깨끗한 물 법을 지켜 달라고 말하세요",
}


def spec(title: str, lang: str = "en", photo: str | None = None, lines=META) -> cards.CardSpec:
    return cards.CardSpec(
        title=title,
        title_fonts=cardfonts.resolve(LAYOUT["title_fonts"], lang, DIRS),
        text_fonts=cardfonts.resolve(LAYOUT["text_fonts"], lang, DIRS),
        header="Action Alerts", lines=lines, lang=lang, photo=photo)


def photo(path: Path, color=None, noise: bool = False, size=(1600, 900)) -> str:
    """A test photo made here: one colour, or random noise (the hardest to compress)."""
    if noise:
        im = Image.merge("RGB", [Image.effect_noise(size, 120) for _ in range(3)])
    else:
        im = Image.new("RGB", size, color)
    im.save(path, quality=95)
    return str(path)


def decoded(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


@pytest.mark.parametrize("kind", ["flat", "photo", "noise"])
def test_cards_are_1200x630_and_at_most_300kb(tmp_path, kind):
    source = None
    if kind != "flat":
        # 2400×1600 decodes at half size, exactly as wide as the card: the crop-only path.
        size = (2400, 1600) if kind == "photo" else (1600, 900)
        source = photo(tmp_path / "p.jpg", (200, 120, 40), noise=kind == "noise", size=size)
    s = spec("Tell Congress: protect the Clean Water Act", photo=source)
    data, fmt = cards.encode(cards.draw(s, LAYOUT), s, LAYOUT)
    im = decoded(data)
    assert im.size == (1200, 630)
    assert len(data) <= 300_000
    assert im.format == ("PNG" if kind == "flat" else "JPEG")
    assert fmt == cards.card_format(s, LAYOUT)


def test_flat_png_keeps_the_drawn_colours():
    # A flat PNG card is drawn on a palette of ramps between its colours; the same card
    # drawn in RGB (as for a JPEG) must look the same, accent line and bar included.
    s = spec("Tell Congress: protect the Clean Water Act")
    drawn = cards.draw(s, LAYOUT)
    assert drawn.mode == "P"
    data, _ = cards.encode(drawn, s, LAYOUT)
    in_rgb = cards.draw(s, {**LAYOUT, "flat_format": "jpeg"})
    diff = ImageChops.difference(in_rgb, decoded(data).convert("RGB")).getextrema()
    assert max(hi for _, hi in diff) <= 2


@pytest.mark.parametrize("name", sorted(golden.CASES))
def test_card_matches_golden_image(tmp_path, name):
    expected = Image.open(HERE / "golden" / "cards" / f"{name}.png").convert("RGB")
    actual = golden.render(name, tmp_path).convert("RGB")
    diff = ImageChops.difference(actual, expected).getextrema()
    assert max(hi for _, hi in diff) <= 2, (
        f"{name} differs from its golden image; if the change is intended, run "
        "tests/golden/regenerate_cards.py")


def test_title_is_drawn(tmp_path):
    with_title = golden.render("flat_en", tmp_path)
    without = cards.draw(replace(golden.spec_for("flat_en", tmp_path), title=""), golden.LAYOUT)
    box = ImageChops.difference(with_title, without).getbbox()
    assert box is not None and box[0] >= 72 and box[2] > 600


def _cmap(font: cardfonts.FontFile) -> set[int]:
    number = font.index if font.path.endswith(".ttc") else -1
    with TTFont(font.path, fontNumber=number, lazy=True) as face:
        return set(face.getBestCmap())


@pytest.mark.parametrize("lang", sorted(TITLES))
def test_every_script_draws_with_fonts_that_have_its_glyphs(lang):
    title = TITLES[lang]
    s = spec(title, lang)
    if lang in ("ja", "zh", "ko"):
        assert cardfonts.find("NotoSansCJK-Bold.ttc", DIRS), "install fonts-noto-cjk"
    assert s.title_fonts.missing(title) == ""
    runs = s.title_fonts.runs(title)
    assert "".join(text for _, text in runs) == title  # nothing was dropped
    for font, text in runs:
        cmap = _cmap(font)  # read again with fontTools, not through the cached coverage
        lost = [c for c in text if cardfonts.needs_glyph(c) and ord(c) not in cmap]
        assert not lost, f"{lost} drawn with {font.path}, which lacks them"
    image = cards.draw(s, LAYOUT)
    assert image.size == (1200, 630)


def test_card_fonts_are_drawn_without_their_hinting():
    # Hinting changes nothing visible at card sizes and made text four times slower to draw.
    path = cardfonts.find("NotoSans-Bold.ttf", DIRS)
    with TTFont(io.BytesIO(cardfonts._without_hinting(path))) as font, TTFont(path) as original:
        assert font["prep"].program.getBytecode() == cardfonts.NO_HINTING_PREP
        for tag in ("glyf", "GSUB", "GPOS", "cmap"):
            assert font.reader[tag] == original.reader[tag]
    cjk = cardfonts.find("NotoSansCJK-Bold.ttc", DIRS)
    if cjk:
        assert cardfonts._without_hinting(cjk) is None  # CFF outlines: loaded as they are
    ink = cardfonts.truetype(cardfonts.FontFile(path), 60).getbbox("Save the river")
    assert ink[2] > 300


def test_cjk_uses_the_face_for_the_language():
    ja = cardfonts.resolve(["NotoSansCJK-Bold.ttc"], "ja", DIRS).fonts[0]
    zh = cardfonts.resolve(["NotoSansCJK-Bold.ttc"], "zh-CN", DIRS).fonts[0]
    tw = cardfonts.resolve(["NotoSansCJK-Bold.ttc"], "zh-TW", DIRS).fonts[0]
    assert len({ja.index, zh.index, tw.index}) == 3


def test_arabic_is_shaped_right_to_left_and_aligned_right():
    assert features.check("raqm"), "Pillow needs raqm to shape Arabic"
    chain = cardfonts.resolve(LAYOUT["title_fonts"], "ar", DIRS)
    font = cardfonts.truetype(chain.fonts[1], 80)
    word = "مرحبا"
    # Shaped, the letters join: the word is not its isolated letters side by side.
    isolated = sum(font.getlength(c) for c in word)
    assert font.getlength(word, direction="rtl", language="ar") != isolated
    image = cards.draw(spec("مرحبا", "ar", lines=()), LAYOUT).convert("RGB")
    ink = ImageChops.difference(image, Image.new("RGB", image.size, image.getpixel((600, 300))))
    title_ink = ink.crop((0, 140, 1200, 400)).getbbox()
    assert title_ink[2] > 1100 and title_ink[0] > 600  # hugs the right margin


def test_rtl_is_detected_from_the_characters():
    assert cardtext.is_rtl("שלום world")
    assert not cardtext.is_rtl("NATO שלום")
    assert cardtext.is_rtl("2024 مرحبا")
    assert cardtext.is_rtl("2024", default=True)


@pytest.mark.parametrize("names,lang", [(cards.TITLE_FONTS, "en"), (cards.TEXT_FONTS, "ar"),
                                        (cards.TITLE_FONTS, "ja")])
def test_a_chain_answers_from_what_it_learnt_as_it_would_by_walking_the_text(names, lang):
    """`missing` and `used` answer most texts from the characters a chain has seen; the
    answers are those of a chain that has seen nothing and walks every character."""
    dirs = cardfonts.font_dirs()
    learnt = cardfonts.resolve(list(names), lang, dirs)
    pick = random.Random(7)  # noqa: S311 - a fixed sample of texts, not a secret
    texts = ["Tell the council", "مرحبا بالعالم 3 days", "日本語 text ✊🏽", "",
             " ", "‍", "x‍y", "͸ river"]
    texts += ["".join(pick.choice("ab c1–…مر日✊‍️É,.͸")
                      for _ in range(pick.randint(0, 12))) for _ in range(300)]
    for text in texts * 2:  # the second time, from what the first taught it
        fresh = cardfonts.resolve(list(names), lang, dirs)
        assert learnt.used(text) == cardfonts._used(fresh, text), text
        walked = (ch for ch in text if fresh.font_for(ch) is None and cardfonts.needs_glyph(ch))
        assert learnt.missing(text) == "".join(dict.fromkeys(walked)), text


def test_a_character_no_font_has_is_named_and_left_off_the_card(tmp_path):
    alert = make_alert("Save the \u0378 river \U0010fffd", lines={"title": 3})
    problems = Problems()
    [job, _site] = cardjobs.jobs_for([alert], {"SITENAME": "Alerts"}, LAYOUT, problems)
    [problem] = problems.warnings
    assert not problems.errors
    text = str(problem)
    assert text.startswith("content/alerts/river.md:3: warning: title: no card font has the "
                           "characters")
    assert "U+0378" in text and "U+10FFFD" in text and "apt-get install fonts-noto" in text
    assert job.spec.title == "Save the river"  # no empty box where the glyph would be


def test_an_emoji_in_a_title_is_left_off_the_card_with_a_warning():
    alert = make_alert("Stand up \u270a\U0001f3fd for the river", lines={"title": 3})
    problems = Problems()
    [job, _site] = cardjobs.jobs_for([alert], {"SITENAME": "Alerts"}, LAYOUT, problems)
    [problem] = problems.warnings
    assert "symbols and colour emoji have no glyph in the card fonts" in str(problem)
    assert job.spec.title == "Stand up for the river"


def test_a_very_long_title_ends_in_an_ellipsis_within_four_lines():
    title = "Tell every member of the committee that clean water is not negotiable " * 5
    s = spec(title)
    inner = 1200 - 2 * LAYOUT["padding"]
    block = cardtext.fit(title, s.title_fonts, "en", inner, 400, SIZES, 4, 1.2)
    assert len(block.lines) == 4
    assert block.lines[-1].endswith("…")
    assert block.size == 40
    for line in block.lines:
        assert cardtext.measure(s.title_fonts, line, block.size, False, "en") <= inner


def test_a_short_title_gets_the_largest_size():
    s = spec("Save the river")
    block = cardtext.fit("Save the river", s.title_fonts, "en", 1056, 300, SIZES, 4, 1.2)
    assert block.size == 88 and block.lines == ["Save the river"]


def test_cjk_wraps_between_characters():
    s = spec(TITLES["ja"], "ja")
    block = cardtext.fit(TITLES["ja"] * 2, s.title_fonts, "ja", 1056, 300, SIZES, 4, 1.2)
    assert 1 < len(block.lines) <= 4
    assert not block.lines[1].startswith(("、", "。"))


@pytest.mark.parametrize("text_color,background", [("#ffffff", "#1b365d"), ("#111111", "#f4f1e8")])
def test_text_keeps_contrast_over_a_plain_photo(tmp_path, text_color, background):
    # White under light text and black under dark text are the worst cases.
    worst = (255, 255, 255) if text_color == "#ffffff" else (0, 0, 0)
    accent = "#ffd166" if text_color == "#ffffff" else "#7a1f00"
    layout = cards.merge_layout({"text_color": text_color, "background_color": background,
                                 "accent_color": accent, "accent_bar": 0})
    s = spec("Save the river", photo=photo(tmp_path / "p.png", worst))
    image = cards.draw(s, layout)
    behind = image.getpixel((40, 315))  # beside the text, inside the darkened area
    assert cards.contrast(cards.rgb(text_color), behind) >= 4.5
    assert cards.contrast(cards.rgb(accent), behind) >= 4.5


def test_darkening_holds_over_every_bright_patch():
    im = Image.new("RGB", (1200, 630), (30, 30, 30))
    pen = ImageDraw.Draw(im)
    for i, color in enumerate([(255, 255, 255), (255, 255, 0), (0, 255, 255), (255, 128, 200)]):
        pen.rectangle((100 + i * 250, 100, 300 + i * 250, 500), fill=color)
    colors = [(255, 255, 255), (255, 209, 102)]
    out, k = cards.darken_for_contrast(im, (0, 0, 1200, 630), colors, 4.5)
    assert 0 < k < 1
    for _, color in out.getcolors():
        assert min(cards.contrast(c, color) for c in colors) >= 4.5


def test_dark_photos_are_still_darkened_a_little():
    im = Image.new("RGB", (100, 100), (40, 40, 40))
    out, k = cards.darken_for_contrast(im, (0, 0, 100, 100), [(255, 255, 255)], 4.5, least=0.3)
    assert k == pytest.approx(0.7) and out.getpixel((5, 5)) == (28, 28, 28)


def test_a_photo_stored_on_its_side_is_not_decoded_too_small(tmp_path):
    # A phone stores a portrait photo on its side with an EXIF orientation; the reduced
    # JPEG decode must still cover the upright card, or the card would be blurred.
    grain = Image.merge("RGB", [Image.effect_noise((1300, 2600), 60) for _ in range(3)])
    grain.save(tmp_path / "upright.jpg", quality=95)
    exif = Image.Exif()
    exif[cards.ORIENTATION] = 6  # turn 90° clockwise to view
    grain.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "side.jpg", quality=95, exif=exif)
    upright = cards.cover(str(tmp_path / "upright.jpg"), (1200, 630), (0.5, 0.5))
    side = cards.cover(str(tmp_path / "side.jpg"), (1200, 630), (0.5, 0.5))
    diff = ImageStat.Stat(ImageChops.difference(upright, side)).mean
    assert max(diff) < 8  # drawn from half the pixels, it was about 20


def test_a_shared_photo_is_decoded_once_until_it_changes(tmp_path):
    path = tmp_path / "p.png"
    Image.new("RGB", (1600, 1000), (200, 120, 40)).save(path)
    colors = ((255, 255, 255),)
    first = cards.photo_background(str(path), LAYOUT, colors)
    assert cards.photo_background(str(path), LAYOUT, colors) is first
    before = first.tobytes()
    cards.draw(spec("Save the river", photo=str(path), lines=()), LAYOUT)
    assert first.tobytes() == before  # the card was drawn on a copy
    Image.new("RGB", (1600, 1000), (40, 120, 200)).save(path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    edited = cards.photo_background(str(path), LAYOUT, colors)
    assert edited.getpixel((600, 300)) != first.getpixel((600, 300))


def test_contrast_is_the_wcag_ratio():
    assert cards.contrast((255, 255, 255), (0, 0, 0)) == pytest.approx(21)
    assert cards.contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


def test_unknown_setting_is_an_error_naming_it_and_the_nearest_key():
    with pytest.raises(cards.CardConfigError) as error:
        cards.merge_layout({"backgroud_color": "#000000"})
    # The file it names is the last build's (tests/test_infrastructure.py builds one).
    assert error.value.message == ("SOCIAL_CARDS.backgroud_color: unknown key; "
                                   "did you mean background_color?")


@pytest.mark.parametrize("value", ["#12345", "blurple", 12])
def test_invalid_colour_is_a_configuration_error(value):
    with pytest.raises(cards.CardConfigError, match=r"SOCIAL_CARDS\['text_color'\].*'#rrggbb'"):
        cards.merge_layout({"text_color": value})


def test_low_contrast_colours_are_a_configuration_error():
    with pytest.raises(cards.CardConfigError, match=r"accent_color.*contrast"):
        cards.merge_layout({"accent_color": "#2a4a7a"})


def test_defaults_log_nothing(caplog):
    with caplog.at_level(logging.WARNING):
        cards.merge_layout({})
        cards.draw(spec("Save the river"), LAYOUT)
    assert caplog.records == []


def make_alert(title="Save the river", *, lang="en", state="open", deadline=True, image=None,
               slug="river", lines=None) -> Alert:
    return Alert(
        source_path=f"content/alerts/{slug}.md", title=title, slug=slug,
        date=datetime(2016, 7, 1, tzinfo=TZ), timezone=TZ,
        targets=(Target("U.S. House of Representatives"),), actions=(), summary="",
        share_text="", lang=lang, url=f"alerts/{slug}/", image=image,
        deadline=datetime(2016, 7, 15, 18, tzinfo=TZ) if deadline else None,
        state=state, lines=lines or {"title": 2, "targets": 6})


def test_deadline_and_target_labels():
    assert cardjobs.deadline_label(make_alert()) == "Deadline Fri, Jul 15"
    assert cardjobs.deadline_label(make_alert(state="closed")) == "Closed"
    assert cardjobs.deadline_label(make_alert(deadline=False)) == ""
    assert cardjobs.deadline_label(make_alert(lang="es")).startswith("Fecha límite ")
    assert cardjobs.target_label(make_alert()) == "To: U.S. House of Representatives"


def test_card_for_names_the_file_the_build_writes(tmp_path):
    image = AlertImage(tmp_path / "p.jpg", "alt", None, 10, 10, "JPEG", "photo.jpg")
    settings = {"SITENAME": "Alerts", "SITE_DESCRIPTION": "Act now"}
    ref = cardjobs.card_for(make_alert(image=image), settings)
    assert (ref.path, ref.mime, ref.width, ref.height) == (
        "alerts/river/card.jpg", "image/jpeg", 1200, 630)
    assert ref.alt == "Save the river. Deadline Fri, Jul 15. To: U.S. House of Representatives"
    assert cardjobs.card_for(make_alert(), settings).path == "alerts/river/card.png"
    site = cardjobs.card_for(None, settings)
    assert (site.path, site.alt) == ("card.png", "Alerts. Act now")
    assert cardjobs.card_for(make_alert(), {"SOCIAL_CARDS": {"enabled": False}}) is None


def test_a_word_wider_than_the_card_is_broken_anywhere():
    title = "https://example.org/" + "very-long-path-" * 12
    s = spec(title)
    block = cardtext.fit(title, s.title_fonts, "en", 1056, 400, SIZES, 4, 1.2)
    assert 1 < len(block.lines) <= 4
    for line in block.lines:
        assert cardtext.measure(s.title_fonts, line, block.size, False, "en") <= 1056


def test_a_logo_stands_in_for_the_site_name(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (400, 100), (255, 0, 0, 255)).save(logo)
    image = cards.draw(replace(spec("Save the river"), logo=str(logo)), LAYOUT)
    assert image.getpixel((80, 90)) == (255, 0, 0)  # logo scaled to 56 px high at the padding
    assert image.getpixel((80, 72 + 60)) != (255, 0, 0)


@pytest.mark.parametrize("text", [
    "Save the park", "مرحبا 2026، world!", "שלום 12 world", "公園を守ろう 2026", "x\u200dy 🌳 é",
    "", "  ", "Stop — now… (1/2)",
])
def test_used_fonts_are_the_fonts_of_the_runs(text):
    # used() walks the text without building runs; it must name the same fonts.
    for lang in ("en", "ar", "ja"):
        chain = cardfonts.resolve(LAYOUT["title_fonts"] + ["NotoSansCJK-Bold.ttc"], lang, DIRS)
        assert chain.used(text) == {font for font, _ in chain.runs(text)}
