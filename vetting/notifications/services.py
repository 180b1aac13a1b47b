"""Writing outbox rows, resending failed ones and saving email preferences.

Delivery (``delivery.py``) reads the rows after commit.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vetting import permissions
from vetting.audit.services import audit_record
from vetting.errors import InvalidState
from vetting.permissions import Action

from .kinds import PREFERENCE_LABELS, preference_for
from .models import EmailPreference, Notification

log = logging.getLogger(__name__)


def _opted_out(template_key: str, users: list) -> set[int]:
    """Ids of ``users`` who switched this (optional) kind of email off."""
    field = preference_for(template_key)
    if field is None or not users:
        return set()
    return set(
        EmailPreference.objects.filter(user__in=users, **{field: False}).values_list(
            "user_id", flat=True
        )
    )


def notification_enqueue(*, template_key: str, recipients, context: dict, event_key: str):
    """Write one outbox row per distinct recipient (a user or an email address).

    ``event_key`` names the event that caused the message (e.g. the audit event id);
    with the template and recipient it forms the dedupe key, so replaying the same
    event never queues a second copy. Context must hold no citizenship data or
    internal notes: it is what the email may show. Users who switched an optional
    kind off get no row. Side effect: after commit, one delivery task per new row
    (a broker outage then only delays delivery: the sweeper re-dispatches).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notifications are written in the transaction that causes them")
    recipients = list(recipients)
    muted = _opted_out(template_key, [r for r in recipients if not isinstance(r, str)])
    rows = []
    seen = set()
    for recipient in recipients:
        email = recipient if isinstance(recipient, str) else recipient.email
        email = email.lower()
        if not email or email in seen:
            continue
        seen.add(email)
        user = None if isinstance(recipient, str) else recipient
        if user is not None and user.pk in muted:
            continue
        rows.append(
            Notification(
                recipient_email=email,
                recipient=user,
                template_key=template_key,
                context=context,
                dedupe_key=f"{template_key}:{event_key}:{email}"[:255],
            )
        )
    created = Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        # bulk_create with ignore_conflicts sets no primary keys: read them back.
        ids = list(
            Notification.objects.filter(
                dedupe_key__in=[row.dedupe_key for row in rows],
                status=Notification.Status.PENDING,
                attempts=0,
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: dispatch(ids), robust=True)
    return created


def dispatch(ids) -> None:
    """Queue delivery tasks of up to NOTIFICATION_BATCH_SIZE rows each; stop at the
    first broker error (the sweeper picks up the rest, so a broker outage costs one
    timeout, not one per batch)."""
    from .tasks import deliver_notifications

    ids = list(ids)
    size = max(settings.NOTIFICATION_BATCH_SIZE, 1)
    for start in range(0, len(ids), size):
        try:
            deliver_notifications.delay(ids[start : start + size])
        except Exception:  # kombu raises several types for "broker unreachable"
            log.warning(
                "broker unreachable; %d notification(s) left to the sweeper",
                len(ids) - start,
                exc_info=True,
            )
            return


@transaction.atomic
def notification_resend(*, actor, notification_id: int) -> Notification:
    """Put a failed notification back in the queue (staff, from the admin).
    Side effects: audit event; after commit, a delivery task."""
    permissions.require(actor, Action.NOTIFICATION_RESEND)
    row = Notification.objects.select_for_update().get(pk=notification_id)
    if row.status != Notification.Status.FAILED:
        raise InvalidState(f"Only failed notifications can be resent; this one is {row.status}.")
    row.status = Notification.Status.PENDING
    row.attempts = 0
    row.next_attempt_at = timezone.now()
    row.claimed_at = None
    row.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_at"])
    audit_record(
        actor=actor,
        action="notification.resent",
        obj=row,
        data={"template_key": row.template_key, "last_error": row.last_error[:500]},
    )
    transaction.on_commit(lambda: dispatch([row.pk]), robust=True)
    return row


@transaction.atomic
def email_preferences_update(*, user, **choices: bool) -> EmailPreference:
    """Save which optional emails ``user`` receives (fields of PREFERENCE_LABELS)."""
    unknown = set(choices) - set(PREFERENCE_LABELS)
    if unknown:
        raise ValueError(f"Not email preferences: {sorted(unknown)}")
    pref, _ = EmailPreference.objects.select_for_update().get_or_create(user=user)
    for name, value in choices.items():
        setattr(pref, name, bool(value))
    pref.save()
    return pref
