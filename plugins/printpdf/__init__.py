"""Print stylesheet helpers, and WeasyPrint PDFs: one per alert, one per letter it offers
to print."""

from printpdf.printpdf import ALERT_STEPS, register

__all__ = ["ALERT_STEPS", "register"]
