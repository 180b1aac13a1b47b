"""What a refused service call must leave untouched, captured before and after."""

from vetting.applications.models import Application, ReviewDecision
from vetting.audit.models import AuditEvent
from vetting.clearances.models import Clearance
from vetting.notifications.models import Notification


def snapshot(application_id: int | None = None, clearance_id: int | None = None) -> dict:
    """States of the given rows plus the counts every service adds to."""
    snap = {
        "audit_events": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "decisions": ReviewDecision.objects.count(),
        "clearances": Clearance.objects.count(),
    }
    if application_id is not None:
        app = Application.objects.get(pk=application_id)
        snap["application"] = (app.state, app.information_requested_step, app.state_changed_at)
    if clearance_id is not None:
        clearance = Clearance.objects.get(pk=clearance_id)
        snap["clearance"] = (clearance.state, clearance.state_reason, clearance.state_changed_at)
    return snap


def templates_since(notification_id: int) -> dict[str, set[str]]:
    """Template key -> recipient emails of the outbox rows written after ``notification_id``."""
    rows = Notification.objects.filter(pk__gt=notification_id)
    out: dict[str, set[str]] = {}
    for row in rows:
        out.setdefault(row.template_key, set()).add(row.recipient_email)
    return out


def last_notification_id() -> int:
    last = Notification.objects.order_by("-pk").first()
    return last.pk if last else 0
