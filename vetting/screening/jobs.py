"""Screening's background jobs and consistency check, registered with the outbox."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vetting.clearances.models import Clearance, ClearanceState
from vetting.outbox.models import Job
from vetting.outbox.registry import consistency_check, job
from vetting.outbox.services import job_enqueue

from .models import ListVersion

RESCREEN = "screening.rescreen_cleared"


@job(RESCREEN, max_attempts=8, time_limit=600, retry_base_seconds=60)
def rescreen_cleared(*, version_id: int) -> int:
    """Re-screen every active clearance's organization and people after a list import.
    Each clearance is its own transaction and idempotent per version, so a retry
    after a failure half-way only does the rest."""
    from . import rescreen

    ids = list(Clearance.objects.filter(state=ClearanceState.ACTIVE).values_list("pk", flat=True))
    for clearance_id in ids:
        rescreen.clearance_rescreen(clearance_id=clearance_id, version_id=version_id)
    return len(ids)


def rescreen_enqueue(version: ListVersion) -> None:
    """In the import's transaction: the job that re-screens the cleared organizations."""
    job_enqueue(RESCREEN, key=str(version.pk), version_id=version.pk)


@consistency_check("screening.list_not_rescreened")
def list_not_rescreened() -> int:
    """The newest list version, imported ``OUTBOX_STUCK_AFTER_SECONDS`` ago or more,
    whose re-screening has not finished (older versions are superseded: re-screening
    always uses the newest lists). Without a job row one is queued; a pending one is
    the outbox sweep's, a dead one an officer's. Returns 1 when found, else 0."""
    newest = ListVersion.objects.order_by("-imported_at", "-id").first()
    cutoff = timezone.now() - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    if newest is None or newest.imported_at > cutoff:
        return 0
    job = Job.objects.filter(dedupe_key=f"{RESCREEN}:{newest.pk}").first()
    if job is not None and job.status == Job.Status.DONE:
        return 0
    if job is None:
        with transaction.atomic():
            rescreen_enqueue(newest)
    return 1
