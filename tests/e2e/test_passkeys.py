"""Passkeys in Chromium, with the DevTools protocol's virtual WebAuthn authenticator
(a real browser ceremony: the browser signs for this origin, the server verifies).

A new government official gets into the console only through the emailed enrollment
link and a passkey; where passkeys are required, a code is not enough; a reviewer who
may use codes signs in with a backup code, which emails them."""

import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS as E2E_ARTIFACTS
from tests.e2e.conftest import SLOW_MACHINE_MS, link_in
from tests.factories import make_user
from vetting.accounts.enrollment import enrollment_send
from vetting.accounts.mfa import ensure_totp_device
from vetting.accounts.roles import Role
from vetting.audit.models import AuditEvent

ARTIFACTS = E2E_ARTIFACTS / "passkeys"
ARTIFACTS.mkdir(parents=True, exist_ok=True)
CHOSEN = "passkey-console-2031!"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def console_url(live_server, settings):
    # Passkeys are bound to a host name, never an IP address: the live server's
    # "localhost" is the relying party, as BASE_URL's host is in the settings.
    settings.BASE_URL = live_server.url
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    settings.STAFF_PASSKEY_REQUIRED = True  # production's default
    return live_server.url


def page_with_authenticator(browser):
    """A page whose browser has a platform authenticator that says yes at once."""
    context = browser.new_context()
    context.set_default_timeout(SLOW_MACHINE_MS)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return page, cdp, authenticator["authenticatorId"]


def press(page, button: str) -> None:
    """Click a passkey button once the page's scripts and requests are done: a ceremony
    that ends by verifying the session gives it a new key, and a request still in flight
    with the old one (the scripts' translations) would find its session gone."""
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name=button).click()


def enroll_with_passkey(page, inbox, user, shot):
    enrollment_send(actor=None, user=user)
    page.goto(link_in(inbox.wait_for(user.email, "Set up your Vetting console account")))
    page.fill("#id_new_password1", CHOSEN)
    page.fill("#id_new_password2", CHOSEN)
    page.screenshot(path=ARTIFACTS / f"{shot}-1-password.png")
    page.click("#mfa-enroll-password-form input[type=submit]")
    press(page, "Create a passkey")
    expect(page).to_have_url(re.compile(r"/admin/mfa/backup-codes/"))
    page.screenshot(path=ARTIFACTS / f"{shot}-2-backup-codes.png", full_page=True)
    return page.locator("li code").all_inner_texts()


def sign_in_with_password(page, base, user):
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", CHOSEN)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/mfa/verify/"))


def test_a_new_official_gets_in_only_through_the_emailed_link_and_a_passkey(
    console_url, inbox, worker, browser
):
    official = make_user("nia.official@agency.gov", role=Role.GOVERNMENT_OFFICIAL)
    page, cdp, authenticator = page_with_authenticator(browser)
    codes = enroll_with_passkey(page, inbox, official, "official")
    assert len(set(codes)) == 10
    passkey = WebAuthnCredential.objects.get(user=official)
    enrolled = AuditEvent.objects.get(action="user.mfa_enrolled")
    assert enrolled.data["kind"] == "passkey" and enrolled.data["device_id"] == passkey.pk
    page.goto(f"{console_url}/admin/")
    expect(page.locator("#console-dashboard")).to_be_visible()

    # Signing in again: the password, then the passkey; no code is asked for.
    sign_in_with_password(page, console_url, official)
    expect(page.locator("#id_otp_token")).to_have_count(0)
    page.screenshot(path=ARTIFACTS / "official-3-second-step.png")
    press(page, "Use your passkey")
    expect(page.locator("#console-dashboard")).to_be_visible()
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert stored["credentials"][0]["signCount"] >= 1  # the browser signed twice
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # A backup code is no way around the passkey for an official.
    sign_in_with_password(page, console_url, official)
    response = page.request.post(
        f"{console_url}/admin/mfa/verify/",
        form={
            "otp_token": codes[0],
            "csrfmiddlewaretoken": page.locator("[name=csrfmiddlewaretoken]").first.input_value(),
        },
    )
    assert response.status == 403
    page.goto(f"{console_url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/mfa/verify/"))  # still the second step
    assert not AuditEvent.objects.filter(action="user.backup_code_used").exists()


def test_an_official_with_only_an_authenticator_app_is_refused(console_url, browser):
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    official.set_password(CHOSEN)
    official.save()
    device = ensure_totp_device(official, "07" * 20)
    page, _, _ = page_with_authenticator(browser)
    sign_in_with_password(page, console_url, official)
    expect(page.get_by_text("Your role signs in with a passkey only.")).to_be_visible()
    expect(page.locator("#id_otp_token")).to_have_count(0)
    press(page, "Use your passkey")  # this browser has none
    expect(page.locator("#passkey-verification-status-message")).not_to_be_empty()
    page.screenshot(path=ARTIFACTS / "refused-1-no-passkey.png")
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = page.request.post(
        f"{console_url}/admin/mfa/verify/",
        form={
            "otp_token": code,
            "csrfmiddlewaretoken": page.locator("[name=csrfmiddlewaretoken]").first.input_value(),
        },
    )
    assert response.status == 403 and "passkey only" in response.text()
    page.goto(f"{console_url}/admin/applications/application/")
    expect(page).to_have_url(re.compile(r"/admin/(login|mfa/verify)/"))
    device.refresh_from_db()
    assert device.last_t == -1  # the code was not even tried


def test_a_reviewer_signs_in_with_a_backup_code_and_is_told_by_email(
    console_url, inbox, worker, browser
):
    reviewer = make_user("ada.reviewer@agency.gov", role=Role.EXPORT_CONTROL_REVIEWER)
    page, _, _ = page_with_authenticator(browser)
    codes = enroll_with_passkey(page, inbox, reviewer, "reviewer")
    sign_in_with_password(page, console_url, reviewer)
    page.fill("#id_otp_token", codes[3])
    page.click("#mfa-verify-form input[type=submit]")
    expect(page.locator("#console-dashboard")).to_be_visible()
    expect(page.locator(".messagelist")).to_contain_text("9 remain unused")
    page.screenshot(path=ARTIFACTS / "reviewer-1-backup-code.png", full_page=True)
    assert inbox.wait_for(reviewer.email, "A backup code was used")
    # The same code never works twice.
    sign_in_with_password(page, console_url, reviewer)
    page.fill("#id_otp_token", codes[3])
    page.click("#mfa-verify-form input[type=submit]")
    expect(page.locator(".errorlist")).to_contain_text("wrong or has expired")


def test_a_reviewer_verified_with_a_code_adds_a_passkey_and_signs_in_with_it(console_url, browser):
    reviewer = make_user(role=Role.SECTOR_REVIEWER)
    reviewer.set_password(CHOSEN)
    reviewer.save()
    device = ensure_totp_device(reviewer, "08" * 20)
    page, _, _ = page_with_authenticator(browser)
    sign_in_with_password(page, console_url, reviewer)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.fill("#id_otp_token", code)
    page.click("#mfa-verify-form input[type=submit]")
    page.get_by_role("link", name="Sign-in keys").click()
    expect(page.locator("#sign-in-keys tbody tr")).to_have_count(1)
    press(page, "Add a passkey")
    expect(page.locator("#sign-in-keys tbody tr")).to_have_count(2)  # the page reloaded
    expect(page.locator("#sign-in-keys")).to_contain_text("Passkey added")
    page.screenshot(path=ARTIFACTS / "reviewer-2-keys.png", full_page=True)
    assert WebAuthnCredential.objects.filter(user=reviewer).count() == 1
    sign_in_with_password(page, console_url, reviewer)
    press(page, "Use your passkey")
    expect(page.locator("#console-dashboard")).to_be_visible()


def test_an_applicant_adds_a_passkey_and_every_sign_in_then_asks_for_it(console_url, browser):
    applicant = make_user("grace@tricounty.example", email_verified_at=timezone.now())
    applicant.set_password(CHOSEN)
    applicant.save()
    page, _, _ = page_with_authenticator(browser)

    def portal_sign_in():
        page.context.clear_cookies()
        page.goto(f"{console_url}/accounts/login/")
        page.fill("#id_username", applicant.email)
        page.fill("#id_password", CHOSEN)
        page.click("form.usa-form button[type=submit]")

    def session_key():
        return next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")

    portal_sign_in()
    page.get_by_role("link", name="Sign-in security").click()
    before = session_key()
    press(page, "Add a passkey")
    expect(page.locator("#sign-in-keys")).to_contain_text("Passkey added")
    assert session_key() != before  # the first factor verified the session: a new key
    page.screenshot(path=ARTIFACTS / "applicant-1-security.png", full_page=True)
    enrolled = AuditEvent.objects.get(action="user.mfa_enrolled")
    assert enrolled.data["kind"] == "passkey" and enrolled.data["user"] == applicant.email

    portal_sign_in()
    expect(page).to_have_url(re.compile(r"/accounts/two-step/"))
    page.goto(f"{console_url}/apply/")  # nothing opens before the second step
    expect(page).to_have_url(re.compile(r"/accounts/two-step/"))
    page.screenshot(path=ARTIFACTS / "applicant-2-two-step.png", full_page=True)
    press(page, "Use your passkey")
    expect(page).to_have_url(f"{console_url}/apply/")  # exactly: not "?next=/apply/"
    console = page.request.get(f"{console_url}/admin/")  # this browser's cookies
    assert "/admin/login/" in console.url  # a passkey opens no console for an applicant
