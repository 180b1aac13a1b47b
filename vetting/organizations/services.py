"""Organization services: profile, members and invitations.

Each runs in one transaction: it locks the row, checks who may act, writes,
records an audit event and, for invitations, an outbox row. Views call these.

Invitations are stored rows (see models.Invitation): single use, expiring,
revocable. The signed links of the earlier scheme (django.core.signing) are no
longer accepted; they are answered "This invitation link is not valid."
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vetting.audit.services import audit_record
from vetting.core import lock
from vetting.errors import InvalidState, NotPermitted
from vetting.notifications.services import notification_enqueue
from vetting.permissions import Action, require

from .models import Invitation, Membership, Organization

PROFILE_FIELDS = ["legal_name", "uei", "ein", "cage", "domain", "country", "kind"]
# secrets.token_urlsafe(32) is 43 characters of the URL-safe base64 alphabet.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def _apply_profile(org: Organization, fields: dict) -> None:
    unknown = set(fields) - {*PROFILE_FIELDS, "sectors"}
    if unknown:
        raise ValueError(f"Not organization fields: {sorted(unknown)}")
    for name, value in fields.items():
        if name != "sectors":
            setattr(org, name, value)
    org.full_clean()


def _require_admin(actor, organization_id: int) -> None:
    require(actor, Action.ORGANIZATION_ADMINISTER, organization_id)


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


def _new_token() -> tuple[str, str]:
    """A fresh raw token and its stored hash (the raw token is never stored; 256
    random bits, so a collision, which the unique index would refuse, never comes)."""
    token = secrets.token_urlsafe(32)
    return token, Invitation.hash_token(token)


_REFUSALS = {
    Invitation.State.ACCEPTED: "This invitation was already used; each link works only once.",
    Invitation.State.REVOKED: (
        "This invitation was revoked; ask an administrator of the organization for a new one."
    ),
    Invitation.State.EXPIRED: "This invitation has expired; ask for a new one.",
}
NOT_VALID = "This invitation link is not valid."


def _find(token, *, for_update: bool = False) -> Invitation:
    """The invitation a raw token names, whatever its state; InvalidState if none.
    Anything that is not shaped like one of our tokens (a signed link of the old
    scheme, a very long or odd string) is refused before touching the database."""
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        raise InvalidState(NOT_VALID)
    rows = Invitation.objects.select_related("organization", "invited_by")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    try:
        return rows.get(token_hash=Invitation.hash_token(token))
    except Invitation.DoesNotExist as exc:
        raise InvalidState(NOT_VALID) from exc


def _require_pending(invitation: Invitation) -> None:
    state = invitation.state
    if state != Invitation.State.PENDING:
        raise InvalidState(_REFUSALS[state])


def invitation_read(token: str) -> Invitation:
    """The pending invitation a raw token names. Raises InvalidState, with the reason,
    if the token is unknown or forged, or the invitation was used, revoked or expired."""
    invitation = _find(token)
    _require_pending(invitation)
    return invitation


def _pending(organization_id: int, **filters):
    return Invitation.objects.select_for_update().filter(
        Invitation.pending_q(), organization_id=organization_id, **filters
    )


def _revoke_rows(rows, actor) -> list[int]:
    ids = sorted(rows.values_list("pk", flat=True))
    if ids:
        Invitation.objects.filter(pk__in=ids).update(revoked_at=timezone.now(), revoked_by=actor)
    return ids


@transaction.atomic
def organization_require_mfa(*, actor, organization_id: int, required: bool) -> Organization:
    """Require (or stop requiring) two-step sign-in of the members before they submit
    or manage members (admins only; vetting.permissions). Turning it on needs the
    admin's own session verified with a second factor, so nobody requires what they
    have not set up. Side effect: audit event."""
    from vetting.accounts.mfa import session_verified

    org = lock(Organization, organization_id)
    _require_admin(actor, org.pk)
    if required and not session_verified(actor):
        raise NotPermitted(
            "Sign in with a passkey or an authenticator app yourself (Sign-in security) "
            "before requiring two-step sign-in of your members."
        )
    if org.require_mfa != required:
        org.require_mfa = required
        org.save(update_fields=["require_mfa"])
        audit_record(
            actor=actor, action="organization.mfa_required", obj=org, data={"required": required}
        )
    return org


@transaction.atomic
def member_invite(
    *, actor, organization_id: int, email: str, role: str = Membership.Role.MEMBER
) -> str:
    """Invite someone by email (admins only) and return the raw token of the link.

    Inviting an address that already has a pending invitation revokes that one and
    issues a new one (its link stops working), so an admin can resend a lost email
    or change the role. Side effects: an Invitation row (expiring after
    settings.INVITATION_MAX_AGE seconds), an audit event, an outbox row with the link
    ``/apply/invitations/<token>/``."""
    org = lock(Organization, organization_id)
    _require_admin(actor, org.pk)
    email = email.strip().lower()
    role = Membership.Role(role)
    if org.memberships.filter(user__email__iexact=email).exists():
        raise InvalidState(f"{email} is already a member of {org}.")
    replaced = _revoke_rows(_pending(org.pk, email=email), actor)
    token, token_hash = _new_token()
    now = timezone.now()
    invitation = Invitation.objects.create(
        organization=org,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by=actor,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.INVITATION_MAX_AGE),
    )
    event = audit_record(
        actor=actor,
        action="organization.member_invited",
        obj=org,
        data={
            "email": email,
            "role": role,
            "invitation_id": invitation.pk,
            "replaced_invitation_ids": replaced,
        },
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
    """Join the organization the invitation names, with the invitation's role.

    The invitation must be pending (each link works once); the signed-in user's email
    must be the invited one and verified. Side effects: membership row, the
    invitation marked accepted, audit event."""
    organization_id = _find(token).organization_id
    org = lock(Organization, organization_id)  # the same order as member_remove
    invitation = _find(token, for_update=True)
    _require_pending(invitation)
    if actor.email.lower() != invitation.email:
        raise NotPermitted(f"This invitation is for {invitation.email}; sign in with that address.")
    if actor.email_verified_at is None:
        raise NotPermitted("Verify your email address before joining an organization.")
    if org.memberships.filter(user=actor).exists():
        raise InvalidState(f"You are already a member of {org}.")
    membership = Membership.objects.create(user=actor, organization=org, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=actor,
        action="organization.member_joined",
        obj=org,
        data={
            "membership_id": membership.pk,
            "role": membership.role,
            "invitation_id": invitation.pk,
        },
    )
    return membership


@transaction.atomic
def invitation_revoke(*, actor, organization_id: int, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation (admins only); its link stops working at once.
    Side effects: audit event."""
    org = lock(Organization, organization_id)
    _require_admin(actor, org.pk)
    try:
        invitation = Invitation.objects.select_for_update().get(
            pk=invitation_id, organization_id=org.pk
        )
    except Invitation.DoesNotExist as exc:
        raise InvalidState(f"{org} has no invitation {invitation_id}.") from exc
    state = invitation.state
    if state != Invitation.State.PENDING:
        raise InvalidState(f"Cannot revoke: the invitation is {state.label.lower()}.")
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action="organization.invitation_revoked",
        obj=org,
        data={"invitation_id": invitation.pk, "email": invitation.email},
    )
    return invitation


def _other_admins(membership: Membership) -> bool:
    return (
        membership.organization.memberships.filter(role=Membership.Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def member_change_role(*, actor, organization_id: int, membership_id: int, role: str) -> Membership:
    """Make a member an admin or the reverse (admins only; an organization always keeps
    one admin). A demoted admin's pending invitations are revoked at once (only an
    admin may invite). Side effects: audit event."""
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
    revoked = []
    if role != Membership.Role.ADMIN:
        revoked = _revoke_rows(_pending(organization_id).filter(invited_by=membership.user), actor)
    audit_record(
        actor=actor,
        action="organization.member_role_changed",
        obj=membership.organization,
        before=before,
        after=role,
        data={"membership_id": membership.pk, "revoked_invitation_ids": revoked},
    )
    return membership


@transaction.atomic
def member_remove(*, actor, organization_id: int, membership_id: int) -> None:
    """Remove a member (admins only; the last admin cannot be removed). At once, every
    pending invitation of this organization to the removed person's address, and
    every one they sent, is revoked. Side effects: audit event (listing the revoked
    invitation ids)."""
    lock(Organization, organization_id)
    _require_admin(actor, organization_id)
    membership = Membership.objects.select_for_update().get(
        pk=membership_id, organization_id=organization_id
    )
    if membership.role == Membership.Role.ADMIN and not _other_admins(membership):
        raise InvalidState("The organization needs at least one administrator.")
    removed = membership.user
    revoked = _revoke_rows(
        _pending(organization_id).filter(
            Q(email=removed.email.strip().lower()) | Q(invited_by=removed)
        ),
        actor,
    )
    audit_record(
        actor=actor,
        action="organization.member_removed",
        obj=membership.organization,
        before=membership.role,
        data={
            "membership_id": membership.pk,
            "user_id": membership.user_id,
            "revoked_invitation_ids": revoked,
        },
    )
    membership.delete()
