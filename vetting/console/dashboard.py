"""What the console's index shows. A fixed number of queries whatever the data size:
each panel is one aggregate or one LIMITed, index-ordered query."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from vetting.applications.conflicts import conflicted
from vetting.applications.models import REVIEW_STATE, Application, ReviewDecision, State
from vetting.clearances.models import Clearance, ClearanceState
from vetting.gated_models.models import GatedModel

from .deadlines import deadline_cutoff
from .queue import ORDER, reader_steps, waiting_for

PANEL_ROWS = 10
EXPIRY_WINDOW_DAYS = 30


def step_queues(now):
    """Per review step (and information requested): waiting, oldest, past deadline."""
    cutoff = deadline_cutoff(now)
    states = [*REVIEW_STATE.values(), State.INFORMATION_REQUESTED]
    rows = {
        row["state"]: row
        for row in (
            Application.objects.filter(state__in=states)
            .order_by()
            .values("state")
            .annotate(
                waiting=Count("id"),
                oldest=Min("state_changed_at"),
                overdue=Count("id", filter=Q(state_changed_at__lt=cutoff)),
            )
        )
    }
    result = []
    for state in states:
        row = rows.get(state, {})
        result.append(
            {
                "state": state,
                "label": State(state).label,
                "waiting": row.get("waiting", 0),
                "oldest": row.get("oldest"),
                "overdue": row.get("overdue", 0),
            }
        )
    return result


def my_queue(user):
    """Applications waiting at a step this user may decide now: their role's step,
    none that the decision rules refuse them (vetting.applications.conflicts: their
    own organization's, one they touched or decided another step of, one they
    recused themselves from). Each step's part is console.queue.step_queue."""
    condition = Q()
    for step in reader_steps(user):
        condition |= waiting_for(user, step)
    if not condition:
        return None
    return list(
        Application.objects.filter(condition)
        .exclude(conflicted(user))
        .select_related("organization", "gated_model")
        .order_by(*ORDER)[:PANEL_ROWS]
    )


def recent_decisions():
    return list(
        ReviewDecision.objects.select_related("application__organization", "reviewer").order_by(
            "-decided_at", "-id"
        )[:PANEL_ROWS]
    )


def expiring_clearances(now):
    return list(
        Clearance.objects.filter(
            state=ClearanceState.ACTIVE, expires_at__lte=now + timedelta(days=EXPIRY_WINDOW_DAYS)
        )
        .select_related("organization", "gated_model")
        .order_by("expires_at")[:PANEL_ROWS]
    )


def gated_models():
    return list(
        GatedModel.objects.annotate(
            active=Count("clearances", filter=Q(clearances__state=ClearanceState.ACTIVE)),
            suspended_clearances=Count(
                "clearances", filter=Q(clearances__state=ClearanceState.SUSPENDED)
            ),
        ).order_by("name")
    )


def background_work(user):
    """Per outbox table (emails, webhook deliveries, jobs): pending, overdue, held
    past a lease, dead-lettered; and what the last consistency sweep found. For
    those who may see the jobs (officers, auditors, operators)."""
    if not user.has_perm("outbox.view_job"):
        return None
    from vetting.console.related_links import may_view
    from vetting.notifications.delivery import EMAILS
    from vetting.outbox.models import ConsistencyReport
    from vetting.outbox.services import JOBS
    from vetting.webhooks.delivery import DELIVERIES

    queues = []
    for queue in (EMAILS, DELIVERIES, JOBS):
        meta = queue.model._meta
        readable = may_view(queue.model)  # the linked list's own check
        url = f"admin:{meta.app_label}_{meta.model_name}_changelist" if readable else None
        queues.append({"name": queue.name, "changelist": url, **queue.counts()})
    return {"queues": queues, "last_sweep": ConsistencyReport.objects.first()}


def workers():
    """Whether a Celery worker has been heard from (vetting.outbox.heartbeat): every
    staff member is told when none is, since then no email or webhook leaves."""
    from vetting.outbox.heartbeat import workers_status

    return workers_status()


def dashboard_context(user) -> dict:
    now = timezone.now()
    return {
        "dashboard": {
            "deadline_days": settings.REVIEW_DEADLINE_BUSINESS_DAYS,
            "steps": step_queues(now),
            "my_queue": my_queue(user),
            "recent_decisions": recent_decisions(),
            "expiring": expiring_clearances(now),
            "expiry_window": EXPIRY_WINDOW_DAYS,
            "gated_models": gated_models(),
            "background": background_work(user),
            "workers": workers(),
        },
    }
