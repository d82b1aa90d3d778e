"""HTTP security headers for the built site: a `_headers` file and an nginx snippet.

Pages carry the Content-Security-Policy and Referrer-Policy as <meta> tags too, but a
meta CSP cannot say `frame-ancestors`, and X-Content-Type-Options and
Permissions-Policy exist only as headers. The build writes the same policies in the
two forms hosts read: `_headers` (Netlify, Cloudflare Pages) and `nginx-headers.conf`
(`include` it inside a `server` or `location` block).
"""

from __future__ import annotations

from pathlib import Path

#: Every page's policy: nothing from another site, no inline script, no plugins. Pages
#: carry it as a <meta> tag (theme/templates/base.html) and hosts as a header.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)

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


def policies() -> list[tuple[str, str]]:
    """Every header the site is served with, as (name, value), in a fixed order."""
    csp = CONTENT_SECURITY_POLICY.rstrip("; ")
    return [
        # Only a header can forbid framing: a <meta> CSP ignores frame-ancestors.
        ("Content-Security-Policy", f"{csp}; frame-ancestors 'none'"),
        ("Referrer-Policy", REFERRER_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("X-Frame-Options", "DENY"),  # frame-ancestors for browsers that predate it
    ]


def netlify_headers(headers: list[tuple[str, str]]) -> str:
    """The `_headers` file: one rule for every path."""
    return "/*\n" + "".join(f"  {name}: {value}\n" for name, value in headers)


def nginx_snippet(headers: list[tuple[str, str]]) -> str:
    """`add_header` lines; `always` sends them with error pages (404) as well."""
    lines = ["# Security headers for the alerts site, written by the build; include this\n"
             "# file in the server block (nginx does not inherit add_header into a\n"
             "# location that has add_header lines of its own).\n"]
    for name, value in headers:
        if '"' in value or "\\" in value:
            raise ValueError(f"header {name} cannot be written as an nginx string: {value!r}")
        lines.append(f'add_header {name} "{value}" always;\n')
    return "".join(lines)


def write_headers(state) -> None:
    """The "headers" step: write `_headers` and `nginx-headers.conf` into the output."""
    output = Path(state.output_path)
    output.mkdir(parents=True, exist_ok=True)
    headers = policies()
    (output / HEADERS_FILE).write_text(netlify_headers(headers), "utf-8")
    (output / NGINX_FILE).write_text(nginx_snippet(headers), "utf-8")
