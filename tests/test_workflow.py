"""The GitHub Pages workflow (.github/workflows/publish.yml): valid YAML, triggered on
push, hourly and by hand, allowed to deploy Pages, and running nothing but the project's
own Makefile targets — the same `make publish` a person runs."""

from __future__ import annotations

import os
import re
import shlex
import subprocess

import yaml
from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
#: The actions it may use: GitHub's own, for checkout, Python, caching and Pages.
ACTIONS = {"actions/checkout", "actions/setup-python", "actions/cache",
           "actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"}


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text("utf-8"))


def _makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text("utf-8")
    return set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", text, re.MULTILINE))


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_it_runs_on_push_hourly_and_by_hand():
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    (cron,) = [entry["cron"] for entry in triggers["schedule"]]
    minute, *rest = cron.split()
    assert minute.isdigit() and 0 <= int(minute) < 60 and rest == ["*", "*", "*", "*"], cron
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    assert workflow["concurrency"]["group"]


def test_every_command_is_a_makefile_target():
    targets = _makefile_targets()
    assert {"publish", "html", "schedule", "rsync_upload"} <= targets
    runs = [step["run"] for step in _steps(_workflow()) if "run" in step]
    assert runs, "the workflow builds nothing"
    for run in runs:
        for command in filter(None, (c.strip() for c in re.split(r"\n|&&|;", run))):
            words = shlex.split(command)
            assert words[0] == "make", f"not a Makefile target: {command!r}"
            named = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
            assert named and set(named) <= targets, f"{command!r} names no target of the Makefile"
    assert any(" publish " in f" {run} " for run in runs)


def test_it_uses_only_githubs_own_actions_and_deploys_what_make_publish_writes():
    steps = _steps(_workflow())
    used = {step["uses"].split("@")[0] for step in steps if "uses" in step}
    assert used <= ACTIONS and {"actions/upload-pages-artifact", "actions/deploy-pages"} <= used
    (upload,) = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages")]
    assert upload["with"]["path"] == "output"  # the Makefile's OUTPUTDIR
    assert re.search(r"^OUTPUTDIR \?= \$\(CURDIR\)/output$", (ROOT / "Makefile").read_text(),
                     re.MULTILINE)


def test_the_build_step_hands_make_the_pages_address():
    """The step's command, run as GitHub runs it (bash) with `make -n`: the address is the
    repository variable when set, else the Pages one without its trailing slash."""
    (step,) = [s for s in _steps(_workflow()) if "make publish" in s.get("run", "")]
    command = step["run"].replace("make ", "make -n ", 1)
    for variable, expected in (("", "https://example.github.io/alerts"),
                               ("https://alerts.example.org", "https://alerts.example.org")):
        done = subprocess.run(
            ["bash", "-e", "-c", command], cwd=ROOT, capture_output=True, text=True,
            check=True, env={**os.environ, "SITEURL": variable,
                             "PAGES_URL": "https://example.github.io/alerts/"})
        assert "build -s" in done.stdout and "publishconf.py" in done.stdout
        # make -n prints the recipe; the address reaches publishconf.py by the environment.
        check = subprocess.run(
            ["bash", "-e", "-c", command.replace("make -n publish", "make -s -f - show")],
            input="show:\n\t@echo $$SITEURL\n", cwd=ROOT, capture_output=True, text=True,
            check=True, env={**os.environ, "SITEURL": variable,
                             "PAGES_URL": "https://example.github.io/alerts/"})
        assert check.stdout.strip() == expected


def test_rsync_upload_copies_every_file_of_the_output():
    """The cron recipe's `make rsync_upload` excludes nothing: rsync's --cvs-exclude list
    would skip output/tags/ (every topic page) and any file named `core`."""
    done = subprocess.run(["make", "-n", "rsync_upload", "SSH_HOST=www.example.org"],
                          cwd=ROOT, capture_output=True, text=True, check=True,
                          env={**os.environ, "SOURCE_DATE_EPOCH": ""})
    [rsync] = [line for line in done.stdout.splitlines() if line.startswith("rsync ")]
    words = shlex.split(rsync)
    assert "--delete" in words
    assert not [w for w in words if w.startswith(("--cvs-exclude", "--exclude", "-C"))], rsync
    assert not any(w.startswith("-") and not w.startswith("--") and "C" in w for w in words), rsync
