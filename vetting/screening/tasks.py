"""Background screening work. Tasks take ids and call services."""

from celery import shared_task

from vetting.clearances.models import Clearance, ClearanceState

from . import domains, rescreen


@shared_task(acks_late=True, time_limit=600, soft_time_limit=570)
def rescreen_cleared_organizations(version_id: int) -> int:
    """Re-screen every active clearance's organization and people after a list import.
    Each clearance is its own transaction and idempotent per version."""
    ids = list(Clearance.objects.filter(state=ClearanceState.ACTIVE).values_list("pk", flat=True))
    for clearance_id in ids:
        rescreen.clearance_rescreen(clearance_id=clearance_id, version_id=version_id)
    return len(ids)


@shared_task(time_limit=300, soft_time_limit=270)
def recheck_verified_domains() -> int:
    """Periodic: resolve every verified domain's challenge again; a record that is gone
    un-verifies the domain. Side effects: those of domain_challenge_check."""
    return domains.recheck_verified_domains()
