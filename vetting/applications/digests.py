"""The daily review-deadline digest: one email per reviewer listing the applications
waiting at their step past the deadline. Outbox rows are deduplicated per reviewer
and day, so running the job twice queues nothing more.
"""

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vetting.accounts.roles import users_with_role
from vetting.console.deadlines import deadline_cutoff
from vetting.notifications.services import notification_enqueue
from vetting.outbox.registry import job

from .models import REVIEW_STATE, Application
from .notify import STEP_ROLE

DEADLINE_DIGEST = "applications.review_deadline_digest"


@job(DEADLINE_DIGEST, beat_entry="review-deadline-digest", time_limit=600)
def deadline_digest() -> int:
    """The daily outbox job: one email per reviewer listing the applications past the
    review deadline at their step (queued by beat; by the consistency sweep if beat
    missed a day)."""
    return review_deadline_digest_enqueue()


def overdue_by_step(now) -> dict[str, list]:
    cutoff = deadline_cutoff(now)
    state_step = {state: step for step, state in REVIEW_STATE.items()}
    overdue = defaultdict(list)
    apps = (
        Application.objects.filter(state__in=state_step, state_changed_at__lt=cutoff)
        .select_related("organization", "gated_model")
        .order_by("state_changed_at")
    )
    for app in apps:
        overdue[state_step[app.state]].append(app)
    return overdue


def review_deadline_digest_enqueue(*, now=None) -> int:
    """One email per reviewer listing every application waiting at their step past
    the deadline (``REVIEW_DEADLINE_BUSINESS_DAYS``), minus their own organization's.
    Returns the number of reviewers written to. Side effects: outbox rows."""
    now = now or timezone.now()
    items = defaultdict(list)
    reviewers = {}
    for step, apps in overdue_by_step(now).items():
        for reviewer in users_with_role(STEP_ROLE[step]).prefetch_related("organizations"):
            reviewers[reviewer.pk] = reviewer
            own = {org.pk for org in reviewer.organizations.all()}
            items[reviewer.pk] += [
                _digest_item(app, step, now) for app in apps if app.organization_id not in own
            ]
    count = 0
    for pk, entries in items.items():
        if not entries:
            continue
        with transaction.atomic():
            notification_enqueue(
                template_key="review_deadline_digest",
                recipients=[reviewers[pk]],
                context={
                    "items": entries,
                    "count": len(entries),
                    "deadline_days": settings.REVIEW_DEADLINE_BUSINESS_DAYS,
                    "url_path": "/admin/applications/application/",
                },
                event_key=f"digest{now:%Y%m%d}",
            )
        count += 1
    return count


def _digest_item(app, step, now) -> dict:
    return {
        "number": app.number,
        "organization": app.organization.legal_name,
        "gated_model": app.gated_model.name,
        "step_label": step.label,
        "waiting_days": (now - app.state_changed_at).days,
        "url_path": f"/admin/applications/application/{app.pk}/change/",
    }
