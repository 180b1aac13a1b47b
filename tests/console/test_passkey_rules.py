"""Who may register or use a passkey, through each way in (the ceremony endpoints, the
second-step page, the console's pages, the factor admin, a new enrollment link). The
browser ceremonies themselves are in tests/e2e/test_passkeys.py."""

import secrets

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp_webauthn.models import WebAuthnCredential
from webauthn.helpers import bytes_to_base64url

from tests.console.conftest import verified_client
from tests.factories import PASSWORD, make_user
from vetting.accounts.enrollment import enrollment_send
from vetting.accounts.mfa import ensure_totp_device
from vetting.accounts.models import User
from vetting.accounts.roles import Role
from vetting.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
BEGIN_REGISTRATION = "/admin/passkeys/registration/begin/"
COMPLETE_REGISTRATION = "/admin/passkeys/registration/complete/"
BEGIN_AUTHENTICATION = "/admin/passkeys/authentication/begin/"
COMPLETE_AUTHENTICATION = "/admin/passkeys/authentication/complete/"


def passkey_for(user) -> WebAuthnCredential:
    """A stored passkey row (its key is never used here: no ceremony is run)."""
    return WebAuthnCredential.objects.create(
        user=user,
        name="Passkey",
        credential_id=secrets.token_bytes(32),
        public_key=secrets.token_bytes(77),
        aaguid="00000000-0000-0000-0000-000000000000",
    )


def password_only(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def required(settings):
    settings.STAFF_PASSKEY_REQUIRED = True


def test_nobody_registers_a_passkey_without_a_verified_console_session_or_a_live_link(required):
    applicant = make_user()
    reviewer = make_user(role=Role.EXPORT_CONTROL_REVIEWER)
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    ensure_totp_device(applicant, "04" * 20)
    refused = {
        "anonymous": Client(),
        "applicant with an app, password only": password_only(applicant),
        "staff, password only, no factor": password_only(make_user(role=Role.SECTOR_REVIEWER)),
        "staff, password only": password_only(ensure_totp_device(reviewer, "01" * 20).user),
        "official verified with a code": verified_client(official),
    }
    for who, client in refused.items():
        response = client.post(BEGIN_REGISTRATION)
        assert response.status_code == 403, who
        assert "challenge" not in response.json(), who
    assert not WebAuthnCredential.objects.exists()
    # A reviewer (codes allowed) verified with one may add a passkey; an applicant with
    # no factor yet may add a first one with the password.
    allowed = verified_client(reviewer).post(BEGIN_REGISTRATION)
    assert allowed.status_code == 200 and allowed.json()["rp"]["id"] == "localhost"
    first = password_only(make_user()).post(BEGIN_REGISTRATION)
    assert first.status_code == 200


def test_an_enrollment_page_registers_only_after_its_password_and_only_while_the_link_lives():
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    path = enrollment_send(actor=None, user=official)
    client = Client()
    client.get(path)
    assert client.post(BEGIN_REGISTRATION).status_code == 403  # no password chosen yet
    chosen = "an-enrolment-pass-2031"
    client.post(path, {"new_password1": chosen, "new_password2": chosen})
    options = client.post(BEGIN_REGISTRATION)
    assert options.status_code == 200
    assert options.json()["user"]["name"] == official.email
    enrollment_send(actor=None, user=official)  # a newer link replaces this one
    assert client.post(BEGIN_REGISTRATION).status_code == 403


def test_a_signed_in_visitor_of_an_enrollment_link_is_signed_out_first():
    someone = make_user(role=Role.AUDITOR)
    client = verified_client(someone)
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    path = enrollment_send(actor=None, user=official)
    assert client.get(path).status_code == 200
    assert client.get("/admin/").status_code == 302  # the auditor's session is gone


def test_tampered_ceremony_bodies_are_refused_with_a_4xx():
    reviewer = make_user(role=Role.EXPORT_CONTROL_REVIEWER)
    client = verified_client(reviewer)
    no_state = client.post(COMPLETE_REGISTRATION, "{}", content_type="application/json")
    assert no_state.status_code == 400
    client.post(BEGIN_REGISTRATION)
    garbage = client.post(COMPLETE_REGISTRATION, "{not json", content_type="application/json")
    assert garbage.status_code == 400
    client.post(BEGIN_REGISTRATION)
    forged = client.post(
        COMPLETE_REGISTRATION,
        {"id": "x", "rawId": "x", "type": "public-key", "response": {}},
        content_type="application/json",
    )
    assert 400 <= forged.status_code < 500
    assert not WebAuthnCredential.objects.exists()


def test_a_passkey_sign_in_is_only_a_second_step_and_only_with_ones_own_passkeys():
    assert Client().post(BEGIN_AUTHENTICATION).status_code == 403  # no passwordless way in
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    passkey = passkey_for(official)
    options = password_only(official).post(BEGIN_AUTHENTICATION)
    assert options.status_code == 200
    allowed = [c["id"] for c in options.json()["allowCredentials"]]
    assert allowed == [bytes_to_base64url(bytes(passkey.credential_id))]  # only their own
    replayed = password_only(official).post(
        COMPLETE_AUTHENTICATION, "{}", content_type="application/json"
    )
    assert replayed.status_code == 400  # no ceremony begun in this session


def test_where_passkeys_are_required_a_code_opens_nothing_for_an_official(required):
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    device = ensure_totp_device(official, "02" * 20)
    client = Client()
    client.post("/admin/login/", {"username": official.email, "password": PASSWORD})
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post("/admin/mfa/verify/", {"otp_token": code})
    assert response.status_code == 403 and "passkey only" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    # A session verified with a code before the rule applied opens no console page.
    assert verified_client(official).get("/admin/").status_code == 302
    reviewer = make_user(role=Role.EXPORT_CONTROL_REVIEWER)
    assert verified_client(reviewer).get("/admin/").status_code == 200  # codes allowed


def test_without_the_setting_an_official_may_still_use_a_code(settings):
    settings.STAFF_PASSKEY_REQUIRED = False
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    assert verified_client(official).get("/admin/").status_code == 200


def test_the_console_never_deletes_a_staff_members_last_passkey(console):
    root = User.objects.create_superuser("root@vetting.test", PASSWORD)
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    passkey = passkey_for(official)
    delete = f"/admin/django_otp_webauthn/webauthncredential/{passkey.pk}/delete/"
    assert console(root).get(delete).status_code == 403
    assert (
        console(root)
        .get(f"/admin/django_otp_webauthn/webauthncredential/{passkey.pk}/change/")
        .status_code
        == 200
    )  # read-only
    ensure_totp_device(official, "03" * 20)
    assert console(root).post(delete, {"post": "yes"}).status_code == 302
    removed = AuditEvent.objects.filter(action="user.mfa_removed").latest("pk")
    assert removed.data["kind"] == "passkey" and removed.data["user"] == official.email


def test_a_new_enrollment_link_removes_the_accounts_passkeys():
    official = make_user(role=Role.GOVERNMENT_OFFICIAL)
    passkey_for(official)
    enrollment_send(actor=None, user=official)
    assert not WebAuthnCredential.objects.filter(user=official).exists()
    assert AuditEvent.objects.filter(action="user.mfa_removed", data__kind="passkey").exists()
