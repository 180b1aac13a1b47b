"""The applications' background jobs and consistency check, registered with the outbox."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vetting.outbox.models import Job
from vetting.outbox.registry import consistency_check, job
from vetting.outbox.services import job_enqueue

from .models import Application, State

START_REVIEW = "applications.start_review"


@job(START_REVIEW, max_attempts=8, time_limit=120, retry_base_seconds=15)
def start_review(*, application_id: int) -> None:
    """Screen the organization and declared people (restricted-party lists, deny
    list), then start the review. Both steps leave an application no longer
    submitted alone, so running twice is harmless."""
    from vetting.screening.services import application_screen

    from .services import application_start_review

    application_screen(application_id=application_id)
    application_start_review(application_id=application_id)


def _submission(application: Application) -> str:
    """One submission of one application (it may be submitted again after a return)."""
    return f"{application.pk}:{application.submitted_at.timestamp():.6f}"


def start_review_enqueue(application: Application) -> None:
    """In the submit's transaction: the job that screens and starts the review."""
    job_enqueue(START_REVIEW, key=_submission(application), application_id=application.pk)


@consistency_check("applications.left_submitted")
def left_submitted() -> int:
    """Applications still ``submitted`` ``OUTBOX_STUCK_AFTER_SECONDS`` after submission.
    One without a start job (lost before this outbox, or its row deleted) gets one
    queued; one whose job is pending is the outbox sweep's to re-dispatch; one whose
    job is dead waits for an officer to re-drive it in the console (re-driving it
    here would loop on a job that fails every time). Returns how many were found."""
    cutoff = timezone.now() - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    stuck = Application.objects.filter(state=State.SUBMITTED, submitted_at__lt=cutoff)
    found = 0
    for application in stuck.only("pk", "submitted_at").iterator():
        found += 1
        key = f"{START_REVIEW}:{_submission(application)}"
        if not Job.objects.filter(dedupe_key=key).exists():
            with transaction.atomic():
                start_review_enqueue(application)
    return found
