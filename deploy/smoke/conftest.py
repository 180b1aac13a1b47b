"""The production smoke test's fixtures: a running stack (deploy/ci-stack.sh up), Chromium
through nginx, and sign-in as any demo account (staff with password + TOTP).

These tests talk to the stack over the network only; they never touch its database.
Run: deploy/ci-stack.sh up && uv run pytest deploy/smoke -p no:cacheprovider.
"""

import os
import re
import time
from pathlib import Path

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect, sync_playwright

from vetting.accounts.mfa import demo_totp_key
from vetting.demo import data

ROOT = Path(__file__).resolve().parents[2]
STACK_DIR = Path(os.environ.get("VETTING_STACK_DIR", ROOT / "var" / "stack"))
ARTIFACTS = ROOT / "test-artifacts" / "smoke"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 45_000  # two shared cores, two gunicorn hosts, a worker and a browser
PASSWORD = data.PASSWORD
# Collects what the page itself reports: CSP violations (the event fires in the page).
INIT_SCRIPT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""


def _stack_env() -> dict[str, str]:
    path = STACK_DIR / "stack.env"
    if not path.exists():
        pytest.exit(f"no stack: {path} is missing; run deploy/ci-stack.sh up first", returncode=2)
    lines = path.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


@pytest.fixture(scope="session")
def stack() -> dict[str, str]:
    env = _stack_env()
    env["WEB_HOSTS"] = env["STACK_WEB_HOSTS"].split(",")
    return env


@pytest.fixture(scope="session")
def base_url(stack) -> str:
    return stack["STACK_BASE_URL"]


@pytest.fixture(scope="session")
def browser(stack):
    # Playwright's sync API runs an event loop in this thread; nothing here uses the ORM.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=TIMEOUT_MS)
    resolve = f"--host-resolver-rules=MAP {stack['STACK_SERVER_NAME']} 127.0.0.1"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=[*CHROMIUM_ARGS, resolve]
        )
        yield browser
        browser.close()
    expect.set_options(timeout=5_000)


class Watched:
    """A page whose console errors, uncaught exceptions and CSP violations are kept."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.console_errors.append(f"{m.text} ({m.location.get('url')})")
                if m.type == "error"
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))

    def reset(self):
        self.console_errors.clear()
        self.page_errors.clear()

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")


@pytest.fixture
def new_page(browser):
    contexts = []

    def make() -> Watched:
        context = browser.new_context(ignore_https_errors=True)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(INIT_SCRIPT)
        contexts.append(context)
        return Watched(context)

    yield make
    for context in contexts:
        context.close()


_last_totp_step: dict[str, int] = {}


def fresh_totp(email: str) -> str:
    """The demo account's current code; waits for the next 30 s step if this step's code
    was used already (django-otp accepts each code once)."""
    key = bytes.fromhex(demo_totp_key(email))
    step = int(time.time()) // 30
    if _last_totp_step.get(email) == step:
        time.sleep(30 - time.time() % 30 + 0.5)
        step = int(time.time()) // 30
    _last_totp_step[email] = step
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def sign_in_portal(watched: Watched, base_url: str, email: str):
    page = watched.page
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("form.usa-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/apply/$"))


def sign_in_console(watched: Watched, base_url: str, email: str):
    page = watched.page
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/mfa/verify/"))
    page.fill("#id_otp_token", fresh_totp(email))
    page.click("input[type=submit]")
    expect(page.locator("#console-dashboard")).to_be_visible()
