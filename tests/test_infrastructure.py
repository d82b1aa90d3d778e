"""What every part of the build shares: whole-or-nothing writes, link-or-copy, the cache
folder with its manifest, the settings merge and its one error, and the per-build reset."""

from __future__ import annotations

import ast
import errno
import gc
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINIMAL_ALERT, ROOT, build_site, run_cli

from alerts.build import config, files
from alerts.build import state as buildstate
from alerts.build.cache import MANIFEST, STALE_PARTIAL_SECONDS, Cache
from alerts.build.filedigests import FileDigests
from alerts.build.folders import FoldersAhead

# -- write_atomic and replacing ---------------------------------------------------------


def test_write_atomic_writes_bytes_and_text_readable_by_the_web_server(tmp_path):
    files.write_atomic(tmp_path / "a" / "b.bin", b"\x00\x01")
    files.write_atomic(tmp_path / "c.txt", "déjà")
    assert (tmp_path / "a" / "b.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "c.txt").read_bytes() == "déjà".encode()
    assert (tmp_path / "c.txt").stat().st_mode & 0o777 == 0o644
    files.write_atomic(tmp_path / "c.txt", b"again", fsync=True)
    assert (tmp_path / "c.txt").read_bytes() == b"again"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "c.txt"]  # no temp file left


def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch):
    target = tmp_path / "card.png"
    target.write_bytes(b"old card")
    real_open = open

    class DiskFull:
        def __init__(self, path, mode):
            self.file = real_open(path, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, data):
            self.file.write(data[: len(data) // 2])  # half of it reaches the disk
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "open", DiskFull, raising=False)
    with pytest.raises(OSError, match="No space left"):
        files.write_atomic(target, b"new card, twice as long")
    assert target.read_bytes() == b"old card"
    assert [p.name for p in tmp_path.iterdir()] == ["card.png"]


def test_an_interrupted_encoder_leaves_nothing_behind(tmp_path):
    target = tmp_path / "photo.jpg"
    with pytest.raises(KeyboardInterrupt), files.replacing(target) as partial:
        partial.write_bytes(b"half a photo")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


# -- link_or_copy ---------------------------------------------------------------------


def test_link_or_copy_links_and_replaces_the_target(tmp_path):
    source = tmp_path / "cache" / "x.pdf"
    source.parent.mkdir()
    source.write_bytes(b"pdf")
    target = tmp_path / "out" / "alerts" / "x.pdf"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"an older pdf")
    files.link_or_copy(source, target)
    assert target.read_bytes() == b"pdf" and target.stat().st_ino == source.stat().st_ino
    files.link_or_copy(source, target)  # already a link to it: still there, still one file
    assert target.read_bytes() == b"pdf" and target.stat().st_ino == source.stat().st_ino


def test_link_or_copy_copies_where_hard_links_are_refused(tmp_path, monkeypatch):
    source = tmp_path / "card.jpg"
    source.write_bytes(b"card")
    target = tmp_path / "out" / "card.jpg"

    def refused(*_args, **_kwargs):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", refused)
    files.link_or_copy(source, target)
    assert target.read_bytes() == b"card"
    assert target.stat().st_ino != source.stat().st_ino


def test_link_or_copy_makes_the_folder_and_never_writes_through_a_shared_file(
        tmp_path, monkeypatch):
    live = tmp_path / "output" / "alerts" / "x" / "index.html"
    live.parent.mkdir(parents=True)
    live.write_bytes(b"the live page")
    staged = tmp_path / "staging" / "alerts" / "x" / "index.html"
    files.link_or_copy(live, staged)  # its folder is made on the way
    assert staged.stat().st_ino == live.stat().st_ino
    fresh = tmp_path / "fresh.html"
    fresh.write_bytes(b"a new page")
    monkeypatch.setattr(os, "link", lambda *_: (_ for _ in ()).throw(
        PermissionError(errno.EPERM, "Operation not permitted")))
    files.link_or_copy(fresh, staged)  # copied over a name that shares the live file
    assert staged.read_bytes() == b"a new page"
    assert live.read_bytes() == b"the live page"


def test_link_or_copy_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(FileNotFoundError):
        files.link_or_copy(tmp_path / "gone.pdf", tmp_path / "out" / "gone.pdf")


def test_folders_made_ahead_hold_what_comes_and_vanish_when_nothing_does(tmp_path):
    staging = tmp_path / "staging"
    ahead = FoldersAhead(str(staging), ["alerts/a/embed", "alerts/gone/print", "/abs",
                                        "../outside", ""])
    waited = 0.0
    while not (staging / "alerts" / "gone" / "print").is_dir() and waited < 30:
        time.sleep(0.05)  # made by a helper process, not by this one
        waited += 0.05
    assert (staging / "alerts" / "gone" / "print").is_dir()
    source = tmp_path / "page.html"
    source.write_bytes(b"page")
    files.link_or_copy(source, staging / "alerts" / "a" / "embed" / "index.html")
    ahead.finish()
    assert sorted(str(p.relative_to(staging)) for p in staging.rglob("*")) == [
        "alerts", "alerts/a", "alerts/a/embed", "alerts/a/embed/index.html"]
    assert not (tmp_path / "outside").exists()


def test_make_way_removes_a_file_or_an_empty_folder_but_not_a_full_one(tmp_path):
    (tmp_path / "page").write_bytes(b"old")
    (tmp_path / "empty").mkdir()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "index.html").write_bytes(b"kept")
    for name in ("page", "empty", "missing"):
        files.make_way(tmp_path / name)
        assert not (tmp_path / name).exists()
    with pytest.raises(OSError):
        files.make_way(tmp_path / "full")
    assert (tmp_path / "full" / "index.html").read_bytes() == b"kept"


def test_file_digests_read_a_file_again_only_when_it_is_another_file(tmp_path):
    photo = tmp_path / "river.jpg"
    photo.write_bytes(b"pixels")
    first = FileDigests()
    digest = first(photo)
    assert digest == hashlib.sha256(b"pixels").hexdigest()
    stamp = photo.stat()
    # The same size, time and inode: trusted without reading (make's blind spot too).
    with open(photo, "r+b") as handle:
        handle.write(b"PIXELS")
    os.utime(photo, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert FileDigests(first.seen)(photo) == digest
    # A new modification time, or a new file renamed over it: read again.
    os.utime(photo, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1))
    assert FileDigests(first.seen)(photo) == hashlib.sha256(b"PIXELS").hexdigest()
    replacement = tmp_path / "new.jpg"
    replacement.write_bytes(b"pixelz")
    os.utime(replacement, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    os.replace(replacement, photo)
    assert FileDigests(first.seen)(photo) == hashlib.sha256(b"pixelz").hexdigest()
    named = FileDigests()
    named(photo, "output:river.jpg")  # a staging folder's file, by its place in the site
    assert list(named.seen) == ["output:river.jpg"]
    with pytest.raises(FileNotFoundError):
        named(tmp_path / "gone.jpg")


# -- the cache folder -----------------------------------------------------------------


def filled(folder: Path) -> Cache:
    cache = Cache(folder, "things", 1)
    cache.put("kept", {"n": 1})
    cache.put("dropped", {"n": 2})
    files.write_atomic(cache.use("kept.bin"), b"kept")
    files.write_atomic(cache.use("dropped.bin"), b"dropped")
    cache.save(extra={"a": 1})
    return cache


def test_cache_keeps_what_this_build_used_and_prunes_the_rest(tmp_path):
    filled(tmp_path)
    cache = Cache(tmp_path, "things", 1)
    assert cache.entries == {"kept": {"n": 1}, "dropped": {"n": 2}}
    assert cache.section("extra") == {"a": 1}
    assert cache.get("kept") == {"n": 1}
    assert cache.use("kept.bin").read_bytes() == b"kept"
    cache.prune()
    cache.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.bin", MANIFEST]
    again = Cache(tmp_path, "things", 1)
    assert again.entries == {"kept": {"n": 1}}
    assert again.section("extra") == {}  # a section lasts as long as its kind saves it


@pytest.mark.parametrize("manifest", [
    '{"format": "things 1", "entries": {"kept": ',  # cut short by a full disk
    "not json at all",
    '["a", "list"]',
    '{"format": "things 0", "entries": {"kept": {"n": 1}}}',  # an older version
    '{"format": "other 1", "entries": {"kept": {"n": 1}}}',  # another kind's
    '{"format": "things 1", "entries": ["kept"]}',
])
def test_a_damaged_or_foreign_manifest_is_never_trusted(tmp_path, manifest):
    (tmp_path / MANIFEST).write_text(manifest, "utf-8")
    cache = Cache(tmp_path, "things", 1)
    assert cache.entries == {} and cache.section("extra") == {}
    cache.put("new", [1])
    cache.prune()
    cache.save()
    saved = json.loads((tmp_path / MANIFEST).read_text("utf-8"))
    assert saved == {"format": "things 1", "entries": {"new": [1]}}


def test_prune_spares_another_builds_file_in_progress_but_not_a_dead_ones(tmp_path):
    live = tmp_path / f".a.pdf.x1{files.PARTIAL}"
    dead = tmp_path / f".b.pdf.x2{files.PARTIAL}"
    live.write_bytes(b"")
    dead.write_bytes(b"")
    old = time.time() - STALE_PARTIAL_SECONDS - 60
    os.utime(dead, (old, old))
    Cache(tmp_path, "things", 1).prune()
    assert [p.name for p in tmp_path.iterdir()] == [live.name]


def test_the_three_caches_write_through_the_one_cache(tmp_path):
    from alerts.build.photocache import PhotoCache
    from printpdf.pdfcache import PdfCache

    photos = PhotoCache(tmp_path / "photos")
    source = tmp_path / "river.jpg"
    source.write_bytes(b"pixels")
    photos.remember(source, "JPEG", 800, 600)
    photos.publish(source, ".jpg", tmp_path / "out" / "river.jpg",
                   lambda path: Path(path).write_bytes(b"clean pixels"))
    photos.save()
    assert PhotoCache(tmp_path / "photos").known(source) == ("JPEG", 800, 600)
    assert (tmp_path / "out" / "river.jpg").read_bytes() == b"clean pixels"

    pdfs = PdfCache(tmp_path / "pdfs", {"output": tmp_path / "out"})
    for page in ("alerts/a/", "alerts/b/"):
        files.write_atomic(pdfs.path(page), page)
        pdfs.store(page, "key-" + page, {"output:river.jpg": pdfs.digest("output:river.jpg")})
    pdfs.prune({"alerts/a/"})
    pdfs.save()
    again = PdfCache(tmp_path / "pdfs", {"output": tmp_path / "out"})
    assert again.fresh("alerts/a/", "key-alerts/a/")
    assert not again.fresh("alerts/b/", "key-alerts/b/") and not again.path("alerts/b/").exists()
    (tmp_path / "out" / "river.jpg").unlink()  # a file the PDF read is gone
    assert not PdfCache(tmp_path / "pdfs", {"output": tmp_path / "out"}).fresh(
        "alerts/a/", "key-alerts/a/")
    for kind in ("photos", "pdfs"):
        manifest = json.loads((tmp_path / kind / MANIFEST).read_text("utf-8"))
        assert manifest["format"].startswith(kind + " ")


# -- settings -------------------------------------------------------------------------


def test_merge_suggests_the_nearest_key_or_lists_them_all():
    defaults = {"utm": False, "networks": None}
    with pytest.raises(config.SettingsError) as error:
        config.merge("SHARE", {"utmm": True}, defaults, source="site.py")
    assert str(error.value) == "site.py: SHARE.utmm: unknown key; did you mean utm?"
    with pytest.raises(config.SettingsError) as error:
        config.merge("SHARE", {"colour": 1}, defaults, source="site.py")
    assert str(error.value) == "site.py: SHARE.colour: unknown key; known keys: utm, networks"
    assert config.merge("SHARE", None, defaults) == defaults


def test_merge_names_the_file_in_a_value_error_too():
    def check(merged):
        if merged["utm"] not in (True, False):
            raise config.SettingsError(f"SHARE['utm'] = {merged['utm']!r}: write True or False")

    with pytest.raises(config.SettingsError) as error:
        config.merge("SHARE", {"utm": "yes"}, {"utm": False}, check, source="site.py")
    assert str(error.value) == "site.py: SHARE['utm'] = 'yes': write True or False"
    assert isinstance(error.value, config.ConfigError)  # printed as one "error:" line


def test_merged_is_kept_for_the_build_and_made_again_when_the_value_changes():
    settings = {"SHARE": {"utm": True}}
    first = config.merged(settings, "SHARE", {"utm": False})
    assert config.merged(settings, "SHARE", {"utm": False}) is first
    settings["SHARE"]["utm"] = False  # changed in place
    assert config.merged(settings, "SHARE", {"utm": False}) == {"utm": False}


MISTAKES = {
    "ALERTS": ({"closing_soon_hour": 72}, "ALERTS.closing_soon_hour: unknown key; "
               "did you mean closing_soon_hours?"),
    "SHARE": ({"utmm": True}, "SHARE.utmm: unknown key; did you mean utm?"),
    "EMAIL": ({"merge_sintax": "mailchimp"},
              "EMAIL.merge_sintax: unknown key; did you mean merge_syntax?"),
    "PDF": ({"enabled": False, "page_sise": "A4"},
            "PDF.page_sise: unknown key; did you mean page_size?"),
    "SOCIAL_CARDS": ({"backgroud_color": "#000000"},
                     "SOCIAL_CARDS.backgroud_color: unknown key; did you mean background_color?"),
}


@pytest.mark.parametrize("setting", sorted(MISTAKES))
def test_a_misspelt_key_in_any_setting_fails_the_build_naming_the_nearest(setting, tmp_path):
    given, message = MISTAKES[setting]
    site = build_site(tmp_path, {"alerts/good.md": MINIMAL_ALERT}, settings={setting: given})
    assert not site.result.ok
    assert site.result.failures == [f"{ROOT / 'pelicanconf.py'}: {message}"]
    assert not site.output.exists()


def test_the_command_line_names_the_settings_file_it_read(tmp_path):
    conf = tmp_path / "mysite.py"
    conf.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
                    "from pelicanconf import *\n"
                    f"THEME = {str(ROOT / 'theme')!r}\n"
                    f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
                    "SHARE = {'utmm': True}\n", "utf-8")
    (tmp_path / "content" / "alerts").mkdir(parents=True)
    (tmp_path / "content" / "alerts" / "good.md").write_text(MINIMAL_ALERT, "utf-8")
    done = run_cli("check", "-s", str(conf), "-i", "content", "-o", "output", cwd=tmp_path)
    assert done.returncode == 1
    assert f"error: {conf}: SHARE.utmm: unknown key; did you mean utm?\n" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_setting_pelican_refuses_is_one_line_naming_the_file(tmp_path):
    conf = tmp_path / "nowhere.py"
    conf.write_text("PATH = 'no such folder'\n", "utf-8")
    done = run_cli("check", "-s", str(conf), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (f"error: {conf}: You need to specify a path containing the content "
                           "(see pelican --help for more information)\n")


def test_every_default_of_every_setting_is_documented():
    modules = ("alerts/build/settings.py", "sharing/sharing.py", "printpdf/settings.py",
               "sharing/cards/draw.py", "alerts/site/urls.py", "alerts/site/emailedition.py")
    for module in modules:
        path = ROOT / "plugins" / module
        lines = path.read_text("utf-8").splitlines()
        [defaults] = [node.value for node in ast.parse("\n".join(lines)).body
                      if isinstance(node, ast.Assign)
                      and [getattr(t, "id", "") for t in node.targets] == ["DEFAULTS"]]
        for key in defaults.keys:
            above = key.lineno - 2
            comment = []
            while lines[above].lstrip().startswith("#"):
                comment.insert(0, lines[above].strip())
                above -= 1
            assert comment and comment[0].startswith("#:"), f"{module}: {key.value} undocumented"


# -- state kept for one build ---------------------------------------------------------


def test_reset_drops_what_modules_keep_for_a_build(tmp_path):
    from printpdf import qr, styles

    qr.use_cache(tmp_path / "qr")
    fonts = styles.font_config()
    buildstate.reset()
    assert qr._cache_dir is None
    assert styles.font_config() is not fonts


@pytest.mark.parametrize("fails", [False, True], ids=["built", "failed"])
def test_what_a_build_read_is_out_of_the_collector_while_its_steps_run(tmp_path, monkeypatch,
                                                                        fails):
    """Frozen once every file is read (the full collections in the steps walked all of
    it), and given back as the build ends, however it ends: a devserver that builds all
    day must not keep every build's objects for good."""
    from alerts.site import feeds

    atom, frozen = feeds.Feeds.atom, []

    def watched(self, *args, **kwargs):
        frozen.append(gc.get_freeze_count())
        if fails:
            raise RuntimeError("the feeds broke")
        return atom(self, *args, **kwargs)

    monkeypatch.setattr(feeds.Feeds, "atom", watched)
    assert gc.get_freeze_count() == 0
    site = build_site(tmp_path, {"alerts/a.md": MINIMAL_ALERT})
    assert site.result.ok is not fails, site.messages
    assert frozen and frozen[0] > 10_000  # the alert, its pages, Pelican, the templates
    assert gc.get_freeze_count() == 0


def test_make_html_leaves_what_it_built_out_of_the_collector_when_it_exits(tmp_path):
    """The command line's last act: at exit Python collects over every object alive,
    0.3 s after a thousand alerts' build, unless they are frozen (alerts.__main__._leave).
    An atexit handler registered before the build runs after the command's own exit."""
    (tmp_path / "content" / "alerts").mkdir(parents=True)
    (tmp_path / "content" / "alerts" / "a.md").write_text(MINIMAL_ALERT, "utf-8")
    hook = ("import atexit, gc, runpy, sys\n"
            "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count(),"
            " file=sys.stderr))\n"
            "runpy.run_module('alerts', run_name='__main__', alter_sys=True)\n")
    done = subprocess.run(
        [sys.executable, "-c", hook, "build", "-s", str(ROOT / "pelicanconf.py"),
         "-i", "content", "-o", "output", "--no-pdf"], cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")},
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built 1 alert into "), done.stdout
    said = [line for line in done.stderr.splitlines() if line.startswith("frozen at exit:")]
    assert len(said) == 1, done.stderr
    assert int(said[0].split(":")[1]) > 10_000  # Pelican, the alert, its pages, templates
    assert (tmp_path / "output" / "index.html").is_file()


@pytest.mark.parametrize(("setting", "words"), [
    ({"PDF": {"enabled": "no"}}, "PDF['enabled'] must be True or False, not 'no'"),
    ({"SHARE": {"utm": "yes"}}, "SHARE['utm'] must be True or False, not 'yes'"),
    ({"EMAIL": {"utm": "yes"}}, "EMAIL['utm'] must be True or False, not 'yes'"),
])
def test_a_switch_given_as_text_is_refused(tmp_path, setting, words):
    site = build_site(tmp_path, {}, pdf=True, settings=setting)
    assert not site.result.ok
    assert any(words in failure for failure in site.result.failures), site.result.failures


def test_check_and_devserver_builds_still_check_the_pdf_setting(tmp_path):
    """`make check` turns PDFs off over the site's PDF setting, not instead of it."""
    conf = tmp_path / "conf.py"
    conf.write_text((ROOT / "pelicanconf.py").read_text("utf-8") +
                    f'\nTHEME = {str(ROOT / "theme")!r}\nPDF = {{"page_sise": "A4"}}\n', "utf-8")
    done = run_cli("check", "-s", str(conf), "-i", str(ROOT / "content"),
                   "-o", str(tmp_path / "out"), cwd=tmp_path,
                   env={"SOURCE_DATE_EPOCH": "1796040000"})
    assert done.returncode == 1
    assert f"error: {conf}: PDF.page_sise: unknown key; did you mean page_size?" in done.stderr


@pytest.mark.parametrize(("text", "words"), [
    (None, "no such settings file; give the path of one, e.g. CONFFILE=pelicanconf.py"),
    ("X = (\n", "line 1: '(' was never closed; fix the Python syntax there"),
])
def test_a_missing_or_broken_settings_file_is_one_line(tmp_path, text, words):
    conf = tmp_path / "conf.py"
    if text is not None:
        conf.write_text(text, "utf-8")
    done = run_cli("check", "-s", str(conf), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"error: {conf}: {words}\n"
