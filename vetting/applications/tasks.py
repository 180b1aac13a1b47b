"""Scheduled work on applications."""

from celery import shared_task

from vetting.outbox.services import periodic_enqueue

from .digests import DEADLINE_DIGEST


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def send_review_deadline_digest() -> None:
    """Daily: queue today's review-deadline digest job (``digests.deadline_digest``)."""
    periodic_enqueue(DEADLINE_DIGEST)
