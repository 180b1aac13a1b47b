"""Browser test: a cleared organization's member opens the clearance page in Chromium
at 1280 and 390 px (screenshots in test-artifacts/screenshots/), copies the
organization id, downloads the signed certificate and prints the certificate page."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, SLOW_MACHINE_MS
from tests.factories import Cast
from vetting.accounts.models import User
from vetting.applications.models import State
from vetting.clearances.models import Clearance
from vetting.notifications.models import Notification

SCREENSHOTS = ARTIFACTS / "screenshots"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
WIDTHS = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}

CONTRAST = """el => {
  const rgb = s => s.match(/[0-9.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const style = getComputedStyle(el);
  const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def member_page(browser, site, user, viewport):
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.set_default_timeout(SLOW_MACHINE_MS)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    client = Client()
    client.force_login(user)
    host = urlsplit(site).hostname
    context.add_cookies(
        [
            {"name": k, "value": m.value, "domain": host, "path": "/"}
            for k, m in client.cookies.items()
        ]
    )
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page


def test_a_cleared_organization_reads_copies_downloads_and_prints(
    live_server, browser, settings, tmp_path
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cast = Cast()
    User.objects.filter(pk=cast.applicant.pk).update(email_verified_at=timezone.now())
    clearance = Clearance.objects.get(application=cast.walk_to(State.APPROVED))
    url = f"{live_server.url}/apply/clearances/{clearance.pk}/"

    for width, viewport in WIDTHS.items():
        page = member_page(browser, live_server.url, cast.applicant, viewport)
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{cast.model.name} clearance")
        expect(page.get_by_test_id("standing")).to_contain_text("Active until")
        expect(page.get_by_test_id("gw-organization")).to_have_text(str(cast.org.pk))
        expect(page.get_by_test_id("gw-model")).to_have_text(cast.model.slug)
        tag = page.locator('.usa-tag[data-state="active"]').first
        assert tag.evaluate(CONTRAST) >= 4.5
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=SCREENSHOTS / f"clearance-{width}.png", full_page=True)
        assert page.errors == []  # no script error, no Content-Security-Policy refusal
        page.context.close()

    page = member_page(browser, live_server.url, cast.applicant, WIDTHS[1280])
    page.goto(url)
    page.get_by_role("button", name="Copy organization id").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == str(cast.org.pk)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the signed certificate").click()
    assert download.value.suggested_filename == f"{clearance.serial}.jwt"
    assert download.value.path().read_text().count(".") == 2

    page.get_by_role("link", name="Printable certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clearance certificate")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".usa-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator(".certificate")).to_contain_text(clearance.serial)
    page.screenshot(path=SCREENSHOTS / "clearance-print.png", full_page=True)
    assert page.errors == []

    # The approval's email is in the inbox too; opening it marks it read.
    page.emulate_media(media="screen")
    page.goto(f"{live_server.url}/apply/account/notifications/inbox/")
    unread = Notification.objects.filter(recipient=cast.applicant, read_at=None).count()
    assert unread >= 2  # received, steps passed, approved
    expect(page.get_by_test_id("unread-count")).to_contain_text(f"{unread} unread")
    page.screenshot(path=SCREENSHOTS / "inbox-1280.png", full_page=True)
    page.get_by_role("button", name=f"approved: {cast.org.legal_name}").click()
    expect(page.get_by_test_id("subject")).to_contain_text("is cleared for")
    expect(page.get_by_test_id("body")).to_contain_text(clearance.serial)
    page.screenshot(path=SCREENSHOTS / "message-1280.png", full_page=True)
    page.get_by_role("link", name="Back to messages").click()
    expect(page.get_by_test_id("unread-count")).to_contain_text(f"{unread - 1} unread")
