from datetime import timedelta

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import make_org, make_user
from vetting.audit.models import AuditEvent
from vetting.errors import InvalidState, NotPermitted
from vetting.notifications.models import Notification
from vetting.organizations import services
from vetting.organizations.models import Invitation, Membership, Sector

PROFILE = {
    "legal_name": "Harbor Water Authority",
    "uei": "jx7b4k2m9lz1",
    "ein": "123456789",
    "domain": "Harbor.Example.",
    "country": "US",
    "kind": "sltt_government",
}


@pytest.fixture
def admin(db):
    return make_user(email_verified_at=timezone.now())


@pytest.fixture
def org(admin):
    return make_org(admin=admin)


def test_the_creator_becomes_admin_and_identifiers_are_normalized(admin):
    water = Sector.objects.filter(slug="water_wastewater")
    org = services.organization_create(actor=admin, sectors=water, **PROFILE)
    assert org.memberships.get().user == admin
    assert org.memberships.get().role == Membership.Role.ADMIN
    assert (org.uei, org.ein, org.domain) == ("JX7B4K2M9LZ1", "12-3456789", "harbor.example")
    assert list(org.sectors.values_list("slug", flat=True)) == ["water_wastewater"]
    assert AuditEvent.objects.filter(action="organization.created").count() == 1


def test_it_refuses_a_malformed_identifier_naming_the_field(admin):
    with pytest.raises(ValidationError) as exc:
        services.organization_create(actor=admin, **{**PROFILE, "ein": "00-1234567"})
    assert "ein" in exc.value.message_dict


def test_only_an_admin_updates_the_profile(org):
    member = make_user()
    Membership.objects.create(user=member, organization=org)
    with pytest.raises(NotPermitted):
        services.organization_update(actor=member, organization_id=org.pk, legal_name="X")


def test_an_invitation_is_queued_with_a_link_and_accepting_it_joins_once(org, admin):
    token = services.member_invite(actor=admin, organization_id=org.pk, email="Bo@X.example")
    row = Notification.objects.get(template_key="organization_invitation")
    assert row.recipient_email == "bo@x.example"
    assert row.context["url_path"] == f"/apply/invitations/{token}/"
    bo = make_user("bo@x.example", email_verified_at=timezone.now())
    membership = services.invitation_accept(actor=bo, token=token)
    assert (membership.organization, membership.role) == (org, Membership.Role.MEMBER)
    with pytest.raises(InvalidState, match="already used"):
        services.invitation_accept(actor=bo, token=token)


def test_an_invitation_cannot_be_used_by_another_address_or_forged_or_after_expiry(org, admin):
    token = services.member_invite(actor=admin, organization_id=org.pk, email="bo@x.example")
    eve = make_user("eve@x.example", email_verified_at=timezone.now())
    with pytest.raises(NotPermitted):
        services.invitation_accept(actor=eve, token=token)
    forged = signing.dumps(
        {"org": org.pk, "email": "eve@x.example", "role": "admin"},
        salt="vetting.organizations.invitation",
        compress=True,
    )  # a link of the old signed scheme: no longer honoured
    with pytest.raises(InvalidState, match="not valid"):
        services.invitation_accept(actor=eve, token=forged)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    bo = make_user("bo@x.example", email_verified_at=timezone.now())
    with pytest.raises(InvalidState, match="expired"):
        services.invitation_accept(actor=bo, token=token)


def test_an_unverified_user_cannot_accept(org, admin):
    token = services.member_invite(actor=admin, organization_id=org.pk, email="bo@x.example")
    with pytest.raises(NotPermitted, match="Verify"):
        services.invitation_accept(actor=make_user("bo@x.example"), token=token)


def test_members_cannot_invite_and_existing_members_are_not_invited_again(org, admin):
    member = make_user()
    Membership.objects.create(user=member, organization=org)
    with pytest.raises(NotPermitted):
        services.member_invite(actor=member, organization_id=org.pk, email="z@x.example")
    with pytest.raises(InvalidState, match="already a member"):
        services.member_invite(actor=admin, organization_id=org.pk, email=member.email)


def test_roles_change_but_the_last_admin_stays(org, admin):
    own = org.memberships.get(user=admin)
    with pytest.raises(InvalidState, match="at least one administrator"):
        services.member_change_role(
            actor=admin, organization_id=org.pk, membership_id=own.pk, role="member"
        )
    with pytest.raises(InvalidState, match="at least one administrator"):
        services.member_remove(actor=admin, organization_id=org.pk, membership_id=own.pk)
    other = Membership.objects.create(user=make_user(), organization=org)
    services.member_change_role(
        actor=admin, organization_id=org.pk, membership_id=other.pk, role="admin"
    )
    services.member_remove(actor=admin, organization_id=org.pk, membership_id=own.pk)
    assert list(org.memberships.values_list("pk", flat=True)) == [other.pk]
    assert AuditEvent.objects.filter(action="organization.member_removed").count() == 1


def test_an_admin_cannot_touch_another_organizations_members(org, admin):
    other_org = make_org(admin=make_user())
    target = other_org.memberships.get()
    with pytest.raises(NotPermitted):
        services.member_remove(actor=admin, organization_id=other_org.pk, membership_id=target.pk)
    with pytest.raises(Membership.DoesNotExist):
        services.member_remove(actor=admin, organization_id=org.pk, membership_id=target.pk)
