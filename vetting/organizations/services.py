"""Organization services: profile, members and invitations.

Each runs in one transaction: it locks the row, checks who may act, writes,
records an audit event and, for invitations, an outbox row. Views call these.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction

from vetting.audit.services import audit_record
from vetting.core import lock
from vetting.errors import InvalidState, NotPermitted
from vetting.notifications.services import notification_enqueue

from .models import Membership, Organization
from .selectors import is_admin

PROFILE_FIELDS = ["legal_name", "uei", "ein", "cage", "domain", "country", "kind"]
INVITATION_SALT = "vetting.organizations.invitation"


def _apply_profile(org: Organization, fields: dict) -> None:
    unknown = set(fields) - {*PROFILE_FIELDS, "sectors"}
    if unknown:
        raise ValueError(f"Not organization fields: {sorted(unknown)}")
    for name, value in fields.items():
        if name != "sectors":
            setattr(org, name, value)
    org.full_clean()


def _require_admin(actor, organization_id: int) -> None:
    if not is_admin(actor, organization_id):
        raise NotPermitted("Only an administrator of the organization may do this.")


@transaction.atomic
def organization_create(*, actor, **fields) -> Organization:
    """Create an organization; the creator becomes its administrator.
    Side effects: membership row, audit event."""
    sectors = fields.get("sectors", [])
    org = Organization()
    _apply_profile(org, fields)
    org.save()
    org.sectors.set(sectors)
    Membership.objects.create(user=actor, organization=org, role=Membership.Role.ADMIN)
    audit_record(
        actor=actor, action="organization.created", obj=org, data={"legal_name": org.legal_name}
    )
    return org


@transaction.atomic
def organization_update(*, actor, organization_id: int, **fields) -> Organization:
    """Change the profile (admins only). Side effects: audit event naming the fields."""
    org = lock(Organization, organization_id)
    _require_admin(actor, org.pk)
    _apply_profile(org, fields)
    org.save()
    if "sectors" in fields:
        org.sectors.set(fields["sectors"])
    audit_record(
        actor=actor, action="organization.updated", obj=org, data={"fields": sorted(fields)}
    )
    return org


def invitation_token(*, organization_id: int, email: str, role: str) -> str:
    return signing.dumps(
        {"org": organization_id, "email": email.lower(), "role": role},
        salt=INVITATION_SALT,
        compress=True,
    )


def invitation_read(token: str) -> dict:
    """The invitation a token carries; raises InvalidState if forged or expired."""
    try:
        return signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvalidState("This invitation has expired; ask for a new one.") from exc
    except signing.BadSignature as exc:
        raise InvalidState("This invitation link is not valid.") from exc


@transaction.atomic
def member_invite(
    *, actor, organization_id: int, email: str, role: str = Membership.Role.MEMBER
) -> str:
    """Invite someone by email (admins only). Side effects: audit event, an outbox
    row with a signed link that expires after settings.INVITATION_MAX_AGE."""
    org = lock(Organization, organization_id)
    _require_admin(actor, org.pk)
    email = email.strip().lower()
    role = Membership.Role(role)
    if org.memberships.filter(user__email=email).exists():
        raise InvalidState(f"{email} is already a member of {org}.")
    token = invitation_token(organization_id=org.pk, email=email, role=role)
    event = audit_record(
        actor=actor,
        action="organization.member_invited",
        obj=org,
        data={"email": email, "role": role},
    )
    path = f"/apply/invitations/{token}/"
    notification_enqueue(
        template_key="organization_invitation",
        recipients=[email],
        context={
            "organization": org.legal_name,
            "inviter": actor.display_name,
            "role_label": Membership.Role(role).label,
            "url_path": path,
            "url": f"{settings.BASE_URL}{path}",
        },
        event_key=f"audit{event.pk}",
    )
    return token


@transaction.atomic
def invitation_accept(*, actor, token: str) -> Membership:
    """Join the organization the invitation names. The signed-in user's email must be
    the invited one and verified. Side effects: membership row, audit event.
    Accepting twice is harmless."""
    invitation = invitation_read(token)
    if actor.email.lower() != invitation["email"]:
        raise NotPermitted(
            f"This invitation is for {invitation['email']}; sign in with that address."
        )
    if actor.email_verified_at is None:
        raise NotPermitted("Verify your email address before joining an organization.")
    org = lock(Organization, invitation["org"])
    membership, created = Membership.objects.get_or_create(
        user=actor, organization=org, defaults={"role": invitation["role"]}
    )
    if created:
        audit_record(
            actor=actor,
            action="organization.member_joined",
            obj=org,
            data={"membership_id": membership.pk, "role": membership.role},
        )
    return membership


def _other_admins(membership: Membership) -> bool:
    return (
        membership.organization.memberships.filter(role=Membership.Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def member_change_role(*, actor, organization_id: int, membership_id: int, role: str) -> Membership:
    """Make a member an admin or the reverse (admins only; an organization always keeps
    one admin). Side effects: audit event."""
    lock(Organization, organization_id)
    _require_admin(actor, organization_id)
    membership = Membership.objects.select_for_update().get(
        pk=membership_id, organization_id=organization_id
    )
    before = membership.role
    role = Membership.Role(role)
    if before == Membership.Role.ADMIN and role != before and not _other_admins(membership):
        raise InvalidState("The organization needs at least one administrator.")
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="organization.member_role_changed",
        obj=membership.organization,
        before=before,
        after=role,
        data={"membership_id": membership.pk},
    )
    return membership


@transaction.atomic
def member_remove(*, actor, organization_id: int, membership_id: int) -> None:
    """Remove a member (admins only; the last admin cannot be removed).
    Side effects: audit event."""
    lock(Organization, organization_id)
    _require_admin(actor, organization_id)
    membership = Membership.objects.select_for_update().get(
        pk=membership_id, organization_id=organization_id
    )
    if membership.role == Membership.Role.ADMIN and not _other_admins(membership):
        raise InvalidState("The organization needs at least one administrator.")
    audit_record(
        actor=actor,
        action="organization.member_removed",
        obj=membership.organization,
        before=membership.role,
        data={"membership_id": membership.pk, "user_id": membership.user_id},
    )
    membership.delete()
