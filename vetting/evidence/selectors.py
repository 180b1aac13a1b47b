"""Who may read an evidence file: asked of vetting.permissions."""

from vetting import permissions
from vetting.permissions import Action

from .models import Evidence


def may_read(user, evidence: Evidence) -> bool:
    """Members of the applicant organization and reviewers/auditors; nobody else."""
    return permissions.allowed(user, Action.EVIDENCE_READ, evidence)


def evidence_for_reader(user, evidence_id: int) -> Evidence | None:
    evidence = Evidence.objects.select_related("application").filter(pk=evidence_id).first()
    if evidence is None or not may_read(user, evidence):
        return None
    return evidence
