"""WeasyPrint's log records, collected per PDF or per stylesheet instead of printed: a
PDF's warnings are the build's to report, with the alert they belong to."""

from __future__ import annotations

import logging
from contextlib import contextmanager


class Collect(logging.Handler):
    """Keeps the warnings and errors logged to it (WeasyPrint's, for a result or a sheet)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def quiet():
    """Collect WeasyPrint's log records instead of printing them, and mute its progress."""
    logger, progress = logging.getLogger("weasyprint"), logging.getLogger("weasyprint.progress")
    collect = Collect()
    saved = logger.propagate, progress.disabled
    logger.addHandler(collect)
    logger.propagate, progress.disabled = False, True
    try:
        yield collect
    finally:
        logger.removeHandler(collect)
        logger.propagate, progress.disabled = saved
