"""What a build says when code fails rather than an alert: a template's mistake at the
template's file and line, a file that made our code or a plugin fail by the file's path
and the exception, and the whole traceback under `-v` (`make html V=1`).

Mistakes in an alert never get here: the reader records them as problems
(alerts.build.problems), each at its own line.
"""

from __future__ import annotations

import logging
import os
import traceback

from alerts.build.problems import display_path

logger = logging.getLogger(__name__)

#: How to see where code failed: the traceback is logged at INFO, which `-v` shows.
SEE_WHERE = "run the build with -v (`make html V=1`) to see where it failed"


def describe(error: BaseException) -> str:
    """One line for the terminal: `template:line: template: what; how to fix it` for a
    template's mistake, else the exception, the template that called the code when one
    did, and how to see where it happened."""
    where, in_template = template_line(error)
    what = f"{type(error).__name__}: {_message(error).rstrip('.')}"
    if where is not None and in_template:
        return f"{where}: template: {what}; fix the template"
    called = f", called from {where}" if where is not None else ""
    return f"{what} (a fault in the build's code or a plugin{called}, not a mistake the " \
           f"checks know of; {SEE_WHERE})"


def template_line(error: BaseException) -> tuple[str | None, bool]:
    """`path:line` of the template a Jinja error is in (None for other errors), and
    whether the template itself failed there (True) or Python code it called did.

    Jinja reports a syntax error with its file and line, and rewrites the traceback of an
    error raised while rendering so that each template's frame names the template file
    and line (those frames carry Jinja's `__jinja_exception__`). The last such frame is
    where the template was; a frame after it outside Jinja is a filter, global or method
    of ours, or of a plugin, that failed."""
    from jinja2 import TemplateSyntaxError

    if isinstance(error, TemplateSyntaxError) and error.filename:
        return f"{display_path(error.filename)}:{error.lineno}", True
    where, in_template = None, False
    tb = error.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if "__jinja_exception__" in frame.f_globals or "__jinja_template__" in frame.f_globals:
            where, in_template = f"{display_path(frame.f_code.co_filename)}:{tb.tb_lineno}", True
        elif where is not None and not _in_jinja(frame.f_code.co_filename):
            in_template = False
        tb = tb.tb_next
    return where, in_template


def _in_jinja(filename: str) -> bool:
    return os.sep + "jinja2" + os.sep in filename or os.sep + "markupsafe" + os.sep in filename


def log_traceback(error: BaseException, about: str) -> None:
    """The whole traceback, for `-v`."""
    logger.info("%s:\n%s", about, "".join(traceback.format_exception(error)).rstrip())


def _message(error: BaseException) -> str:
    from jinja2 import TemplateSyntaxError

    if isinstance(error, TemplateSyntaxError):
        return error.message or ""  # str() repeats the file and line
    return str(error)
