"""When code fails rather than an alert: a template's mistake is named at the template's
file and line, a file that made the code fail by its path and the exception, the whole
traceback is shown under -v (`make html V=1`), and the last good site stays."""

from __future__ import annotations

import subprocess

import pytest
from conftest import EPOCH, MINIMAL_ALERT, ROOT, run_cli, snapshot, write_files

import alerts.authoring.parse as parse

#: Inside the head block of alert.html, so it is rendered (line 13 of the copy).
LINE = 12


def _theme_with(tmp_path, snippet: str) -> dict:
    """A copy of alert.html with `snippet` on line LINE + 1, as a template override."""
    over = tmp_path / "templates"
    over.mkdir()
    lines = (ROOT / "theme" / "templates" / "alert.html").read_text("utf-8").splitlines()
    assert lines[LINE - 1] == "{% block head %}"
    lines.insert(LINE, snippet)
    (over / "alert.html").write_text("\n".join(lines) + "\n", "utf-8")
    return {"THEME_TEMPLATES_OVERRIDES": [str(over)]}


@pytest.mark.parametrize(("snippet", "said"), [
    ("{{ no_such_value.title }}", "UndefinedError: 'no_such_value' is undefined"),
    ("{% if %}", "TemplateSyntaxError: Expected an expression, got 'end of statement block'"),
    ("{{ alert.title | no_such_filter }}", "TemplateAssertionError: No filter named "
                                           "'no_such_filter'"),
])
def test_a_template_mistake_is_named_at_its_line(make_site, tmp_path, snippet, said):
    site = make_site({"alerts/a.md": MINIMAL_ALERT}, settings=_theme_with(tmp_path, snippet))
    assert not site.result.ok
    path = tmp_path / "templates" / "alert.html"
    assert site.result.failures == [f"{path}:{LINE + 1}: template: {said}; fix the template"]


def test_code_a_template_calls_is_a_fault_named_with_the_templates_line(make_site, tmp_path):
    site = make_site({"alerts/a.md": MINIMAL_ALERT},
                     settings=_theme_with(tmp_path, "{{ list_words(5) }}"))
    [failure] = site.result.failures
    path = tmp_path / "templates" / "alert.html"
    assert failure == ("TypeError: 'int' object is not iterable (a fault in the build's "
                       f"code or a plugin, called from {path}:{LINE + 1}, not a mistake the "
                       "checks know of; run the build with -v (`make html V=1`) to see "
                       "where it failed)")


def test_a_file_that_makes_the_code_fail_is_named_with_the_exception(make_site, monkeypatch):
    def fails(*_args, **_kwargs):
        raise RuntimeError("the parser fell over")

    monkeypatch.setattr(parse.Parser, "parse", fails)
    site = make_site({"alerts/a.md": MINIMAL_ALERT})
    assert not site.result.ok
    [failure] = site.result.failures
    path = site.output.parent / "content" / "alerts" / "a.md"
    assert failure.startswith(f"{path}: could not be read: RuntimeError: the parser fell over "
                              "(a fault in the build's code or a plugin")
    assert failure.endswith("run the build with -v (`make html V=1`) to see where it failed)")


def test_the_cli_keeps_the_site_and_shows_the_traceback_with_v(tmp_path):
    content, output = tmp_path / "content", tmp_path / "output"
    write_files(content, {"alerts/a.md": MINIMAL_ALERT})
    over = _theme_with(tmp_path, "{{ no_such_value.title }}")["THEME_TEMPLATES_OVERRIDES"][0]
    good, broken = tmp_path / "good.py", tmp_path / "broken.py"
    good.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
                    "from pelicanconf import *  # noqa\n"
                    f"THEME = {str(ROOT / 'theme')!r}\n"
                    f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n", "utf-8")
    broken.write_text(good.read_text("utf-8") + f"THEME_TEMPLATES_OVERRIDES = [{over!r}]\n")
    env = {"SOURCE_DATE_EPOCH": str(EPOCH)}
    args = ("-i", str(content), "-o", str(output), "--no-pdf")
    assert run_cli("build", "-s", str(good), *args, cwd=tmp_path, env=env).returncode == 0
    before = snapshot(output)
    quiet = run_cli("build", "-s", str(broken), *args, cwd=tmp_path, env=env)
    told = run_cli("-v", "build", "-s", str(broken), *args, cwd=tmp_path, env=env)
    for done in (quiet, told):
        assert done.returncode == 1
        assert ("error: templates/alert.html:13: template: UndefinedError: 'no_such_value' "
                "is undefined; fix the template") in done.stderr
        assert f"{output} was left as it was" in done.stderr
    assert "Traceback" not in quiet.stderr
    assert "where the build failed:\nTraceback" in told.stderr
    assert 'File "' + over + '/alert.html", line 13' in told.stderr
    assert snapshot(output) == before


def test_make_passes_v_on():
    said = subprocess.run(["make", "-n", "html", "V=1"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    assert " -m alerts -v build " in said
    for plain in ([], ["V=0"]):
        said = subprocess.run(["make", "-n", "html", *plain], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout
        assert " -m alerts build " in said and " -v " not in said, plain
