"""Scheduled work on applications."""

from celery import shared_task

from . import digests


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def send_review_deadline_digest() -> int:
    """Daily: one email per reviewer listing applications past the review deadline
    at their step. Side effects: outbox rows (deduplicated per reviewer and day)."""
    return digests.review_deadline_digest_enqueue()
