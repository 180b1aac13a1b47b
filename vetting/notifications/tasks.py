"""Background work on the outbox. Tasks take ids and call the delivery functions.

Delivery and the sweeps are idempotent (claims are conditional updates, outbox
rows have dedupe keys), so they acknowledge late: a task lost with its worker
runs again instead of vanishing.
"""

from collections import Counter

from celery import shared_task
from django.conf import settings

from . import delivery
from .services import dispatch


@shared_task(
    acks_late=True,
    time_limit=settings.NOTIFICATION_SEND_TIME_LIMIT,
    soft_time_limit=max(settings.NOTIFICATION_SEND_TIME_LIMIT - 5, 1),
)
def deliver_notification(notification_id: int) -> str:
    """Send one outbox row (see ``delivery.notification_deliver`` for side effects)."""
    return delivery.notification_deliver(notification_id=notification_id)


@shared_task(
    acks_late=True,
    time_limit=settings.NOTIFICATION_SEND_TIME_LIMIT,
    soft_time_limit=max(settings.NOTIFICATION_SEND_TIME_LIMIT - 5, 1),
)
def deliver_notifications(notification_ids: list[int]) -> dict:
    """Send a batch of outbox rows over one SMTP connection
    (``delivery.notifications_deliver``); returns how many had each outcome."""
    outcomes = delivery.notifications_deliver(ids=notification_ids)
    return dict(Counter(outcomes.values()))


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def sweep_outbox() -> dict:
    """Every minute: recover abandoned claims and re-dispatch overdue pending rows.
    Side effects: row status updates, delivery tasks."""
    result = delivery.outbox_sweep()
    dispatch(result["due"])
    return {
        "failed": result["failed"],
        "recovered": result["recovered"],
        "dispatched": len(result["due"]),
    }
