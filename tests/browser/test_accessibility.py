"""Gate: axe-core finds no WCAG 2.1 A or AA violation on any page type, wide or narrow.

axe is evaluated into the page with `page.evaluate(source)`: a DevTools evaluation is not
subject to the page's Content-Security-Policy (script-src 'self'), so the page is audited
exactly as shipped. `add_script_tag(content=...)` adds an inline <script> that the CSP
blocks, and `bypass_csp=True` would audit a page with its CSP switched off.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.harness import DESKTOP, NODE_MODULES, PAGE_TYPES, PHONE

pytestmark = pytest.mark.browser

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe_source() -> str:
    assert AXE.is_file(), f"{AXE} is missing: run `make test-tools` (npm ci)"
    return AXE.read_text("utf-8")


@pytest.fixture(scope="module")
def contexts(browser):
    """One browser context per viewport, made on first use and shared by the module."""
    made = {}

    def get(viewport: dict):
        key = (viewport["width"], viewport["height"])
        if key not in made:
            made[key] = browser.new_context(viewport=viewport)
        return made[key]

    yield get
    for context in made.values():
        context.close()


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_has_no_wcag21_aa_violation(kind, viewport, contexts, server, pages, axe_source):
    page = contexts(viewport).new_page()
    try:
        page.goto(server.url(pages[kind]), wait_until="load")
        page.evaluate(axe_source)
        assert page.evaluate("typeof window.axe") == "object", "axe-core did not load"
        result = page.evaluate(
            """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]})""",
            WCAG21_AA)
        # WCAG 2.1 1.4.10 Reflow, which axe does not check: no sideways scrolling.
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    finally:
        page.close()
    violations = result["violations"]
    assert violations == [], (
        f"{kind} ({pages[kind]}) at {viewport['width']}px: {len(violations)} axe "
        f"violation(s):\n{_describe(violations)}\n"
        + json.dumps([v["id"] for v in violations]))
    assert overflow <= 0, (f"{kind} at {viewport['width']}px scrolls sideways by {overflow}px "
                           "(WCAG 1.4.10 Reflow)")
