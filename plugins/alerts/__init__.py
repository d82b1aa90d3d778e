"""Action alerts for Pelican: YAML front-matter, deadlines, checks, indexes."""

from .alerts import register

__all__ = ["register"]
