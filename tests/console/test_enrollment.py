"""A staff account is enrolled only through its emailed one-time link: the link sets
the password and registers the first second factor together (vetting.accounts.enrollment)."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_user
from vetting.accounts.enrollment import enrollment_send
from vetting.accounts.models import Enrollment, User
from vetting.accounts.roles import Role
from vetting.audit.models import AuditEvent
from vetting.notifications.models import Notification

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "console-enrol-2031!"


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _emailed_path(user) -> str:
    row = Notification.objects.filter(template_key="staff_enrollment", recipient=user).latest("pk")
    return row.context["url_path"]


def _enroll(client, path, *, password=NEW_PASSWORD, code=None):
    """The two steps of the link's page: the password, then the authenticator app."""
    assert client.get(path).status_code == 200
    chosen = client.post(path, {"new_password1": password, "new_password2": password})
    if chosen.status_code != 302:
        return chosen, None  # the password was refused: still the first step
    page = client.get(path)
    assert page.status_code == 200
    secret = re.search(r'id="totp-secret">([A-Z2-7=]+)<', page.content.decode()).group(1)
    device = TOTPDevice.objects.get(confirmed=False, user__enrollments__isnull=False)
    assert secret  # shown so it can be typed into an app
    return client.post(path, {"otp_token": code or code_for(device)}), device


def test_making_an_account_staff_in_the_console_emails_an_enrollment_link(console):
    root = User.objects.create_superuser("root@vetting.test", PASSWORD)
    response = console(root).post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Official@Agency.gov",
            "first_name": "Nia",
            "last_name": "Official",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    official = User.objects.get(email="new.official@agency.gov")
    assert official.is_staff and not official.has_usable_password()
    assert _emailed_path(official).startswith("/admin/enroll/")


def test_the_emailed_link_sets_the_password_and_the_first_factor_and_opens_the_console():
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    enrollment_send(actor=None, user=official)
    official.refresh_from_db()
    assert not official.has_usable_password()  # no way in with a password alone
    assert official.email_verified_at is None
    path = _emailed_path(official)
    client = Client()
    response, device = _enroll(client, path)
    assert response.status_code == 302 and response["Location"] == "/admin/mfa/backup-codes/"
    shown = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(set(codes)) == 10  # backup codes, shown this once
    assert client.get(response["Location"]).status_code == 302  # and never again
    assert client.get("/admin/").status_code == 200  # signed in and verified
    official.refresh_from_db()
    assert official.check_password(NEW_PASSWORD)
    assert official.email_verified_at is not None  # the link reached the address
    device.refresh_from_db()
    assert device.confirmed
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.enrollment_sent", "user.enrolled", "user.mfa_enrolled"} <= actions
    # Single use: the link is spent.
    again = Client().get(path)
    assert again.status_code == 400 and "not valid" in again.content.decode()


def test_a_wrong_code_or_weak_password_keeps_the_link_and_enrolls_nothing():
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    path = enrollment_send(actor=None, user=official)
    client = Client()
    device_code = "000000"
    response, device = _enroll(client, path, code=device_code)
    if code_for(device) == device_code:  # one chance in a million
        return
    assert response.status_code == 200 and "does not match" in response.content.decode()
    client.post(path, {"start_again": "1"})  # back to the first step
    weak, _ = _enroll(client, path, password="password1234")
    assert "too common" in weak.content.decode()
    assert NEW_PASSWORD not in weak.content.decode() and "password1234" not in weak.content.decode()
    official.refresh_from_db()
    assert (
        not official.has_usable_password()
        and not device.__class__.objects.get(pk=device.pk).confirmed
    )
    assert Enrollment.objects.get(user=official).used_at is None


def test_an_expired_or_replaced_link_is_refused():
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    first = enrollment_send(actor=None, user=official)
    second = enrollment_send(actor=None, user=official)
    assert Client().get(first).status_code == 400  # replaced by the newer one
    Enrollment.objects.filter(user=official).update(expires_at=timezone.now())
    assert Client().get(second).status_code == 400  # expired


def test_a_new_link_resets_a_lost_factor_and_ends_the_old_sessions():
    from tests.console.test_admin_mfa import KEY, password_login
    from vetting.accounts.mfa import ensure_totp_device

    officer = make_user(role=Role.CLEARANCE_OFFICER)
    ensure_totp_device(officer, KEY)
    old_session = password_login(officer)
    enrollment_send(actor=None, user=officer)
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert old_session.get("/accounts/password/change/").status_code == 302
    refused = Client().post("/admin/login/", {"username": officer.email, "password": PASSWORD})
    assert refused.status_code == 200  # the old password no longer works
    assert AuditEvent.objects.filter(action="user.mfa_removed").exists()


def test_only_superusers_send_links_from_the_console(cast, console):
    target = make_user(role=Role.SECTOR_REVIEWER)
    ask = {"action": "send_enrollment_link", "_selected_action": [target.pk]}
    refused = console(cast.officer).post("/admin/accounts/user/", ask)
    assert refused.status_code == 403
    assert not Notification.objects.filter(template_key="staff_enrollment").exists()
    root = User.objects.create_superuser("root@vetting.test", PASSWORD)
    sent = console(root).post("/admin/accounts/user/", ask)
    assert sent.status_code == 302
    assert _emailed_path(target).startswith("/admin/enroll/")


def test_the_command_prints_a_working_link(capsys):
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    call_command("enrollment_link", official.email)
    link = capsys.readouterr().out.strip().splitlines()[-1]
    path = "/" + link.split("/", 3)[3]
    response, _ = _enroll(Client(), path)
    assert response.status_code == 302


def test_the_enrollment_page_shows_no_console_navigation():
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    html = Client().get(enrollment_send(actor=None, user=official)).content.decode()
    assert "/admin/applications/" not in html and 'id="nav-sidebar"' not in html


def test_a_staff_members_last_factor_cannot_be_deleted_in_the_console(console):
    from vetting.accounts.mfa import ensure_totp_device

    root = User.objects.create_superuser("root@vetting.test", PASSWORD)
    reviewer = make_user(role=Role.SECTOR_REVIEWER)
    device = ensure_totp_device(reviewer, "3132333435363738393031323334353637383930")
    client = console(root)
    url = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    bulk = client.post(
        "/admin/otp_totp/totpdevice/",
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    # A second device: then the first may go (the account keeps a factor).
    TOTPDevice.objects.create(user=reviewer, name="Spare", confirmed=True)
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_backup_code_opens_one_session_is_audited_and_emails_the_owner():
    from tests.console.test_admin_mfa import password_login

    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    enrolling = Client()
    response, _ = _enroll(enrolling, enrollment_send(actor=None, user=official))
    shown = enrolling.get(response["Location"]).content.decode()
    code = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)[0]
    official.set_password(PASSWORD)
    official.save()
    client = password_login(official)
    opened = client.post("/admin/mfa/verify/", {"otp_token": code.upper()})
    assert opened.status_code == 302 and client.get("/admin/").status_code == 200
    event = AuditEvent.objects.get(action="user.backup_code_used")
    assert event.data["codes_left"] == 9
    told = Notification.objects.get(template_key="backup_code_used")
    assert told.recipient == official and told.context["codes_left"] == 9
    again = password_login(official).post("/admin/mfa/verify/", {"otp_token": code})
    assert again.status_code == 200 and "wrong or has expired" in again.content.decode()
