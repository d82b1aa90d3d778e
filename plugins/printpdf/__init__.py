"""Print stylesheet helpers and one WeasyPrint PDF per alert."""

from .printpdf import register

__all__ = ["register"]
