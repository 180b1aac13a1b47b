"""Clearance expiry reminders: emails 30, 7 and 1 days before a clearance expires.

Only outbox rows whose dedupe keys name the clearance and reminder are written,
so running the job twice queues nothing more.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from vetting.notifications.services import notification_enqueue
from vetting.outbox.registry import job

from .models import Clearance, ClearanceState
from .services import clearance_context

REMINDER_DAYS = (1, 7, 30)
EXPIRY_REMINDERS = "clearances.expiry_reminders"


@job(EXPIRY_REMINDERS, beat_entry="clearances-expiry-reminders", time_limit=600)
def expiry_reminders() -> int:
    """The daily outbox job: remind organizations of clearances expiring in 30, 7
    and 1 days (queued by beat; by the consistency sweep if beat missed a day)."""
    return expiry_reminders_enqueue()


def expiry_reminders_enqueue(*, now=None) -> int:
    """Queue the reminder due for each active clearance expiring within 30 days:
    the smallest of 30/7/1 days that covers the time left (a job that did not run
    for a week sends the 7-day reminder, not a stale 30-day one too). Returns the
    number of clearances reminded. Side effects: outbox rows."""
    now = now or timezone.now()
    due = Clearance.objects.filter(
        state=ClearanceState.ACTIVE,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=max(REMINDER_DAYS)),
    ).select_related("organization", "gated_model")
    count = 0
    for clearance in due:
        left = clearance.expires_at - now
        days = next(d for d in REMINDER_DAYS if left <= timedelta(days=d))
        with transaction.atomic():
            notification_enqueue(
                template_key="clearance_expiring",
                recipients=clearance.organization.members.filter(is_active=True),
                context=clearance_context(clearance, days=days),
                event_key=f"clearance{clearance.pk}:{clearance.expires_at:%Y%m%d}:{days}d",
            )
        count += 1
    return count
