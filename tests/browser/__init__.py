"""Browser quality gates: Debian Chromium driven by Playwright against the built site."""
