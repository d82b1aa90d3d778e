"""Command line behind the Makefile: build, check, new, serve, devserver, watch, schedule.

Run as `python -m alerts COMMAND` with plugins/ on PYTHONPATH (the Makefile does).
"""

from __future__ import annotations

import argparse
import gc
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import NoReturn

from alerts.authoring.deadline import (
    ConfigError,
    build_now,
    settle_source_date_epoch,
    utc_stamp,
)
from alerts.authoring.newalert import new_alert
from alerts.build.config import PREVIEW
from alerts.build.problems import display_path
from alerts.build.staging import BuildResult, QuietSkippedFiles, build, load_settings
from alerts.preview.serve import site_server as _server


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt  # SIGTERM stops a build the way Ctrl-C does


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    args = _parser().parse_args(argv)
    _logging(args.verbose)
    try:
        settle_source_date_epoch()  # before any work, and before any library reads it
        return args.run(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the output folder was left as it was", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alerts", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log Pelican's progress")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name, run, help_text, site=True):
        sub = commands.add_parser(name, help=help_text)
        sub.set_defaults(run=run)
        if site:
            sub.add_argument("-s", "--settings", default="pelicanconf.py")
            sub.add_argument("-i", "--input", help="content folder (PATH)")
            sub.add_argument("-o", "--output", help="output folder (OUTPUT_PATH)")
            sub.add_argument("--no-pdf", action="store_true", help="skip PDFs (previews)")
        return sub

    command("build", _build, "build the site atomically into the output folder")
    command("check", _check, "check every alert without writing a site")
    new = command("new", _new, "write a new alert file", site=False)
    new.add_argument("--title", required=True)
    new.add_argument("-i", "--input", default="content")
    serve = command("serve", _serve, "serve the output folder on 127.0.0.1", site=False)
    serve.add_argument("-o", "--output", default="output")
    serve.add_argument("--port", type=int, default=8000)
    dev = command("devserver", _devserver,
                  "rebuild on change (no PDFs), serve, and reload open tabs")
    dev.add_argument("--port", type=int, default=8000)
    command("watch", _watch, "rebuild on every change to the content, theme or settings")
    schedule = command("schedule", _schedule,
                       "print when the clock alone will change the site, soonest first")
    schedule.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    handler.addFilter(QuietSkippedFiles())
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])


def _settings(args, *, pdf: bool = True) -> dict:
    overrides = {}
    if args.input:
        overrides["PATH"] = args.input
    if args.output:
        overrides["OUTPUT_PATH"] = args.output
    settings = load_settings(args.settings, overrides)
    if getattr(args, "preview", False):
        settings[PREVIEW] = True
    if args.no_pdf or not pdf:
        # Over the site's own PDF setting, not instead of it: a mistake in it must show
        # in `make check` and the devserver as it would in `make html`.
        given = settings.get("PDF")
        settings["PDF"] = {**given, "enabled": False} if isinstance(given, dict) else \
            given if given is not None else {"enabled": False}
    return settings


def _report(result: BuildResult) -> None:
    for problem in result.warnings + result.errors:
        print(problem, file=sys.stderr)
    for failure in result.failures:
        print(f"error: {failure}", file=sys.stderr)


def _say_scheduled(result: BuildResult) -> None:
    """One line per alert held back until its date (alerts.reader)."""
    for path, moment in sorted(result.scheduled, key=lambda item: (item[1], item[0])):
        print(f"{display_path(path)}: scheduled: appears at {utc_stamp(moment)}, at the "
              "first build from then on")


def _build(args) -> int:
    settings = _settings(args)
    result = build(settings)
    _report(result)
    _say_scheduled(result)
    if not result.ok:
        print(f"Build failed with {result.problem_count} problem(s); "
              f"{settings['OUTPUT_PATH']} was left as it was.", file=sys.stderr)
        return 1
    held = len(result.scheduled)
    built = result.alerts_checked - held
    print(f"Built {built} alert{'' if built == 1 else 's'} into {settings['OUTPUT_PATH']}"
          + (f"; {held} scheduled, checked and held back" if held else "")
          + (" (nothing changed since the last build: the output is as it was)"
             if result.unchanged else ""))
    return 0


def _check(args) -> int:
    result = build(_settings(args, pdf=False), check_only=True)
    _report(result)
    _say_scheduled(result)
    count = result.problem_count
    checked = result.alerts_checked
    print(f"{checked} alert{'' if checked == 1 else 's'} checked, "
          f"{count} problem{'' if count == 1 else 's'}")
    return 0 if result.ok else 1


def _schedule(args) -> int:
    """Every upcoming moment a rebuild would change the site (alerts.site.schedule), read
    from the content without building; the problems of files that cannot be read."""
    import json

    from alerts.build.settings import alert_settings
    from alerts.site import schedule

    settings = load_settings(args.settings, {"PATH": args.input} if args.input else None)
    now = build_now()
    alerts, problems = schedule.read_alerts(settings, now)
    found = schedule.moments(alerts, now, alert_settings(settings)["closing_soon_hours"])
    for problem in problems.warnings + problems.errors:
        print(problem, file=sys.stderr)
    if args.format == "json":
        print(json.dumps([moment.as_json() for moment in found], indent=2,
                         ensure_ascii=False))
    else:
        for moment in found:
            print(moment.line())
    if problems:
        count = len(problems)
        print(f"{count} problem{'' if count == 1 else 's'}: those files are left out of the "
              "schedule, and the site will not build until they are fixed", file=sys.stderr)
        return 1
    if not found:
        print(f"Nothing upcoming after {schedule.utc_stamp(now)}: only an edit will change "
              "the site.", file=sys.stderr)
    return 0


def _new(args) -> int:
    try:
        path = new_alert(Path(args.input), args.title, build_now())
    except (ValueError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


def _serve(args) -> int:
    server = _server(Path(args.output), args.port)
    print(f"Serving {args.output} at http://127.0.0.1:{args.port}/ (Ctrl-C stops)")
    server.serve_forever()
    return 0


#: Seconds without a change after a build before its garbage is collected: time for the
#: open tabs to hear of the build and reload (see _rebuild_and_tell).
COLLECT_WHEN_IDLE = 1.0


def _watch(args, on_built=None) -> int:
    """Build, then rebuild on every change to the content, the theme or the settings files
    until Ctrl-C; `on_built(result)` hears of every build, the first one included."""
    from alerts.preview.rebuilds import (
        Changes,
        config_files,
        forget_config_modules,
        say_every_warning,
        say_settings_warnings_once,
    )

    settings = _settings(args)
    configs = config_files(args.settings)
    # Watching starts before the first build, so that a save during it is not missed.
    changes = Changes([settings["PATH"], settings["THEME"]], configs)
    once = say_settings_warnings_once()
    try:
        _rebuild_and_tell(args, on_built, settings)
        while True:
            # The collector is off from a build until a second passes without a change.
            idle = None if gc.isenabled() else COLLECT_WHEN_IDLE
            if not changes.wait(idle):
                if changes.stopped:
                    break
                gc.collect()
                gc.enable()
                continue
            if changes.take_settings_changed():
                forget_config_modules(configs)
                for said in once:
                    said.forget()  # the edited settings may warn about something new
            _rebuild_and_tell(args, on_built)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)  # a build cut short left the output as it was
    finally:
        gc.enable()
        changes.stop()
        say_every_warning(once)
    return 0


def _rebuild_and_tell(args, on_built, settings: dict | None = None) -> None:
    """One rebuild, and `on_built` told of it, with Python's cycle collector off; the
    caller turns it on again once the open tabs have had time to reload (_watch).

    A thousand alerts' objects make each of the collector's passes cost 0.1–0.2 s, and
    it holds every thread meanwhile: one or two passes during a build, and one as soon
    as it is on again, over all the build made, which would hold up the news of the
    build on its way to the tabs and their reload. A save that comes before the last
    build's garbage was collected has it collected first, so it never piles up."""
    if not gc.isenabled():
        gc.collect()
    gc.disable()
    result = _rebuild(args, settings)
    if on_built:
        on_built(result)


def _rebuild(args, settings: dict | None = None) -> BuildResult:
    """One build, reported in the terminal. Whatever goes wrong (a settings file saved
    half-edited, a full disk) fails this build only: the next save builds again."""
    try:
        settings = settings or _settings(args)
    except ConfigError as exc:  # already names the file and says what to fix
        result = BuildResult(False, failures=[str(exc)])
    except Exception as exc:
        result = BuildResult(False, failures=[f"{args.settings}: {type(exc).__name__}: {exc}"])
    else:
        try:
            result = build(settings)
        except Exception as exc:
            failure = str(exc) if isinstance(exc, ConfigError) else f"{type(exc).__name__}: {exc}"
            result = BuildResult(False, failures=[failure])
    _report(result)
    _say_scheduled(result)
    print("Rebuilt." if result.ok else "Build failed; the last good site is still served.",
          flush=True)
    return result


def _devserver(args) -> int:
    """`watch` without PDFs, serving the output folder on 127.0.0.1; open tabs reload
    after each good build and show a failed build's problems (see devserver.py)."""
    from alerts.preview.devserver import BuildNews, DevServer

    args.no_pdf = args.preview = True
    news = BuildNews()
    try:
        server = DevServer(Path(_settings(args)["OUTPUT_PATH"]), args.port, news)
    except OSError as exc:
        print(f"error: cannot serve on 127.0.0.1:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def built(result: BuildResult) -> None:
        if not news.attempt:
            print(f"Serving at http://127.0.0.1:{args.port}/ (Ctrl-C stops); open tabs "
                  "reload after each build.", flush=True)
        news.publish(result)

    try:
        return _watch(args, on_built=built)
    finally:
        news.close()
        server.shutdown()
        server.server_close()


def _leave(code: int) -> NoReturn:
    """Exit with `code`, leaving what the run built in memory to the operating system.

    At exit Python runs its cycle collector over every object still alive: after a build
    of a thousand alerts (some 130,000 of them) that took 0.28–0.36 s of every `make html`,
    once the site was already in place. Frozen (gc.freeze), they are left out of it and
    the process ends in ~30 ms. Everything else a normal exit does still happens:
    atexit handlers run, threads are joined, streams are flushed. What it skips are the
    finalizers of objects held in reference cycles, which Python does not promise to run
    at exit either; every file the build writes is closed, and in place, before `main`
    returns."""
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    _leave(main())
