"""Invitations are stored rows: single use, expiring, revocable (services and console)."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from tests.console.conftest import verified_client
from tests.factories import make_org, make_user
from vetting.accounts.roles import Role
from vetting.audit.models import AuditEvent
from vetting.errors import InvalidState, NotPermitted
from vetting.organizations import services
from vetting.organizations.models import Invitation, Membership


@pytest.fixture
def admin(db):
    return make_user(email_verified_at=timezone.now())


@pytest.fixture
def org(admin):
    return make_org(admin=admin)


def verified(email=None, **extra):
    return make_user(email, email_verified_at=timezone.now(), **extra)


def invite(org, admin, email="bo@x.example", role=Membership.Role.MEMBER) -> str:
    return services.member_invite(actor=admin, organization_id=org.pk, email=email, role=role)


def row(token) -> Invitation:
    return Invitation.objects.get(token_hash=hashlib.sha256(token.encode()).hexdigest())


def expire(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


def add_member(org, user=None, role=Membership.Role.MEMBER) -> Membership:
    return Membership.objects.create(user=user or verified(), organization=org, role=role)


# --- the stored row -----------------------------------------------------------------


def test_only_the_hash_of_the_token_is_stored_and_the_row_says_who_what_until_when(
    org, admin, settings
):
    settings.INVITATION_MAX_AGE = 3600
    token = invite(org, admin, email="  Bo@X.Example ", role=Membership.Role.ADMIN)
    invitation = Invitation.objects.get()
    assert len(token) == 43
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not Invitation.objects.filter(token_hash=token).exists()
    stored = [str(v) for v in Invitation.objects.values_list(flat=False).get()]
    assert not any(token in value for value in stored)
    assert (invitation.organization, invitation.email, invitation.role) == (
        org,
        "bo@x.example",
        Membership.Role.ADMIN,
    )
    assert invitation.invited_by == admin
    assert invitation.expires_at - invitation.created_at == timedelta(seconds=3600)
    assert invitation.state == Invitation.State.PENDING
    event = AuditEvent.objects.get(action="organization.member_invited")
    assert event.data["invitation_id"] == invitation.pk


def test_each_invitation_gets_its_own_random_token(org, admin):
    tokens = {invite(org, admin, email=f"p{n}@x.example") for n in range(5)}
    assert len(tokens) == 5
    assert Invitation.objects.values("token_hash").distinct().count() == 5


def test_the_state_is_pending_accepted_revoked_or_expired(org, admin):
    tokens = {name: invite(org, admin, email=f"{name}@x.example") for name in Invitation.State}
    services.invitation_accept(actor=verified("accepted@x.example"), token=tokens["accepted"])
    services.invitation_revoke(
        actor=admin, organization_id=org.pk, invitation_id=row(tokens["revoked"]).pk
    )
    expire(row(tokens["expired"]))
    for name, token in tokens.items():
        assert row(token).state == name
    assert row(tokens["pending"]).get_state_display() == "Pending"
    assert set(Invitation.objects.filter(Invitation.pending_q())) == {row(tokens["pending"])}


# --- reading and accepting ------------------------------------------------------------


def test_an_invitation_is_used_once(org, admin):
    token = invite(org, admin)
    bo = verified("bo@x.example")
    assert services.invitation_read(token).organization == org
    membership = services.invitation_accept(actor=bo, token=token)
    invitation = row(token)
    assert (invitation.accepted_by, invitation.state) == (bo, Invitation.State.ACCEPTED)
    assert invitation.accepted_at is not None
    with pytest.raises(InvalidState, match="already used"):
        services.invitation_read(token)
    with pytest.raises(InvalidState, match="already used"):
        services.invitation_accept(actor=bo, token=token)
    assert list(org.memberships.filter(user=bo)) == [membership]
    assert AuditEvent.objects.filter(action="organization.member_joined").count() == 1


def test_the_membership_gets_the_invitations_role(org, admin):
    token = invite(org, admin, role=Membership.Role.ADMIN)
    membership = services.invitation_accept(actor=verified("bo@x.example"), token=token)
    assert membership.role == Membership.Role.ADMIN


def test_an_expired_invitation_is_refused_and_not_consumed(org, admin):
    token = invite(org, admin)
    expire(row(token))
    with pytest.raises(InvalidState, match="expired"):
        services.invitation_read(token)
    with pytest.raises(InvalidState, match="expired"):
        services.invitation_accept(actor=verified("bo@x.example"), token=token)
    assert row(token).accepted_at is None
    assert not org.memberships.filter(user__email="bo@x.example").exists()


def test_a_refusal_for_the_wrong_address_or_an_unverified_one_leaves_it_pending(org, admin):
    token = invite(org, admin)
    with pytest.raises(NotPermitted, match="sign in with that address"):
        services.invitation_accept(actor=verified("eve@x.example"), token=token)
    bo = make_user("Bo@X.example")
    with pytest.raises(NotPermitted, match="Verify"):
        services.invitation_accept(actor=bo, token=token)
    assert row(token).state == Invitation.State.PENDING
    bo.email_verified_at = timezone.now()
    bo.save(update_fields=["email_verified_at"])
    services.invitation_accept(actor=bo, token=token)
    assert row(token).state == Invitation.State.ACCEPTED


@pytest.mark.parametrize(
    "token",
    [
        "",
        "forged",
        "x" * 43,
        "A" * 10_000,
        "../../etc/passwd",
        "ünïcödé-" * 6,
        "\x00" * 43,
        "\ud800" * 43,
        "a b c",
        None,
    ],
    ids=lambda t: repr(t)[:20],
)
def test_unknown_forged_or_odd_tokens_are_not_valid(org, admin, token):
    invite(org, admin)
    with pytest.raises(InvalidState, match="not valid"):
        services.invitation_read(token)
    with pytest.raises(InvalidState, match="not valid"):
        services.invitation_accept(actor=verified("bo@x.example"), token=token)


def test_a_token_differing_in_one_character_is_not_valid(org, admin):
    token = invite(org, admin)
    tampered = ("B" if token[0] != "B" else "C") + token[1:]
    with pytest.raises(InvalidState, match="not valid"):
        services.invitation_read(tampered)


# --- inviting again, revoking -----------------------------------------------------


def test_inviting_the_same_address_again_revokes_the_pending_one(org, admin):
    first = invite(org, admin)
    second = invite(org, admin, email="BO@x.example", role=Membership.Role.ADMIN)
    assert row(first).state == Invitation.State.REVOKED
    assert row(first).revoked_by == admin
    with pytest.raises(InvalidState, match="revoked"):
        services.invitation_read(first)
    assert services.invitation_read(second).role == Membership.Role.ADMIN
    event = AuditEvent.objects.filter(action="organization.member_invited").latest("pk")
    assert event.data["replaced_invitation_ids"] == [row(first).pk]


def test_an_admin_revokes_a_pending_invitation(org, admin):
    token = invite(org, admin)
    invitation = services.invitation_revoke(
        actor=admin, organization_id=org.pk, invitation_id=row(token).pk
    )
    assert (invitation.state, invitation.revoked_by) == (Invitation.State.REVOKED, admin)
    with pytest.raises(InvalidState, match="revoked"):
        services.invitation_accept(actor=verified("bo@x.example"), token=token)
    event = AuditEvent.objects.get(action="organization.invitation_revoked")
    assert event.data == {"invitation_id": invitation.pk, "email": "bo@x.example"}
    with pytest.raises(InvalidState, match="revoked"):
        services.invitation_revoke(actor=admin, organization_id=org.pk, invitation_id=invitation.pk)


def test_a_used_or_expired_invitation_cannot_be_revoked(org, admin):
    used = invite(org, admin)
    services.invitation_accept(actor=verified("bo@x.example"), token=used)
    old = invite(org, admin, email="old@x.example")
    expire(row(old))
    for token, word in ((used, "accepted"), (old, "expired")):
        with pytest.raises(InvalidState, match=word):
            services.invitation_revoke(
                actor=admin, organization_id=org.pk, invitation_id=row(token).pk
            )


def test_a_member_who_is_not_admin_cannot_revoke(org, admin):
    token = invite(org, admin)
    member = add_member(org).user
    with pytest.raises(NotPermitted, match="administrator"):
        services.invitation_revoke(
            actor=member, organization_id=org.pk, invitation_id=row(token).pk
        )
    assert row(token).state == Invitation.State.PENDING
    assert not AuditEvent.objects.filter(action="organization.invitation_revoked").exists()


def test_an_admin_cannot_revoke_another_organizations_invitation(org, admin):
    other_admin = verified()
    other = make_org(admin=other_admin)
    token = invite(other, other_admin)
    with pytest.raises(NotPermitted):
        services.invitation_revoke(
            actor=admin, organization_id=other.pk, invitation_id=row(token).pk
        )
    with pytest.raises(InvalidState, match="no invitation"):
        services.invitation_revoke(actor=admin, organization_id=org.pk, invitation_id=row(token).pk)
    assert row(token).state == Invitation.State.PENDING


def test_permission_checks_go_through_the_policy_module(org, admin, monkeypatch):
    from vetting import permissions

    asked = []
    real = permissions.require

    def spy(actor, action, obj=None):
        asked.append((actor, action, obj))
        return real(actor, action, obj)

    monkeypatch.setattr(services, "require", spy)
    invite(org, admin)
    assert asked == [(admin, permissions.Action.ORGANIZATION_ADMINISTER, org.pk)]


# --- removing a member ---------------------------------------------------------------


def test_removing_a_member_revokes_invitations_to_them_and_sent_by_them(org, admin):
    to_sam = invite(org, admin, email="sam@x.example")  # sent before Sam joined otherwise
    second_admin = add_member(org, verified("Sam@X.example"), role=Membership.Role.ADMIN)
    sent_by_sam = [
        invite(org, second_admin.user, email=f"s{n}@x.example", role=Membership.Role.ADMIN)
        for n in range(2)
    ]
    unrelated = invite(org, admin, email="kept@x.example")
    used_by_sam = invite(org, second_admin.user, email="used@x.example")
    services.invitation_accept(actor=verified("used@x.example"), token=used_by_sam)
    elsewhere_admin = verified()
    elsewhere = make_org(admin=elsewhere_admin)
    to_sam_elsewhere = invite(elsewhere, elsewhere_admin, email="sam@x.example")

    services.member_remove(actor=admin, organization_id=org.pk, membership_id=second_admin.pk)

    revoked = sorted(row(t).pk for t in [*sent_by_sam, to_sam])
    for token in [*sent_by_sam, to_sam]:
        assert row(token).state == Invitation.State.REVOKED
        assert row(token).revoked_by == admin
        with pytest.raises(InvalidState, match="revoked"):
            services.invitation_read(token)
    assert row(unrelated).state == Invitation.State.PENDING
    assert row(used_by_sam).state == Invitation.State.ACCEPTED
    assert row(to_sam_elsewhere).state == Invitation.State.PENDING
    event = AuditEvent.objects.get(action="organization.member_removed")
    assert event.data["revoked_invitation_ids"] == revoked


def test_invite_accept_remove_then_the_same_link_is_refused(org, admin):
    token = invite(org, admin, role=Membership.Role.ADMIN)
    bo = verified("bo@x.example")
    membership = services.invitation_accept(actor=bo, token=token)
    services.member_remove(actor=admin, organization_id=org.pk, membership_id=membership.pk)
    with pytest.raises(InvalidState, match="already used"):
        services.invitation_accept(actor=bo, token=token)
    assert not org.memberships.filter(user=bo).exists()


# --- console ----------------------------------------------------------------------


def test_only_the_auditor_group_may_view_invitations(db):
    view = Permission.objects.get(
        content_type__app_label="organizations", codename="view_invitation"
    )
    holders = set(view.group_set.values_list("name", flat=True))
    assert holders == {Role.AUDITOR.value}
    for codename in ("add_invitation", "change_invitation", "delete_invitation"):
        assert not Group.objects.filter(permissions__codename=codename).exists()


def test_the_console_lists_invitations_read_only_and_never_shows_the_hash(org, admin):
    token = invite(org, admin)
    invitation = row(token)
    auditor = verified_client(make_user(role=Role.AUDITOR))
    listing = auditor.get("/admin/organizations/invitation/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "bo@x.example" in html and "Pending" in html
    assert invitation.token_hash not in html and token not in html
    page = auditor.get(f"/admin/organizations/invitation/{invitation.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert invitation.token_hash not in html and "token hash" not in html.lower()
    assert "token_hash" not in html
    assert 'name="_save"' not in html
    assert auditor.get("/admin/organizations/invitation/?state=pending").status_code == 200
    assert auditor.get("/admin/organizations/invitation/add/").status_code == 403
    reviewer = verified_client(make_user(role=Role.SECTOR_REVIEWER))
    assert reviewer.get("/admin/organizations/invitation/").status_code == 403


def test_demoting_an_admin_revokes_the_invitations_they_sent(org, admin):
    second = verified()
    membership = add_member(org, second, role=Membership.Role.ADMIN)
    token = services.member_invite(actor=second, organization_id=org.pk, email="cy@x.example")

    services.member_change_role(
        actor=admin, organization_id=org.pk, membership_id=membership.pk, role="member"
    )

    assert row(token).state == "revoked"
    with pytest.raises(InvalidState, match="revoked"):
        services.invitation_read(token)
