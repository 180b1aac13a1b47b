"""Separation of duties over history: who may decide a step of an application.

A person may not decide any step of an application if, since it was created, they
were ever a member of the applicant organization, or they ever created, edited,
attested, submitted or answered for it, or acted for the organization (invited,
removed or re-roled its members, edited its profile, joined it) since then, or
decided another step of it, or recused themselves from it. History is read from
the records that cannot be rewritten quietly: the audit trail (append-only,
hash-chained), the decisions and the recusals, plus current membership.

``decision_refusal`` is the rule's one home; vetting.permissions asks it for
``Action.APPLICATION_DECIDE``, and the review services, the console's buttons and
queue all go through that.
"""

from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast

from vetting.accounts.roles import has_role
from vetting.audit.models import AuditEvent
from vetting.gated_models.models import ReviewStep
from vetting.organizations.selectors import is_member

from .models import Recusal, ReviewDecision
from .notify import STEP_ROLE

# What the applicant side records on an application (actor = the applicant).
APPLICANT_ACTIONS = [
    "application.created",
    "application.draft_saved",
    "application.personnel_saved",
    "application.personnel_removed",
    "application.submitted",
    "application.information_provided",
    "application.withdrawn",
    "evidence.uploaded",
    "evidence.removed",
]
APPLICATION_TYPE = "applications.application"
ORGANIZATION_TYPE = "organizations.organization"


def _touched_application(actor, application) -> bool:
    if actor.pk in (application.created_by_id, application.attested_by_id):
        return True
    return AuditEvent.objects.filter(
        object_type=APPLICATION_TYPE,
        object_id=str(application.pk),
        actor=actor,
        action__in=APPLICANT_ACTIONS,
    ).exists()


def _organization_history(actor, application) -> bool:
    """Acted for the organization, or was removed from it, since the application began."""
    return (
        AuditEvent.objects.filter(
            object_type=ORGANIZATION_TYPE,
            object_id=str(application.organization_id),
            occurred_at__gte=application.created_at,
        )
        .filter(Q(actor=actor) | Q(action="organization.member_removed", data__user_id=actor.pk))
        .exists()
    )


def conflict(actor, application, step) -> str | None:
    """The conflict-of-interest rule that keeps ``actor`` from deciding ``step``."""
    org = application.organization
    if is_member(actor, application.organization_id):
        return f"You are a member of {org}, the applicant, so you cannot review its application."
    if _touched_application(actor, application):
        return (
            "You created, edited, attested or submitted this application, so you cannot review it."
        )
    if _organization_history(actor, application):
        return (
            f"You were a member of {org} or acted for it (invited, removed or changed its "
            "members, or edited its profile) since this application was created, so you "
            "cannot review it."
        )
    earlier = (
        ReviewDecision.objects.filter(application=application, reviewer=actor)
        .exclude(step=step)
        .order_by("decided_at")
        .first()
    )
    if earlier is not None:
        return (
            f"You decided the {earlier.get_step_display().lower()} step of this "
            "application, so someone else must decide this one."
        )
    if Recusal.objects.filter(application=application, reviewer=actor).exists():
        return "You recused yourself from this application."
    return None


def decision_refusal(actor, application, step) -> str | None:
    """Why ``actor`` may not decide ``step`` of ``application`` (None if they may):
    the step's role first, then the conflict-of-interest rules."""
    step = ReviewStep(step)
    role = STEP_ROLE[step]
    if not has_role(actor, role):
        article = "an" if role.value[0].lower() in "aeiou" else "a"
        return f"Only {article} {role.value.lower()} may decide the {step.label.lower()} step."
    return conflict(actor, application, step)


def conflicted(actor) -> Q:
    """The same rules as ``conflict`` (but for deciding another step), as one SQL
    condition on applications, for lists such as a reviewer's queue: true for the
    applications ``actor`` may not review."""
    application_id = Cast(OuterRef("pk"), CharField())
    touched = AuditEvent.objects.filter(
        object_type=APPLICATION_TYPE,
        object_id=application_id,
        actor=actor,
        action__in=APPLICANT_ACTIONS,
    )
    history = AuditEvent.objects.filter(
        object_type=ORGANIZATION_TYPE,
        object_id=Cast(OuterRef("organization_id"), CharField()),
        occurred_at__gte=OuterRef("created_at"),
    ).filter(Q(actor=actor) | Q(action="organization.member_removed", data__user_id=actor.pk))
    recused = Recusal.objects.filter(application=OuterRef("pk"), reviewer=actor)
    return (
        Q(organization__memberships__user=actor)
        | Q(created_by=actor)
        | Q(attested_by=actor)
        | Q(Exists(touched))
        | Q(Exists(history))
        | Q(Exists(recused))
    )
