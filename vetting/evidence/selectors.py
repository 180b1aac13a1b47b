"""Who may read an evidence file."""

from vetting.accounts.roles import Role, has_role
from vetting.organizations.selectors import is_member

from .models import Evidence

READER_ROLES = [
    Role.EXPORT_CONTROL_REVIEWER,
    Role.SECTOR_REVIEWER,
    Role.GOVERNMENT_OFFICIAL,
    Role.CLEARANCE_OFFICER,
    Role.AUDITOR,
]


def may_read(user, evidence: Evidence) -> bool:
    """Members of the applicant organization and reviewers/auditors; nobody else."""
    if is_member(user, evidence.application.organization_id):
        return True
    return any(has_role(user, role) for role in READER_ROLES)


def evidence_for_reader(user, evidence_id: int) -> Evidence | None:
    evidence = Evidence.objects.select_related("application").filter(pk=evidence_id).first()
    if evidence is None or not may_read(user, evidence):
        return None
    return evidence
