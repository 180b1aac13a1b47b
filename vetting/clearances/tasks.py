"""Scheduled work on clearances. Tasks take ids (or nothing) and call services."""

from celery import shared_task
from django.utils import timezone

from .models import Clearance, ClearanceState
from .services import clearance_expire


@shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
def expire_due_clearances() -> int:
    """Every few minutes: expire each active clearance past its expiry, one
    transaction per clearance (``clearance_expire``: audit event, email, webhook).
    Idempotent, also when two runs overlap: the service locks the row and leaves
    a clearance that is no longer active alone. Returns how many this run expired."""
    due = (
        Clearance.objects.filter(
            state=ClearanceState.ACTIVE,
            expires_at__lte=timezone.now(),
        )
        .order_by("expires_at")
        .values_list("pk", flat=True)
    )
    return sum(clearance_expire(clearance_id=pk) is not None for pk in list(due))


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def send_expiry_reminders() -> None:
    """Daily: queue today's expiry-reminder job (``reminders.expiry_reminders``)."""
    from vetting.outbox.services import periodic_enqueue

    from .reminders import EXPIRY_REMINDERS

    periodic_enqueue(EXPIRY_REMINDERS)
