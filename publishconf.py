"""Production settings: `make publish` builds with these (development values otherwise)."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *

# The public address of the site. Share links, social cards and the feed need it
# absolute; set SITEURL in the environment or edit the default here.
SITEURL = os.environ.get("SITEURL", "https://alerts.example.org")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL

PDF = {**PDF, "enabled": True}  # never publish without PDFs
