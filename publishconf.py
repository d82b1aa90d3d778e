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

# Its own caches (inside pelicanconf.py's, so `make clean` removes both): every PDF,
# email edition and page shows SITEURL, so with one cache `make html` and `make publish`
# would each find the other's and make them all again, ~95 s of PDFs at 1000 alerts.
CACHE_PATH = ".cache/publish"
