"""Every staff user needs a password and a TOTP code; applicants never get in."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_user
from vetting.accounts.mfa import ensure_totp_device
from vetting.accounts.roles import Role

KEY = "3132333435363738393031323334353637383930"

pytestmark = pytest.mark.django_db


def password_login(user) -> Client:
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_staff_user_with_only_a_password_is_sent_to_the_code_page():
    user = make_user(role=Role.SECTOR_REVIEWER)
    ensure_totp_device(user, KEY)
    client = password_login(user)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/mfa/verify/")
    assert client.get("/admin/applications/application/").status_code == 302


def test_the_right_code_opens_the_console():
    user = make_user(role=Role.SECTOR_REVIEWER)
    device = ensure_totp_device(user, KEY)
    client = password_login(user)
    right = client.post("/admin/mfa/verify/?next=/admin/", {"otp_token": code_for(device)})
    assert right.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_and_the_console_stays_closed():
    user = make_user(role=Role.SECTOR_REVIEWER)
    device = ensure_totp_device(user, KEY)
    client = password_login(user)
    bad = "000000" if code_for(device) != "000000" else "111111"
    wrong = client.post("/admin/mfa/verify/", {"otp_token": bad})
    assert wrong.status_code == 200
    assert "wrong or has expired" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302


def test_staff_without_a_device_cannot_bind_one_with_the_password_alone():
    """Whoever learns a new staff member's password must not register a device: only
    the emailed enrollment link does (tests/console/test_enrollment.py)."""
    user = make_user(role=Role.AUDITOR)
    client = password_login(user)
    page = client.get("/admin/", follow=True)
    assert page.redirect_chain[-1][0] == "/admin/login/"
    assert "has no second factor yet" in page.content.decode()
    assert "_auth_user_id" not in client.session
    client.get("/admin/mfa/enroll/")  # the page that did this before is gone
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_applicants_never_get_into_the_admin():
    applicant = make_user()
    client = Client()
    response = client.post("/admin/login/", {"username": applicant.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "staff account" in response.content.decode()
    client.force_login(applicant)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/enroll/made-up-token/").status_code == 400
    assert not TOTPDevice.objects.filter(user=applicant).exists()


def test_ensure_totp_device_gives_a_known_secret_and_is_idempotent():
    user = make_user(role=Role.GOVERNMENT_OFFICIAL)
    first = ensure_totp_device(user, KEY)
    again = ensure_totp_device(user, KEY)
    assert first.pk == again.pk
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert again.verify_token(code_for(again))


def test_a_staff_user_can_sign_out_from_the_code_page():
    user = make_user(role=Role.SECTOR_REVIEWER)
    ensure_totp_device(user, KEY)
    client = password_login(user)
    assert "mfa-sign-out" in client.get("/admin/mfa/verify/").content.decode()
    response = client.post("/admin/mfa/sign-out/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_session_key_changes_when_the_second_factor_is_verified():
    user = make_user(role=Role.SECTOR_REVIEWER)
    device = ensure_totp_device(user, KEY)
    client = password_login(user)
    before = client.session.session_key
    client.post("/admin/mfa/verify/", {"otp_token": code_for(device)})
    after = client.session.session_key
    assert after != before
    stale = Client()
    stale.cookies["sessionid"] = before  # the key known before the second step
    assert stale.get("/admin/").status_code == 302


def test_the_second_factor_page_shows_no_console_navigation():
    user = make_user(role=Role.CLEARANCE_OFFICER)
    ensure_totp_device(user, KEY)
    html = password_login(user).get("/admin/mfa/verify/").content.decode()
    assert "/admin/applications/" not in html and 'id="nav-sidebar"' not in html
    assert "/admin/password_change/" not in html and 'id="user-tools"' not in html
    assert 'id="mfa-sign-out"' in html  # the one way on: signing out


def test_second_factor_guesses_are_throttled_per_account_even_with_the_right_code(settings):
    user = make_user(role=Role.SECTOR_REVIEWER)
    device = ensure_totp_device(user, KEY)
    client = password_login(user)
    bad = "000000" if code_for(device) != "000000" else "111111"
    statuses = [
        client.post("/admin/mfa/verify/", {"otp_token": bad}).status_code for _ in range(10)
    ]
    assert statuses == [200] * 10
    refused = client.post("/admin/mfa/verify/", {"otp_token": code_for(device)})
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    assert client.get("/admin/").status_code == 302
    # From elsewhere too: the limit is the account's.
    other = password_login(user)
    assert other.post("/admin/mfa/verify/", {"otp_token": code_for(device)}).status_code == 429


@pytest.mark.parametrize("change", ["factor removed", "role revoked"])
def test_removing_a_factor_or_revoking_a_role_ends_every_session_of_the_account(change):
    from django.contrib.auth.models import Group

    user = make_user(role=Role.SECTOR_REVIEWER)
    device = ensure_totp_device(user, KEY)
    console = password_login(user)
    console.post("/admin/mfa/verify/", {"otp_token": code_for(device)})
    assert console.get("/admin/").status_code == 200
    elsewhere = password_login(user)  # another browser, password step only
    bystander_user = make_user(role=Role.SECTOR_REVIEWER)
    bystander = password_login(bystander_user)
    own_page = "/accounts/password/change/"  # needs a signed-in account, any role

    def signed_in(client) -> bool:  # the page, or (with a factor) its second step first
        response = client.get(own_page)
        return response.status_code == 200 or response["Location"].startswith("/accounts/two-step/")

    assert signed_in(elsewhere)

    if change == "factor removed":
        device.delete()
    else:
        user.groups.remove(Group.objects.get(name=Role.SECTOR_REVIEWER.value))

    for client in (console, elsewhere):
        assert client.get(own_page)["Location"].startswith("/accounts/login/")
    assert signed_in(bystander)
    assert signed_in(password_login(user))  # signing in again works


def test_a_staff_session_ends_twelve_hours_after_its_sign_in_however_active(settings):
    import time

    from vetting.accounts.sessions import SIGNED_IN_AT

    user = make_user(role=Role.SECTOR_REVIEWER)
    device = ensure_totp_device(user, KEY)
    client = password_login(user)
    client.post("/admin/mfa/verify/", {"otp_token": code_for(device)})
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = time.time() - settings.STAFF_SESSION_MAX_HOURS * 3600 + 60
    session.save()
    assert client.get("/admin/").status_code == 200  # a minute left
    session = client.session
    session[SIGNED_IN_AT] = time.time() - settings.STAFF_SESSION_MAX_HOURS * 3600 - 1
    session.save()
    ended = client.get("/admin/")
    assert ended.status_code == 302 and ended["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session
