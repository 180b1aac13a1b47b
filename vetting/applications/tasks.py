"""Background work on applications. Tasks take ids and call services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def start_review(application_id: int) -> None:
    """Idempotent (the service leaves an application no longer submitted alone),
    so late acknowledgement is safe."""
    services.application_start_review(application_id=application_id)
