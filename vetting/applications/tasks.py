"""Background work on applications. Tasks take ids and call services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def start_review(application_id: int) -> None:
    """Screen the organization and declared people first (restricted-party lists,
    deny list), then start the review. Both steps are idempotent (they leave an
    application no longer submitted alone), so late acknowledgement is safe."""
    from vetting.screening.services import application_screen

    application_screen(application_id=application_id)
    services.application_start_review(application_id=application_id)
