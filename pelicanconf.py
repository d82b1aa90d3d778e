"""Development settings: `make html` and `make devserver` build with these."""

AUTHOR = "Action Alerts"
SITENAME = "Action Alerts"
SITE_DESCRIPTION = (
    "Time-bound actions you can take today: who to contact, what to say, and by when."
)
SITEURL = ""  # publishconf.py sets the real address; cards and share links need it
RELATIVE_URLS = True

PATH = "content"
ARTICLE_PATHS = ["alerts"]
PAGE_PATHS = ["pages"]
# Photos are published by the alerts plugin, re-encoded without metadata (GPS, EXIF);
# the originals are never copied as they are.
STATIC_PATHS = []
CACHE_PATH = ".cache"
CACHE_CONTENT = False  # our reader records every file's problems on each build

TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%B %-d, %Y"

THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["alerts", "sharing", "printpdf"]

# Every page and file of the site is placed by these settings (plugins/alerts/site/urls.py
# reads them in one place): an alert's card, PDF and photos sit in its page's folder.
ARTICLE_URL = "alerts/{slug}/"
ARTICLE_SAVE_AS = "alerts/{slug}/index.html"
ARTICLE_LANG_URL = "alerts/{slug}/{lang}/"
ARTICLE_LANG_SAVE_AS = "alerts/{slug}/{lang}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = "{slug}/{lang}/"
PAGE_LANG_SAVE_AS = "{slug}/{lang}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
ARCHIVES_URL = "archive/"
ARCHIVES_SAVE_AS = "archive/index.html"
# Target pages: TARGET_URL = "targets/{slug}/" and TARGETS_URL = "targets/", with their
# *_SAVE_AS, are the alerts plugin's settings (defaults in plugins/alerts/site/urls.py).
DIRECT_TEMPLATES = ["index", "archives", "tags", "404"]
INDEX_SAVE_AS = "index.html"
# Pelican's names for a direct template's output are "<NAME>_SAVE_AS".
globals()["404_SAVE_AS"] = "404.html"
# Alerts are listed by deadline state, not by author, category or month.
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
DRAFT_LANG_URL = "drafts/{slug}/{lang}/"
DRAFT_LANG_SAVE_AS = "drafts/{slug}/{lang}/index.html"
DEFAULT_PAGINATION = False

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/alerts.atom.xml"
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.smarty": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

ALERTS = {
    "closing_soon_hours": 72,
    "merge_tags": {"First_Name": "friend"},
}
SHARE = {
    "utm": False,
}
PDF = {
    "enabled": True,
    "page_size": "Letter",
}
