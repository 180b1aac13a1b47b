"""The read-only case file shown on an application's admin page."""

from django.urls import NoReverseMatch, reverse

from vetting import permissions
from vetting.audit.models import AuditEvent
from vetting.permissions import Action


def may_see_citizenship(user) -> bool:
    """Export-control reviewers and auditors, nobody else (vetting.permissions)."""
    return permissions.allowed(user, Action.SENSITIVE_PERSONAL_DATA)


def _evidence(application):
    rows = []
    manager = getattr(application, "evidence", None)
    if manager is None:
        return rows
    for item in manager.all():
        try:
            url = reverse("portal:evidence_download", args=[item.pk])
        except NoReverseMatch:
            url = ""
        rows.append({"item": item, "url": url})
    return rows


def _screening(application):
    runs = getattr(application, "screening_runs", None)
    if runs is None:
        return []
    return list(runs.prefetch_related("hits").order_by("-id")[:5])


def _screening_hits_url(user, application) -> str:
    """The screening console's hit list narrowed to this application, for those who
    may open it."""
    if not user.has_perm("screening.view_screeninghit"):
        return ""
    try:
        base = reverse("admin:screening_screeninghit_changelist")
    except NoReverseMatch:
        return ""
    return f"{base}?run__application__id__exact={application.pk}"


def case_file(user, application) -> dict:
    """Everything a reviewer reads before deciding, in a fixed number of queries."""
    audit = AuditEvent.objects.filter(
        object_type=application._meta.label_lower, object_id=str(application.pk)
    ).order_by("id")
    return {
        "show_citizenship": may_see_citizenship(user),
        "personnel": list(application.personnel.all()),
        "decisions": list(application.decisions.select_related("reviewer")),
        "information_requests": list(
            application.information_requests.select_related("asked_by", "responded_by")
        ),
        "evidence": _evidence(application),
        "screening_runs": _screening(application),
        "screening_hits_url": _screening_hits_url(user, application),
        "audit_events": list(audit),
        "clearance": getattr(application, "clearance", None)
        if application.state == "approved"
        else None,
    }
