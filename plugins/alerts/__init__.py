"""Action alerts for Pelican: YAML front-matter, deadlines, checks, indexes, and the
build's pipeline that the sharing and print plugins add their steps to."""

from alerts.plugin import ALERT_STEPS, register

__all__ = ["ALERT_STEPS", "register"]
