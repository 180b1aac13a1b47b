"""Browser test of the review console (Playwright + Debian's Chromium): three
reviewers sign in with password and TOTP and take one application through all
three steps; the clearance appears; an officer revokes it and then suspends the
model, after a confirmation page that states how many organizations lose access."""

import re

from django_otp.oath import totp
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS as E2E_ARTIFACTS
from tests.e2e.conftest import SLOW_MACHINE_MS
from tests.factories import PASSWORD, Cast
from vetting.accounts.mfa import ensure_totp_device
from vetting.applications.models import State
from vetting.clearances.models import Clearance

ARTIFACTS = E2E_ARTIFACTS / "console"
ARTIFACTS.mkdir(parents=True, exist_ok=True)


def sign_in(browser, base_url, user, device, shot):
    context = browser.new_context()
    context.set_default_timeout(SLOW_MACHINE_MS)
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/mfa/verify/"))
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("#id_otp_token", f"{code:06d}")
    page.screenshot(path=ARTIFACTS / f"{shot}-1-code.png")
    page.click("input[type=submit]")
    expect(page.locator("#console-dashboard")).to_be_visible()
    page.screenshot(path=ARTIFACTS / f"{shot}-2-dashboard.png", full_page=True)
    return page


def decide(page, base_url, app, button, rationale, shot):
    page.goto(f"{base_url}/admin/applications/application/{app.pk}/change/")
    page.screenshot(path=ARTIFACTS / f"{shot}-3-case-file.png", full_page=True)
    page.click(f"a.decision-{button}")
    page.fill("#id_rationale", rationale)
    page.check("#id_no_conflict")
    page.click("#decision-form input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("done")
    page.screenshot(path=ARTIFACTS / f"{shot}-4-decided.png", full_page=True)


def test_three_reviewers_clear_an_application_and_an_officer_revokes_and_suspends(
    transactional_db, live_server, browser, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cast = Cast()
    bystander = Cast(model=cast.model)  # another cleared organization on the same model
    bystander.walk_to(State.APPROVED)
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    devices = {
        user.pk: ensure_totp_device(user, f"{n:02d}" * 20)
        for n, user in enumerate([cast.export, cast.sector, cast.government, cast.officer], start=1)
    }
    url = live_server.url

    for user, button, shot in [
        (cast.export, "pass", "1-export-control"),
        (cast.sector, "pass", "2-sector"),
        (cast.government, "approve", "3-government"),
    ]:
        page = sign_in(browser, url, user, devices[user.pk], shot)
        decide(page, url, app, button, f"Checked by {user.email}.", shot)
        page.context.close()

    clearance = Clearance.objects.get(application=app)
    page = sign_in(browser, url, cast.officer, devices[cast.officer.pk], "4-officer")
    page.goto(f"{url}/admin/clearances/clearance/")
    expect(page.locator("#result_list")).to_contain_text(clearance.serial)
    page.screenshot(path=ARTIFACTS / "4-officer-3-clearances.png", full_page=True)

    page.goto(f"{url}/admin/clearances/clearance/{clearance.pk}/change/")
    page.click("a.clearance-revoke")
    page.fill("#id_reason", "Conditions of use were breached.")
    page.fill("#id_applicant_reason", "Your clearance was revoked for a breach of conditions.")
    page.screenshot(path=ARTIFACTS / "4-officer-4-revoke-form.png", full_page=True)
    page.click("#reason-form input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("revoked")
    clearance.refresh_from_db()
    assert clearance.state == "revoked"
    assert clearance.state_reason == "Conditions of use were breached."

    page.goto(f"{url}/admin/gated_models/gatedmodel/{cast.model.pk}/change/")
    page.click("#model-suspend")
    expect(page.locator("#affected-count")).to_have_text("1")
    expect(page.locator("#affected-organizations")).to_contain_text(bystander.org.legal_name)
    page.fill("#id_reason", "Export-control order received.")
    page.check("#id_confirm")
    page.screenshot(path=ARTIFACTS / "4-officer-5-suspend-confirm.png", full_page=True)
    page.click("#reason-form input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("1 organizations lost access")
    page.screenshot(path=ARTIFACTS / "4-officer-6-suspended.png", full_page=True)
    cast.model.refresh_from_db()
    assert cast.model.access_status == "suspended"
