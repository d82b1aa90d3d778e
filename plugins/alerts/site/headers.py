"""HTTP security headers for the built site: a `_headers` file and an nginx snippet.

Pages carry the Content-Security-Policy and Referrer-Policy as <meta> tags too, but a
meta CSP cannot say `frame-ancestors`, and X-Content-Type-Options and
Permissions-Policy exist only as headers. The build writes the same policies in the
two forms hosts read: `_headers` (Cloudflare Pages, Netlify) and `nginx-headers.conf`
(`include` it inside the `server` block).

No page may be framed by another site (clickjacking), except the embed pages partner
sites carry (alerts.site.embeds): their paths come from SiteURLs.embed_patterns, and
they get `frame-ancestors *` and no X-Frame-Options instead. The search pages
(alerts.site.search, SiteURLs.search_patterns) alone may run WebAssembly, which Pagefind
searches with: their policy adds `'wasm-unsafe-eval'` to script-src. Each such set of
paths is a rule after the site-wide one, with the headers it changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

#: Every page's policy: nothing from another site, no inline script, no plugins. Pages
#: carry it as a <meta> tag (theme/templates/base.html) and hosts as a header.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)

#: The search pages' policy: the site's, and Pagefind may compile its WebAssembly
#: (`'wasm-unsafe-eval'` allows WebAssembly only, not eval() or inline script). Pages
#: carry it as a <meta> tag (theme/templates/search.html) and hosts as a header.
SEARCH_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self';", "script-src 'self' 'wasm-unsafe-eval';", 1)
assert SEARCH_CONTENT_SECURITY_POLICY != CONTENT_SECURITY_POLICY

#: Sends the full URL within the site and nothing, not even the origin, to other sites;
#: the same value as the <meta name="referrer"> in theme/templates/base.html.
REFERRER_POLICY = "same-origin"

#: Browser features no alert page uses, switched off for the page and anything it embeds.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

HEADERS_FILE = "_headers"
NGINX_FILE = "nginx-headers.conf"


def policies(framed: bool = False, search: bool = False) -> list[tuple[str, str]]:
    """Every header a page is served with, as (name, value), in a fixed order. A framed
    page (an embed) may be shown in a frame on any site; every other page on none. A
    search page may run WebAssembly."""
    csp = (SEARCH_CONTENT_SECURITY_POLICY if search else CONTENT_SECURITY_POLICY).rstrip("; ")
    ancestors = "*" if framed else "'none'"
    headers = [
        # Only a header can forbid framing: a <meta> CSP ignores frame-ancestors.
        ("Content-Security-Policy", f"{csp}; frame-ancestors {ancestors}"),
        ("Referrer-Policy", REFERRER_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
    ]
    if not framed:  # X-Frame-Options can only forbid framing, or allow the same origin
        headers.append(("X-Frame-Options", "DENY"))  # for browsers before frame-ancestors
    return headers


def framed_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`headers` as a framed page gets them: its own CSP, and no X-Frame-Options."""
    csp = dict(policies(framed=True))["Content-Security-Policy"]
    return [(name, csp if name == "Content-Security-Policy" else value)
            for name, value in headers if name != "X-Frame-Options"]


def search_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`headers` as a search page gets them: its own CSP."""
    csp = dict(policies(search=True))["Content-Security-Policy"]
    return [(name, csp if name == "Content-Security-Policy" else value)
            for name, value in headers]


#: Why a set of paths has a rule of its own, and the headers it is served with instead.
_EMBED = ("An embed page (alerts.site.embeds): any site may frame it.", framed_headers)
_SEARCH = ("A search page (alerts.site.search): Pagefind runs its WebAssembly.",
           search_headers)


def _rules(headers, framed_paths: Sequence[str], search_paths: Sequence[str]):
    """(comment, path, that path's whole set of headers) of each rule after the site-wide one."""
    return [(comment, path, make(headers))
            for paths, (comment, make) in ((framed_paths, _EMBED), (search_paths, _SEARCH))
            for path in paths]


def netlify_headers(headers: list[tuple[str, str]], framed_paths: Sequence[str] = (),
                    search_paths: Sequence[str] = ()) -> str:
    """The `_headers` file: one rule for every path, then one per framed path and one per
    search path.

    A request gets the headers of every rule that matches it, in order. Cloudflare Pages
    joins two values of one header with a comma, which for a CSP means both policies
    apply, so a later rule first detaches (`! Name`) each header it changes or drops,
    then sets its own values."""
    text = "/*\n" + "".join(f"  {name}: {value}\n" for name, value in headers)
    for comment, path, own in _rules(headers, framed_paths, search_paths):
        changed = [name for name, value in headers if (name, value) not in own]
        text += f"\n# {comment}\n{path}\n"
        text += "".join(f"  ! {name}\n" for name in changed)
        text += "".join(f"  {name}: {value}\n" for name, value in own if name in changed)
    return text


def path_regex(pattern: str) -> str:
    """A `_headers` rule path as a regular expression (Python's and nginx's PCRE read it
    alike), as Cloudflare Pages matches it: `:name` one path segment, `*` anything, the
    rest as written, the whole path."""
    parts = re.split(r"(\*|:[A-Za-z]\w*)", pattern)
    return "^" + "".join(
        ".*" if part == "*" else "[^/]+" if part.startswith(":") and len(part) > 1
        else re.sub(r"([.^$+?()\[\]{}|\\])", r"\\\1", part) for part in parts) + "$"


def _add_header(name: str, value: str, indent: str = "") -> str:
    if '"' in value or "\\" in value:
        raise ValueError(f"header {name} cannot be written as an nginx string: {value!r}")
    return f'{indent}add_header {name} "{value}" always;\n'


def nginx_snippet(headers: list[tuple[str, str]], framed_paths: Sequence[str] = (),
                  search_paths: Sequence[str] = ()) -> str:
    """`add_header` lines for every page, then a `location` per framed path and per search
    path with its own full set (`always` sends them with error pages, such as 404, as well)."""
    lines = ["# Security headers for the alerts site, written by the build; include this\n"
             "# file in the server block (nginx does not inherit add_header into a\n"
             "# location that has add_header lines of its own).\n"]
    lines += [_add_header(name, value) for name, value in headers]
    for comment, path, own in _rules(headers, framed_paths, search_paths):
        lines.append(f"\n# {comment} Files\n"
                     f"# are served here from the server's root, as elsewhere.\n"
                     f'location ~ "{path_regex(path)}" {{\n')
        lines += [_add_header(name, value, "    ") for name, value in own]
        lines.append("}\n")
    return "".join(lines)


def write_headers(state) -> None:
    """The "headers" step: write `_headers` and `nginx-headers.conf` into the output."""
    output = Path(state.output_path)
    output.mkdir(parents=True, exist_ok=True)
    headers, framed = policies(), state.urls.embed_patterns()
    search = state.urls.search_patterns()
    (output / HEADERS_FILE).write_text(netlify_headers(headers, framed, search), "utf-8")
    (output / NGINX_FILE).write_text(nginx_snippet(headers, framed, search), "utf-8")
