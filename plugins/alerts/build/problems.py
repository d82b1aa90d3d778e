"""Writer-facing problems: collected across every file, then reported at once."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one file: `path:line: field: what is wrong; how to fix it`."""

    path: str
    line: int
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{display_path(self.path)}:{self.line}: {kind}{self.field}: {self.message}"


def display_path(path: str) -> str:
    """A path relative to the working directory when it lies below it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


class Problems:
    """The problems of one build, errors and warnings, in file and line order."""

    def __init__(self) -> None:
        self._items: set[Problem] = set()

    def add(self, path: str, line: int, field: str, message: str, *, warning=False) -> None:
        self._items.add(Problem(str(path), int(line), field, message, warning))

    @property
    def errors(self) -> list[Problem]:
        return sorted(p for p in self._items if not p.warning)

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self._items if p.warning)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.errors)


class AlertError(Exception):
    """Raised by the reader to make Pelican skip a file whose problems are recorded."""
