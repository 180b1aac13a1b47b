"""The read-only case file shown on an application's admin page."""

from django.urls import NoReverseMatch, reverse

from vetting import permissions
from vetting.audit.models import AuditEvent
from vetting.evidence.selectors import may_read
from vetting.permissions import Action
from vetting.portal.scoping import may_download_evidence
from vetting.screening.checks import sector_checklist
from vetting.screening.models import ScreeningHit

from .related_links import may_view

UNVERIFIED_EVIDENCE_NOTE = (
    "Files are downloaded from the portal, which first asks for a verified email "
    "address; yours is not verified yet."
)


def may_see_citizenship(user) -> bool:
    """Export-control reviewers and auditors, nobody else (vetting.permissions)."""
    return permissions.allowed(user, Action.SENSITIVE_PERSONAL_DATA)


def _evidence(user, application) -> tuple[list, str]:
    """The files, each linked to its download only where the download view would serve
    it to ``user`` (otherwise the name is shown as text, with why). The rule reads the
    application's organization, the same for every file of it: asked once."""
    manager = getattr(application, "evidence", None)
    items = list(manager.all()) if manager is not None else []
    if items and may_download_evidence(user, items[0]):
        url = "portal:evidence_download"
        return [{"item": item, "url": reverse(url, args=[item.pk])} for item in items], ""
    note = ""
    if items and may_read(user, items[0]):  # allowed, but the portal wants a verified email
        note = UNVERIFIED_EVIDENCE_NOTE
    return [{"item": item, "url": ""} for item in items], note


def _screening(application):
    runs = getattr(application, "screening_runs", None)
    if runs is None:
        return []
    return list(runs.prefetch_related("hits").order_by("-id")[:5])


def _screening_hits_url(application) -> str:
    """The screening console's hit list narrowed to this application, for those whom
    its admin lets open it."""
    if not may_view(ScreeningHit):
        return ""
    try:
        base = reverse("admin:screening_screeninghit_changelist")
    except NoReverseMatch:
        return ""
    return f"{base}?run__application__id__exact={application.pk}"


def case_file(user, application) -> dict:
    """Everything a reviewer reads before deciding, in a fixed number of queries."""
    evidence, evidence_note = _evidence(user, application)
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
        "evidence": evidence,
        "evidence_note": evidence_note,
        "screening_runs": _screening(application),
        "screening_hits_url": _screening_hits_url(application),
        "checklist": sector_checklist(application),
        "audit_events": list(audit),
        "clearance": getattr(application, "clearance", None)
        if application.state == "approved"
        else None,
    }
