"""Sharing: head meta, share links, share-text check and social cards for alerts."""

from sharing.sharing import ALERT_STEPS, register

__all__ = ["ALERT_STEPS", "register"]
