"""Background webhook delivery. Tasks take ids; both are idempotent (conditional
claims), so they acknowledge late."""

from collections import Counter

from celery import shared_task

from . import delivery
from .services import dispatch


@shared_task(
    acks_late=True, time_limit=delivery.TIME_LIMIT, soft_time_limit=delivery.TIME_LIMIT - 10
)
def deliver_webhook(delivery_id: str) -> str:
    """POST one delivery (side effects in ``delivery.webhook_deliver``)."""
    return delivery.webhook_deliver(delivery_id=delivery_id)


@shared_task(
    acks_late=True, time_limit=delivery.TIME_LIMIT, soft_time_limit=delivery.TIME_LIMIT - 10
)
def deliver_webhooks(delivery_ids: list[str]) -> dict:
    """POST a batch of deliveries (``delivery.webhooks_deliver``); returns how many
    had each outcome."""
    return dict(Counter(delivery.webhooks_deliver(ids=delivery_ids).values()))


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def sweep_webhooks() -> int:
    """Every minute: recover abandoned claims, re-dispatch overdue deliveries
    (retries whose task was lost). Side effects: status updates, delivery tasks."""
    due = delivery.webhooks_sweep()
    dispatch(due)
    return len(due)
