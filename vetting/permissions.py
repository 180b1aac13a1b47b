"""Who may do what: the one permission policy.

Every entry point asks this module, and nothing decides a permission by hand
elsewhere: the services (the enforcement point: ``require`` raises NotPermitted
with the reason), the admin (``has_*_permission``, actions, custom views), the
portal views, the API (``key_refusal`` for a machine key's kind) and every check
path. A rule is a function ``(actor, obj) -> reason | None``: ``None`` allows, a
reason refuses and is the text the person is shown.

Roles are Django groups (vetting.accounts.roles); superusers get no review powers
from being superusers, only the operator's tasks named below.
"""

from collections.abc import Callable
from enum import StrEnum

from vetting.accounts.roles import Role, has_role
from vetting.errors import NotPermitted


class Action(StrEnum):
    # applicant side (obj: an organization id, or an application)
    ORGANIZATION_READ = "organization.read"
    ORGANIZATION_ADMINISTER = "organization.administer"
    APPLICATION_EDIT = "application.edit"
    APPLICATION_SUBMIT = "application.submit"
    # reviewer side
    APPLICATION_DECIDE = "application.decide"  # obj: (application, step)
    APPLICATION_RECUSE = "application.recuse"  # obj: application
    SCREENING_ADJUDICATE = "screening.adjudicate"  # obj: hit
    SCREENING_LIST_IMPORT = "screening.list_import"
    DENY_LIST_ADD = "screening.deny_list_add"
    SENSITIVE_PERSONAL_DATA = "personnel.sensitive_read"
    EVIDENCE_READ = "evidence.read"  # obj: evidence
    # clearances and models
    CLEARANCE_CHANGE_STATE = "clearance.change_state"
    MODEL_TIGHTEN = "gated_model.tighten"  # emergency: suspend, close
    POLICY_PROPOSE = "gated_model.policy_propose"
    POLICY_DECIDE = "gated_model.policy_decide"  # obj: policy change
    # operations and oversight
    GATEWAY_KEY_MANAGE = "gateway_key.manage"
    NOTIFICATION_RESEND = "notification.resend"
    WEBHOOK_REDELIVER = "webhook.redeliver"
    OUTBOX_REDRIVE = "outbox.redrive"  # a dead-lettered background job
    PARTNER_LIST_EXPORT = "partner_list.export"
    AUDIT_READ = "audit.read"


def _article(text: str) -> str:
    return "an" if text[0].lower() in "aeiou" else "a"


def _one_of(*roles: Role, operator: bool = False, what: str):
    """A rule allowing holders of any of ``roles`` (and superusers if ``operator``)."""
    names = " or ".join(f"{_article(r.value)} {r.value.lower()}" for r in roles)
    if operator:
        names += " or an operator (superuser)"

    def rule(actor, obj=None):
        if operator and _active(actor) and actor.is_superuser:
            return None
        if any(has_role(actor, role) for role in roles):
            return None
        return f"Only {names} may {what}."

    return rule


def _active(actor) -> bool:
    return actor is not None and actor.is_authenticated and actor.is_active


def _organization_id(obj) -> int:
    return getattr(obj, "organization_id", None) or getattr(obj, "pk", None) or obj


def _member(actor, obj=None):
    from vetting.organizations.selectors import is_member

    if _active(actor) and is_member(actor, _organization_id(obj)):
        return None
    return "Only a member of the organization may do this."


def _org_admin(actor, obj=None):
    from vetting.organizations.selectors import is_admin

    if _active(actor) and is_admin(actor, _organization_id(obj)):
        return None
    return "Only an administrator of the organization may do this."


MFA_REQUIRED = (
    "Your organization requires two-step sign-in: add a passkey or an authenticator app "
    "under Sign-in security, and sign in with it, to do this."
)


def _with_mfa_if_required(rule):
    """``rule``, and where the organization requires two-step sign-in, a session
    verified with a second factor (vetting.accounts.mfa)."""

    def checked(actor, obj=None):
        from vetting.accounts.mfa import session_verified
        from vetting.organizations.models import Organization

        reason = rule(actor, obj)
        if reason is None and not session_verified(actor):
            rows = Organization.objects.filter(pk=_organization_id(obj), require_mfa=True)
            if rows.exists():
                return MFA_REQUIRED
        return reason

    return checked


def _decide(actor, obj):
    application, step = obj
    from vetting.applications.conflicts import decision_refusal

    return decision_refusal(actor, application, step)


def _recuse(actor, application):
    from vetting.applications.notify import STEP_ROLE

    if any(has_role(actor, role) for role in STEP_ROLE.values()):
        return None
    return "Only a reviewer may recuse themselves from an application."


def _adjudicate(actor, hit):
    from vetting.organizations.selectors import is_member
    from vetting.screening.models import ScreeningRun

    rescreen = hit.run.trigger == ScreeningRun.Trigger.RESCREEN
    allowed = has_role(actor, Role.EXPORT_CONTROL_REVIEWER) or (
        rescreen and has_role(actor, Role.CLEARANCE_OFFICER)
    )
    if not allowed:
        return "Only an export-control reviewer may adjudicate a screening hit."
    if hit.run.application_id is not None:
        # A hit on an application is part of its export-control step: the same
        # conflict-of-interest rules as deciding that step.
        from vetting.applications.conflicts import conflict

        return conflict(actor, hit.run.application, "export_control")
    if is_member(actor, hit.run.organization_id):
        return "You are a member of the screened organization, so you cannot adjudicate."
    return None


def _evidence(actor, evidence):
    if _member(actor, evidence.application.organization_id) is None:
        return None
    reviewers = (
        Role.EXPORT_CONTROL_REVIEWER,
        Role.SECTOR_REVIEWER,
        Role.GOVERNMENT_OFFICIAL,
        Role.CLEARANCE_OFFICER,
        Role.AUDITOR,
    )
    if any(has_role(actor, role) for role in reviewers):
        return None
    return "Only the applicant organization and its reviewers may read its evidence."


def _policy_decide(actor, change):
    if not has_role(actor, Role.GOVERNMENT_OFFICIAL):
        return "Only a government official may approve or reject a policy change."
    if change is not None and change.proposed_by_id == actor.pk:
        return (
            "You proposed this change; a second government official must approve it "
            "(two-person rule)."
        )
    return None


RULES: dict[Action, Callable] = {
    Action.ORGANIZATION_READ: _member,
    Action.ORGANIZATION_ADMINISTER: _with_mfa_if_required(_org_admin),
    Action.APPLICATION_EDIT: _member,
    Action.APPLICATION_SUBMIT: _with_mfa_if_required(_org_admin),
    Action.APPLICATION_DECIDE: _decide,
    Action.APPLICATION_RECUSE: _recuse,
    Action.SCREENING_ADJUDICATE: _adjudicate,
    Action.SCREENING_LIST_IMPORT: _one_of(
        Role.EXPORT_CONTROL_REVIEWER, Role.CLEARANCE_OFFICER, what="import a screening list"
    ),
    Action.DENY_LIST_ADD: _one_of(
        Role.EXPORT_CONTROL_REVIEWER, Role.CLEARANCE_OFFICER, what="add to the deny list"
    ),
    Action.SENSITIVE_PERSONAL_DATA: _one_of(
        Role.EXPORT_CONTROL_REVIEWER,
        Role.AUDITOR,
        what="read citizenship, US-person status or export authorizations",
    ),
    Action.EVIDENCE_READ: _evidence,
    Action.CLEARANCE_CHANGE_STATE: _one_of(
        Role.CLEARANCE_OFFICER, what="suspend, reinstate or revoke a clearance"
    ),
    Action.MODEL_TIGHTEN: _one_of(
        Role.CLEARANCE_OFFICER, what="suspend a model or close it to new applications"
    ),
    Action.POLICY_PROPOSE: _one_of(
        Role.CLEARANCE_OFFICER, Role.GOVERNMENT_OFFICIAL, what="propose a policy change"
    ),
    Action.POLICY_DECIDE: _policy_decide,
    Action.GATEWAY_KEY_MANAGE: _one_of(
        Role.CLEARANCE_OFFICER, operator=True, what="create or revoke gateway keys"
    ),
    Action.NOTIFICATION_RESEND: _one_of(
        Role.CLEARANCE_OFFICER, operator=True, what="resend notifications"
    ),
    Action.WEBHOOK_REDELIVER: _one_of(
        Role.CLEARANCE_OFFICER, operator=True, what="redeliver webhooks"
    ),
    Action.OUTBOX_REDRIVE: _one_of(
        Role.CLEARANCE_OFFICER, operator=True, what="re-drive failed background jobs"
    ),
    Action.PARTNER_LIST_EXPORT: _one_of(
        Role.CLEARANCE_OFFICER, Role.AUDITOR, operator=True, what="export the partner list"
    ),
    Action.AUDIT_READ: _one_of(Role.AUDITOR, operator=True, what="read the audit trail"),
}


def refusal(actor, action: Action, obj=None) -> str | None:
    """Why ``actor`` may not do ``action`` to ``obj`` (None if they may)."""
    if not _active(actor):
        return "Sign in to do this."
    return RULES[Action(action)](actor, obj)


def allowed(actor, action: Action, obj=None) -> bool:
    return refusal(actor, action, obj) is None


def require(actor, action: Action, obj=None) -> None:
    """Raise NotPermitted with the reason unless ``actor`` may do ``action``."""
    reason = refusal(actor, action, obj)
    if reason is not None:
        raise NotPermitted(reason)


# --- machine keys -------------------------------------------------------------
# Which kind of gateway key each API endpoint answers. Every API path asks
# vetting.api.decision.decide, which asks ``key_refusal`` first.
KEY_ENDPOINTS = {
    "check": "gateway",
    "certificate": "gateway",
    "sync": "gateway",
    "status_list": "gateway",
    "partner_list": "auditor",
    "audit_checkpoints": "auditor",
}


def key_refusal(kind: str, endpoint: str) -> str | None:
    """Why a key of ``kind`` may not use ``endpoint`` (None if it may)."""
    needed = KEY_ENDPOINTS[endpoint]
    article = "an" if needed[0] in "aeiou" else "a"
    return None if kind == needed else f"This endpoint needs {article} {needed} key."
