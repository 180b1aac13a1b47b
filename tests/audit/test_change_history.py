"""Every change of who may do what is kept with its values and its actor, however it
is made (admin, service, shell), shown on the object's change page; secrets only as
"changed"; role grants and second factors are also events in the hash chain."""

import base64
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_model, make_org, make_user
from vetting.accounts.mfa import ensure_totp_device
from vetting.accounts.models import User
from vetting.accounts.roles import Role
from vetting.api.keys import gateway_key_create
from vetting.api.models import GatewayKey
from vetting.audit.models import AuditEvent
from vetting.audit.services import audit_verify_chain
from vetting.organizations.models import Membership
from vetting.screening.models import DeniedParty
from vetting.webhooks.models import WebhookEndpoint
from vetting.webhooks.services import webhook_endpoint_disable

pytestmark = pytest.mark.django_db

KEY = "3132333435363738393031323334353637383930"
NEW_KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"


def console(user) -> Client:
    device = ensure_totp_device(user, KEY)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def panel(response) -> str:
    """The History panel of a change page."""
    html = response.content.decode()
    match = re.search(r'<table class="change-history">.*?</table>', html, re.S)
    assert match, "no History panel on the page"
    return match.group(0)


def change_url(obj) -> str:
    meta = obj._meta
    return f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/"


def user_form(user, **overrides) -> dict:
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "is_staff": "on",
        **({"is_superuser": "on"} if user.is_superuser else {}),
        "groups": [g.pk for g in user.groups.all()],
    }
    return {**data, **overrides}


@pytest.fixture
def operator():
    return make_user("operator@vetting.test", is_staff=True, is_superuser=True)


def test_a_role_grant_in_the_admin_is_shown_before_and_after_and_chained(operator):
    client = console(operator)
    official = Group.objects.get(name=Role.GOVERNMENT_OFFICIAL.value)
    response = client.post(change_url(operator), user_form(operator, groups=[official.pk]))
    assert response.status_code == 302

    shown = panel(client.get(change_url(operator)))
    assert f"<strong>groups</strong>: — → {official.name}" in shown
    assert str(operator) in shown

    event = AuditEvent.objects.get(action="user.role_granted")
    assert (event.actor, event.object_id) == (operator, str(operator.pk))
    assert event.data == {"role": official.name, "user": operator.email}
    assert audit_verify_chain().ok


def test_a_role_revoked_from_the_group_side_in_the_shell_is_recorded_and_chained():
    reviewer = make_user(role=Role.SECTOR_REVIEWER)
    group = Group.objects.get(name=Role.SECTOR_REVIEWER.value)
    group.user_set.remove(reviewer)

    revoked = AuditEvent.objects.get(action="user.role_revoked")
    assert (revoked.actor, revoked.actor_label) == (None, "system")
    assert revoked.data["role"] == group.name
    last = reviewer.history.first()
    assert last.history_user is None
    assert list(last.groups.all()) == []
    assert audit_verify_chain().ok


def test_removing_a_role_the_user_does_not_have_is_no_event():
    user = make_user()
    user.groups.remove(Group.objects.get(name=Role.AUDITOR.value))
    assert not AuditEvent.objects.filter(action="user.role_revoked").exists()


def test_a_shell_change_without_a_request_is_recorded_as_system(operator):
    user = make_user("plain@example.org")
    user.first_name = "Ada"
    user.is_staff = True
    user.save()

    auditor = make_user(role=Role.AUDITOR)
    shown = panel(console(auditor).get(change_url(user)))
    assert "<strong>first name</strong>: — → Ada" in shown
    assert "<strong>staff status</strong>: no → yes" in shown
    assert "system/shell" in shown


def test_a_password_change_is_shown_as_changed_and_no_hash_is_kept(operator):
    user = make_user("changes@example.org")
    user.set_password("another-long-password-1")
    user.save()
    assert "password" not in {f.name for f in User.history.model._meta.fields}

    shown = panel(console(operator).get(change_url(user)))
    assert "<strong>password</strong>: changed" in shown
    assert user.password not in shown


def test_a_totp_key_change_shows_changed_and_never_the_key(operator):
    member = make_user("staff@vetting.test", role=Role.SECTOR_REVIEWER)
    device = ensure_totp_device(member, KEY)
    ensure_totp_device(member, NEW_KEY)  # re-keyed from the shell
    assert "key" not in {f.name for f in TOTPDevice.history.model._meta.fields}

    client = console(operator)
    pages = [
        client.get(change_url(device)),
        client.get(change_url(member)),
        client.get("/admin/otp_totp/totpdevice/"),
    ]
    assert "<strong>key</strong>: changed" in panel(pages[0])
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        for key in (KEY, NEW_KEY):
            assert key not in html
            assert base64.b32encode(bytes.fromhex(key)).decode() not in html
    enrolled = AuditEvent.objects.filter(action="user.mfa_enrolled", object_id=str(member.pk))
    assert enrolled.count() == 2  # enrolled, then enrolled again with a new secret


def test_signing_in_moves_the_counter_but_is_no_change():
    member = make_user(role=Role.SECTOR_REVIEWER)
    device = ensure_totp_device(member, KEY)
    before = device.history.count()
    device.verify_token("000000")  # django-otp saves the device (throttling, counter)
    device.save()
    assert device.history.count() == before


def test_removing_a_device_in_the_admin_is_a_chained_event(operator):
    member = make_user(role=Role.SECTOR_REVIEWER)
    device = ensure_totp_device(member, KEY)
    TOTPDevice.objects.create(user=member, name="Spare", confirmed=True)  # not the last one
    client = console(operator)
    url = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302

    removed = AuditEvent.objects.get(action="user.mfa_removed")
    assert (removed.actor, removed.object_id) == (operator, str(member.pk))
    assert device.history.first().history_type == "-"
    assert audit_verify_chain().ok


def test_the_webhook_secret_is_never_shown(operator):
    endpoint = WebhookEndpoint.objects.create(name="Lab A", url="https://lab-a.example/hook")
    old_secret = endpoint.secret
    client = console(operator)
    form = {
        "name": "Lab A",
        "url": "https://lab-a.example/hook",
        "secret": "whsec_typed-by-the-operator-0123456789",
        "is_active": "on",
        "owner_emails": "",
    }
    assert client.post(change_url(endpoint), form).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret == form["secret"]

    page = client.get(change_url(endpoint))
    html = page.content.decode()
    assert "<strong>secret</strong>: changed" in panel(page)
    assert old_secret not in html and endpoint.secret not in html

    form.update(secret="", name="Lab A gateway")  # empty keeps the secret
    assert client.post(change_url(endpoint), form).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret == "whsec_typed-by-the-operator-0123456789"
    assert "<strong>name</strong>: Lab A → Lab A gateway" in panel(client.get(change_url(endpoint)))


def test_a_gateway_key_history_shows_its_scope_never_its_hash(operator):
    model = make_model()
    key, raw = gateway_key_create(
        actor=operator, name="Lab A", kind=GatewayKey.Kind.GATEWAY, gated_model_ids=[model.pk]
    )
    shown = panel(console(operator).get(change_url(key)))
    assert str(model) in shown
    assert key.secret_hash not in shown and raw not in shown


def test_policy_members_and_deny_list_keep_their_values():
    model = make_model(cap=100)
    model.cap = 5
    model.save()
    admin = make_user()
    org = make_org(admin=admin)
    membership = Membership.objects.get(organization=org)
    membership.role = Membership.Role.MEMBER
    membership.save()
    party = DeniedParty.objects.create(kind="email_domain", email_domain="bad.example", reason="x")
    party.reason = "OFAC designation"
    party.save()

    auditor = make_user(role=Role.AUDITOR)
    client = console(auditor)
    assert "<strong>cap</strong>: 100 → 5" in panel(client.get(change_url(model)))
    assert "→ Member" in panel(client.get(change_url(membership)))
    assert "energy" in panel(client.get(change_url(org))).lower()
    assert party.history.first().reason == "OFAC designation"
    assert party.history.last().reason == "x"


@pytest.mark.parametrize(
    "kind, role",
    [
        ("user", Role.SECTOR_REVIEWER),
        ("device", Role.CLEARANCE_OFFICER),
        ("endpoint", Role.AUDITOR),
        ("key", Role.SECTOR_REVIEWER),
        ("party", None),  # every role reads the deny list; staff without one do not
    ],
)
def test_staff_who_may_not_view_an_object_do_not_see_its_history(kind, role, operator):
    member = make_user(role=role, is_staff=True) if role is None else make_user(role=role)
    objects = {
        "user": lambda: operator,
        "device": lambda: ensure_totp_device(operator, KEY),
        "endpoint": lambda: WebhookEndpoint.objects.create(name="A", url="https://a.example/h"),
        "key": lambda: gateway_key_create(
            actor=operator, name="A", kind=GatewayKey.Kind.GATEWAY, gated_model_ids=[]
        )[0],
        "party": lambda: DeniedParty.objects.create(
            kind="email_domain", email_domain="bad.example", reason="listed"
        ),
    }
    obj = objects[kind]()
    response = console(member).get(change_url(obj))
    assert response.status_code in (403, 404)
    assert "change-history" not in response.content.decode()


def test_the_chain_verifies_after_history_events(operator):
    client = console(operator)
    official = Group.objects.get(name=Role.GOVERNMENT_OFFICIAL.value)
    client.post(change_url(operator), user_form(operator, groups=[official.pk]))
    client.post(change_url(operator), user_form(operator, groups=[]))
    ensure_totp_device(operator, NEW_KEY)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.role_granted", "user.role_revoked", "user.mfa_enrolled"} <= actions
    report = audit_verify_chain()
    assert report.ok, report.problem


def test_an_endpoint_disabled_by_the_worker_is_in_its_history():
    endpoint = WebhookEndpoint.objects.create(name="Lab A", url="https://lab-a.example/hook")
    assert webhook_endpoint_disable(endpoint_id=endpoint.pk, reason="failing for a day")
    last = endpoint.history.first()
    assert (last.is_active, last.disabled_reason, last.history_user) == (
        False,
        "failing for a day",
        None,
    )
