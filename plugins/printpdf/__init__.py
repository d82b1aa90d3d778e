"""Print stylesheet helpers and one WeasyPrint PDF per alert."""

from printpdf.printpdf import ALERT_STEPS, register

__all__ = ["ALERT_STEPS", "register"]
