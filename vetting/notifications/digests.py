"""Scheduled emails: clearance expiry reminders and the daily review-deadline digest.

Both only write outbox rows whose dedupe keys name the clearance and reminder,
or the reviewer and the day, so running a job twice queues nothing more.
"""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vetting.accounts.roles import users_with_role

from .services import notification_enqueue

REMINDER_DAYS = (1, 7, 30)


def expiry_reminders_enqueue(*, now=None) -> int:
    """Queue the reminder due for each active clearance expiring within 30 days:
    the smallest of 30/7/1 days that covers the time left (a job that did not run
    for a week sends the 7-day reminder, not a stale 30-day one too). Returns the
    number of clearances reminded. Side effects: outbox rows."""
    from vetting.clearances.models import Clearance, ClearanceState
    from vetting.clearances.services import clearance_context

    now = now or timezone.now()
    due = Clearance.objects.filter(
        state=ClearanceState.ACTIVE,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=max(REMINDER_DAYS)),
    ).select_related("organization", "gated_model")
    count = 0
    for clearance in due:
        left = clearance.expires_at - now
        days = next(d for d in REMINDER_DAYS if left <= timedelta(days=d))
        with transaction.atomic():
            notification_enqueue(
                template_key="clearance_expiring",
                recipients=clearance.organization.members.filter(is_active=True),
                context=clearance_context(clearance, days=days),
                event_key=f"clearance{clearance.pk}:{clearance.expires_at:%Y%m%d}:{days}d",
            )
        count += 1
    return count


def overdue_by_step(now) -> dict[str, list]:
    from vetting.applications.models import REVIEW_STATE, Application
    from vetting.console.deadlines import deadline_cutoff

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
    from vetting.applications.notify import STEP_ROLE

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
