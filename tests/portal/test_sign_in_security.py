"""Applicants' second factors (vetting.portal.views_security): adding an authenticator
app, the second step every later sign-in owes, what a password-only session may not
change, backup codes; and an organization that requires two-step sign-in before its
members submit or manage members (vetting.permissions). Passkeys in Chromium are in
tests/e2e/test_passkeys.py."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, complete_draft, make_user
from vetting.accounts.mfa import ensure_totp_device
from vetting.applications.models import State
from vetting.audit.models import AuditEvent
from vetting.permissions import MFA_REQUIRED

pytestmark = pytest.mark.django_db


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(user, *, device=None) -> Client:
    """A browser's sign-in: the password, then (given ``device``) its code."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    if device is not None:
        # django-otp takes each code once: a test signing in twice within one 30 s
        # step starts the device's counter afresh.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        done = client.post(reverse("two_step"), {"otp_token": code_for(device)})
        assert done.status_code == 302, done.content.decode()[:500]
    return client


def test_an_applicant_adds_an_authenticator_app_and_every_sign_in_then_asks_for_it(applicant):
    client = sign_in(applicant)
    page = client.get(reverse("security")).content.decode()
    assert "None yet" in page and 'id="totp-secret"' in page
    device = TOTPDevice.objects.get(user=applicant, confirmed=False)
    wrong = client.post(reverse("security"), {"action": "confirm_app", "otp_token": "000000"})
    if code_for(device) != "000000":
        assert wrong.status_code == 400 and "does not match" in wrong.content.decode()
        throttled = client.post(
            reverse("security"), {"action": "confirm_app", "otp_token": code_for(device)}
        )
        assert "wait" in throttled.content.decode()  # django-otp's delay after a failure
        device.throttle_reset()
    added = client.post(
        reverse("security"), {"action": "confirm_app", "otp_token": code_for(device)}
    )
    assert added.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="user.mfa_enrolled", data__kind="totp").exists()

    later = sign_in(applicant)  # the password alone, a day later
    step = later.get("/apply/")
    assert step.status_code == 302 and step["Location"].startswith("/accounts/two-step/")
    assert later.get(reverse("security")).status_code == 302  # nothing changes meanwhile
    refused = later.post(reverse("two_step"), {"otp_token": "12345x"})
    assert "six digits" in refused.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # as in a later 30 s step
    device.refresh_from_db()
    done = later.post(reverse("two_step"), {"otp_token": code_for(device), "next": "/apply/"})
    assert done.status_code == 302 and done["Location"] == "/apply/"
    assert later.get("/apply/").status_code == 200


def test_a_session_from_before_the_factor_may_not_change_or_remove_it(applicant):
    before = sign_in(applicant)  # signed in while the account had no factor
    device = ensure_totp_device(applicant, "05" * 20)  # added from another browser
    refused = before.post(
        reverse("security"), {"action": "remove", "kind": "app", "device": str(device.pk)}
    )
    assert refused.status_code == 302
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    codes = before.post(reverse("security"), {"action": "backup_codes"})
    assert codes.status_code == 302 and "backup-codes" not in codes.content.decode()
    begin = before.post("/admin/passkeys/registration/begin/")
    assert begin.status_code == 403  # nor add a passkey of the thief's


def test_backup_codes_are_shown_once_and_a_removed_factor_signs_out_everywhere(applicant):
    device = ensure_totp_device(applicant, "06" * 20)
    client = sign_in(applicant, device=device)
    other = sign_in(applicant, device=device)
    shown = client.post(reverse("security"), {"action": "backup_codes"}).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(set(codes)) == 10
    assert codes[0] not in client.get(reverse("security")).content.decode()
    tampered = client.post(reverse("security"), {"action": "remove", "kind": "app", "device": "x"})
    assert tampered.status_code == 404
    stranger = make_user()
    theirs = ensure_totp_device(stranger, "07" * 20)
    not_mine = client.post(
        reverse("security"), {"action": "remove", "kind": "app", "device": str(theirs.pk)}
    )
    assert not_mine.status_code == 404 and TOTPDevice.objects.filter(pk=theirs.pk).exists()
    removed = client.post(
        reverse("security"), {"action": "remove", "kind": "app", "device": str(device.pk)}
    )
    assert removed.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert other.get("/apply/").status_code == 302  # every session ended
    assert AuditEvent.objects.filter(action="user.mfa_removed").exists()


def test_an_organization_can_require_two_step_sign_in_before_submitting_or_managing(
    applicant, org, model
):
    members_url = reverse("portal:members", args=[org.pk])
    require_url = reverse("portal:organization_mfa", args=[org.pk])
    password_only = sign_in(applicant)
    refused = password_only.post(require_url, {"require_mfa": "on"}, follow=True)
    assert "before requiring two-step sign-in" in refused.content.decode()
    org.refresh_from_db()
    assert not org.require_mfa  # nobody requires what they have not set up

    stale = Client()
    stale.force_login(applicant)  # a session from before the app was added
    device = ensure_totp_device(applicant, "08" * 20)
    admin = sign_in(applicant, device=device)
    assert admin.post(require_url, {"require_mfa": "on"}).status_code == 302
    org.refresh_from_db()
    assert org.require_mfa
    assert AuditEvent.objects.filter(action="organization.mfa_required").exists()

    draft = complete_draft(applicant=applicant, org=org, model=model)
    # A sign-in that stops at the password cannot act at all; a session from before
    # the factor existed may browse, but is refused what the organization guards.
    assert sign_in(applicant).get("/apply/").status_code == 302
    submit_url = reverse("portal:submit", args=[draft.pk])
    answer = stale.post(submit_url, follow=True)
    assert MFA_REQUIRED in answer.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    invite = stale.post(members_url, {"email": "new@utility.example", "role": "member"})
    assert MFA_REQUIRED in invite.content.decode()
    assert not org.invitations.exists()

    assert admin.post(submit_url).status_code == 302  # verified: allowed
    draft.refresh_from_db()
    assert draft.state != State.DRAFT


def test_a_console_account_changes_its_keys_only_in_the_console():
    from vetting.accounts.roles import Role

    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    device = ensure_totp_device(official, "09" * 20)
    client = sign_in(official, device=device)  # the portal's second step, with the code
    page = client.get(reverse("security"))
    assert page.status_code == 302 and page["Location"] == "/admin/mfa/keys/"
    removed = client.post(
        reverse("security"), {"action": "remove", "kind": "app", "device": str(device.pk)}
    )
    assert removed["Location"] == "/admin/mfa/keys/"
    assert TOTPDevice.objects.filter(pk=device.pk).exists()  # never its last factor here


def test_the_console_shows_an_organizations_requirement_but_never_edits_it(org):
    from tests.console.conftest import verified_client
    from vetting.accounts.models import User

    root = User.objects.create_superuser("root@vetting.test", PASSWORD)
    page = verified_client(root).get(f"/admin/organizations/organization/{org.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Two-step sign-in required" in body and 'name="require_mfa"' not in body
