"""Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright;
Playwright never downloads a browser here."""

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # ignored by git
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# CI shares two cores with other work; Playwright's 5 s default flaked there.
SLOW_MACHINE_MS = 30_000


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # test makes between pages are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=SLOW_MACHINE_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    expect.set_options(timeout=5_000)  # Playwright's default, for other browser tests
