"""Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright;
Playwright never downloads a browser here. Emails reach an aiosmtpd server on
loopback (``inbox``), delivered by a real Celery worker (``worker``)."""

import re
import socket
import threading
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect, sync_playwright

from tests.waiting import wait_for

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


class Inbox:
    """An SMTP server on loopback that keeps what it receives."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, to: str, subject: str):
        def arrived():
            with self.lock:
                for message in self.messages:
                    if to in message["To"] and subject in message["Subject"]:
                        return message
            return None

        return wait_for(arrived, what=f"an email '{subject}' to {to}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def choose_country(page, label: str, country: str) -> None:
    """A country select enhanced into a USWDS combo box: type, then pick the option."""
    page.get_by_role("combobox", name=label, exact=True).fill(country[:6])
    page.get_by_role("option", name=country, exact=True).click()


def tick_country(page, legend: str, country: str) -> None:
    """A long country checkbox list: narrow it with its filter, then tick the country
    (USWDS styles the label, not the box)."""
    page.get_by_label(f"Find a country for “{legend}”").fill(country[:6])
    group = page.get_by_role("group", name=legend)
    group.locator("label", has_text=re.compile(f"^{re.escape(country)}$")).click()


def link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+", body).group(0)


@pytest.fixture
def inbox(settings):
    box = Inbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = (False, "", "")
    yield box
    controller.stop()


@pytest.fixture
def worker(transactional_db, inbox):
    from vetting.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
