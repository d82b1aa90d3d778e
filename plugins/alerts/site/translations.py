"""An alert and its translations: the files that share a `slug`, one per language.

Pelican's rules decide which file is the original (the one without `translation: true`,
preferably in DEFAULT_LANG); this module links every version to the others, so each page
can name them (hreflang, a language switcher, og:locale:alternate), chooses the version a
listing shows, and reports what cannot be published: a translation with no original, or
two versions in one language.
"""

from __future__ import annotations

from collections import defaultdict

from alerts.authoring.languages import own_name
from alerts.authoring.model import Version
from alerts.build.problems import display_path


def link(articles, default_lang: str, problems, *, drafts=(), failed=frozenset()) -> dict:
    """Give each alert its `versions`; return, by slug, the article a listing shows: the
    version in the site's language, else the original.

    `drafts` are linked among themselves (a draft preview has its language switcher too);
    a published translation whose original is a draft, or is a file that failed to parse
    (`failed`: the slugs of those files), is not reported as having no original."""
    draft_groups: dict[str, list] = defaultdict(list)
    for article in drafts:
        draft_groups[article.alert.slug].append(article)
    for group in draft_groups.values():
        _give_versions(group)
    groups: dict[str, list] = defaultdict(list)
    for article in articles:
        groups[article.alert.slug].append(article)
    listed = {}
    for slug, group in groups.items():
        _give_versions(group)  # sorts the group too: original first
        originals = [a for a in group if not a.alert.translation]
        draft_original = next((a for a in draft_groups.get(slug, ())
                               if not a.alert.translation), None)
        if not originals and draft_original is not None:
            _original_is_a_draft(group, draft_original, problems)
        elif not originals and slug not in failed and None not in failed:
            # (None: some alert failed before its slug was known; it may be the original,
            # and the build fails on its own problems anyway.)
            _no_original(slug, group, problems)
        _one_per_language(group, problems)
        in_site_lang = [a for a in group if _same_language(a.alert.lang, default_lang)]
        listed[slug] = (in_site_lang or originals or group)[0]
    return listed


def _give_versions(group: list) -> None:
    group.sort(key=lambda a: (a.alert.translation, a.alert.lang.lower(), a.source_path))
    first_original = next((a for a in group if not a.alert.translation), None)
    versions = tuple(
        Version(a.alert.lang, a.alert.url, own_name(a.alert.lang), a is first_original)
        for a in group) if len(group) > 1 else ()
    for article in group:
        article.alert.versions = versions


def _original_is_a_draft(group: list, original, problems) -> None:
    for article in group:
        alert = article.alert
        problems.add(
            alert.source_path, alert.lines.get("translation", 1), "translation",
            f"its original, {display_path(original.alert.source_path)}, is still a draft; "
            "publish the original (delete its `status: draft` line), or mark this "
            "translation `status: draft` too")


def _same_language(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def _one_per_language(group: list, problems) -> None:
    first: dict[str, object] = {}
    for article in group:
        alert = article.alert
        seen = first.setdefault(alert.lang.lower(), alert)
        if seen is not alert and seen.url != alert.url:  # the same page: a slug clash
            problems.add(
                alert.source_path, alert.lines.get("lang", 1), "lang",
                f"{alert.lang}: {display_path(seen.source_path)} is already the "
                f"{alert.lang} version of {alert.slug!r}; give this one the language it "
                "is written in, or another slug")


def _no_original(slug: str, group: list, problems) -> None:
    for article in group:
        alert = article.alert
        others = [display_path(a.alert.source_path) for a in group if a is not article]
        also = f" (nor of {', '.join(others)})" if others else ""
        problems.add(
            alert.source_path, alert.lines.get("translation", 1), "translation",
            f"this is marked as a translation, but no alert with slug {slug!r} is its "
            f"original{also}; add the original alert with `slug: {slug}`, or remove "
            "`translation: true`")
