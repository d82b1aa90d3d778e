"""What `watch` and `devserver` need to rebuild on every change: which files to watch,
a watcher that never misses a change made during a build, and settings warnings said
once per session instead of on every rebuild."""

from __future__ import annotations

import ast
import logging
import sys
import threading
from pathlib import Path

#: Warnings about the settings, not the content: the first build says them, and saying
#: them again on every rebuild would bury the content's problems. A settings edit lets
#: them be said once more (see OnceOnly.forget).
SETTINGS_WARNINGS = ("sharing: SITEURL is empty",)
#: How long, in ms, the watcher waits for more changes before it reports them: a save is
#: reported 20–40 ms after it happened (watchfiles' default, 50, gives 50–100 ms of the
#: edit-to-reload time). An editor's save (write, rename) takes well under that; a
#: change that still comes later starts one more build, which replaces this one's output.
WATCH_STEP_MS = 20


def config_files(settings_file: str | Path) -> set[Path]:
    """The settings file, the project's other settings file beside it (a devserver on
    pelicanconf.py hears about publishconf.py and the other way round), and any module
    beside it that it imports (publishconf.py's `from pelicanconf import *`)."""
    settings = Path(settings_file).resolve()
    names = {"pelicanconf", "publishconf"}
    try:
        tree = ast.parse(settings.read_text("utf-8"))
    except (OSError, SyntaxError, ValueError):
        tree = ast.Module(body=[], type_ignores=[])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    beside = {settings.parent / f"{name}.py" for name in names}
    return {settings} | {path for path in beside if path.is_file()}


def forget_config_modules(files: set[Path]) -> None:
    """Drop imported settings modules, so that publishconf.py's `from pelicanconf import *`
    reads an edited pelicanconf.py instead of the copy imported by the last build."""
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and Path(file).resolve() in files:
            del sys.modules[name]


class Changes:
    """Watches folders (recursively) and single files in background threads.

    A change that arrives while the caller builds is kept, and however many arrive, the
    next `wait()` returns once: one more build, not one per saved file.
    """

    def __init__(self, folders, files) -> None:
        self.files = {Path(f).resolve() for f in files}
        self.settings_changed = False
        self._stop = threading.Event()
        self._changed = threading.Event()
        self._lock = threading.Lock()
        folders = [str(f) for f in folders if Path(f).is_dir()]
        # Files are watched through their folder: editors that save by writing a new file
        # and renaming it over the old one would end a watch on the file itself.
        parents = sorted({str(f.parent) for f in self.files if f.parent.is_dir()})
        self._threads = [
            threading.Thread(target=self._run, args=(folders, {}), daemon=True),
            threading.Thread(target=self._run, args=(parents, {
                "recursive": False, "watch_filter": self._is_settings}), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _is_settings(self, _change, path: str) -> bool:
        return Path(path).resolve() in self.files

    def _run(self, paths: list[str], options: dict) -> None:
        from watchfiles import watch

        if not paths:
            return
        for changes in watch(*paths, stop_event=self._stop, raise_interrupt=False,
                             step=WATCH_STEP_MS, **options):
            with self._lock:
                self.settings_changed |= any(Path(p).resolve() in self.files
                                             for _, p in changes)
            self._changed.set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once something changed since the last call; False after `timeout`
        seconds or once stopped. Waits in short steps, so Ctrl-C is heard at once."""
        waited = 0.0
        while not self._stop.is_set() and (timeout is None or waited < timeout):
            if self._changed.wait(0.2):
                self._changed.clear()  # before the build: a later change sets it again
                return True
            waited += 0.2
        return False

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def take_settings_changed(self) -> bool:
        with self._lock:
            changed, self.settings_changed = self.settings_changed, False
        return changed

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)


class OnceOnly(logging.Filter):
    """Lets each of SETTINGS_WARNINGS through the first time only."""

    def __init__(self) -> None:
        super().__init__()
        self.said: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for start in SETTINGS_WARNINGS:
            if message.startswith(start):
                if start in self.said:
                    return False
                self.said.add(start)
        return True

    def forget(self) -> None:
        self.said.clear()


def say_settings_warnings_once() -> list[OnceOnly]:
    """Install a OnceOnly on each handler of the root logger (the terminal's), each with
    its own memory, so every handler still shows a warning once."""
    filters = []
    for handler in logging.getLogger().handlers:
        filters.append(once := OnceOnly())
        handler.addFilter(once)
    return filters


def say_every_warning(filters: list[OnceOnly]) -> None:
    """Take the filters `say_settings_warnings_once` installed off every handler again."""
    for handler in logging.getLogger().handlers:
        for once in filters:
            handler.removeFilter(once)
