"""Re-screening a cleared organization when a new list version arrives."""

from django.conf import settings
from django.db import transaction

from vetting.accounts.roles import Role, users_with_role
from vetting.audit.services import audit_record
from vetting.clearances.models import Clearance, ClearanceState
from vetting.core import lock
from vetting.notifications.services import notification_enqueue

from .lists import current_index
from .models import ScreeningHit, ScreeningRun
from .services import SCREENING_HIT, run_screening, screening_subjects


def clearance_rescreen(*, clearance_id: int, version_id: int) -> ScreeningRun | None:
    """Screen a cleared organization and the people its application declared against
    the current lists. A hit not seen before (not already found a false positive)
    suspends the clearance (reason screening_hit, actor None) and tells the clearance
    officers. Idempotent per list version.
    Side effects: run and hits, audit event; suspension and outbox rows on a new hit."""
    current_index()  # built outside the transaction
    return _clearance_rescreen(clearance_id, version_id)


@transaction.atomic
def _clearance_rescreen(clearance_id: int, version_id: int) -> ScreeningRun | None:
    from vetting.clearances.services import clearance_suspend

    clearance = lock(Clearance, clearance_id)
    if clearance.state != ClearanceState.ACTIVE:
        return None
    if clearance.screening_runs.filter(versions__pk=version_id).exists():
        return None
    run = ScreeningRun.objects.create(
        organization=clearance.organization,
        clearance=clearance,
        application=clearance.application,
        trigger=ScreeningRun.Trigger.RESCREEN,
        threshold=settings.SCREENING_THRESHOLD,
    )
    personnel = clearance.application.personnel.all()
    hits = run_screening(run, list(screening_subjects(clearance.organization, personnel)))
    cleared = set(
        ScreeningHit.objects.filter(
            run__organization=clearance.organization, status=ScreeningHit.Status.FALSE_POSITIVE
        ).values_list("subject_name", "entry__record_id")
    )
    new = [h for h in hits if (h.subject_name, h.entry.record_id) not in cleared]
    event = audit_record(
        actor=None,
        action="screening.clearance_rescreened",
        obj=clearance,
        data={"run_id": run.pk, "hits": len(hits), "new_hits": len(new)},
    )
    if new:
        clearance_suspend(
            actor=None,
            clearance_id=clearance.pk,
            reason=SCREENING_HIT,
            applicant_reason="Access is paused while a routine check is reviewed.",
        )
        notification_enqueue(
            template_key="screening_hit",
            recipients=users_with_role(Role.CLEARANCE_OFFICER),
            context={
                "clearance_id": clearance.pk,
                "serial": clearance.serial,
                "organization": clearance.organization.legal_name,
                "hits": len(new),
                "url_path": "/admin/screening/screeninghit/?queue=rescreen",
            },
            event_key=f"audit{event.pk}",
        )
    return run
