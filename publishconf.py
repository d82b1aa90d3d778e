"""Production settings: `make publish` builds with these (development values otherwise)."""

import os
import sys

# pelicanconf.py beside this file, wherever the build is run from.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *

# The public address of the site, e.g. https://alerts.example.org: share links, social
# cards, PDFs and the feed need it absolute. `make publish SITEURL=https://…`, or write it
# here; a publish build without it stops with a message.
SITEURL = os.environ.get("SITEURL", "").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL

PDF = {**PDF, "enabled": True}  # never publish without PDFs
