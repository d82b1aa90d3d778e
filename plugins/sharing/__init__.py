"""Sharing: head meta, share links, share-text check and social cards for alerts."""

from .sharing import register

__all__ = ["register"]
