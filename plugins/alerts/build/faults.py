"""What a build says when code fails rather than an alert: a template's mistake at the
template's file and line, a file that made our code or a plugin fail by the file's path
and the exception, and the whole traceback under `-v` (`make html V=1`).

Mistakes in an alert never get here: the reader records them as problems
(alerts.build.problems), each at its own line.
"""

from __future__ import annotations

import logging
import traceback

from alerts.build.problems import display_path

logger = logging.getLogger(__name__)

#: How to see where code failed: the traceback is logged at INFO, which `-v` shows.
SEE_WHERE = "run the build with -v (`make html V=1`) to see where it failed"


def describe(error: BaseException) -> str:
    """One line for the terminal: `template:line: template: what; how to fix it` for a
    template's mistake, else the exception and how to see where it happened."""
    where = template_line(error)
    what = f"{type(error).__name__}: {_message(error).rstrip('.')}"
    if where is not None:
        return f"{where}: template: {what}; fix the template"
    return f"{what} (a fault in the build's code or a plugin, not a mistake the checks " \
           f"know of; {SEE_WHERE})"


def template_line(error: BaseException) -> str | None:
    """`path:line` of the template a Jinja error is in, or None for other errors.

    Jinja reports a syntax error with its file and line, and rewrites the traceback of an
    error raised while rendering so that each template's frame names the template file
    and line: the last such frame is where the template failed."""
    from jinja2 import TemplateSyntaxError

    if isinstance(error, TemplateSyntaxError) and error.filename:
        return f"{display_path(error.filename)}:{error.lineno}"
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        if not frame.filename.endswith(".py") and not frame.filename.startswith("<"):
            return f"{display_path(frame.filename)}:{frame.lineno}"
    return None


def log_traceback(error: BaseException, about: str) -> None:
    """The whole traceback, for `-v`."""
    logger.info("%s:\n%s", about, "".join(traceback.format_exception(error)).rstrip())


def _message(error: BaseException) -> str:
    from jinja2 import TemplateSyntaxError

    if isinstance(error, TemplateSyntaxError):
        return error.message or ""  # str() repeats the file and line
    return str(error)
