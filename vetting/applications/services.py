"""Applicant-side services: drafts, submission, answers, withdrawal, start of review.

Every function runs in one transaction: it locks the row, checks who may act,
moves the state, saves with ``update_fields``, writes the audit event and the
outbox rows. Views, admin, API and tasks call these; nothing else writes state.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vetting import permissions
from vetting.audit.services import audit_record
from vetting.core import lock, run_transition
from vetting.errors import Incomplete, InvalidState, NotPermitted
from vetting.gated_models.models import GatedModel
from vetting.permissions import Action

from . import notify
from .completeness import missing_items, seats_problem
from .models import Application, PersonnelDeclaration, State
from .progress import advance_to_first_step

DRAFT_FIELDS = [
    "sector",
    "use_case",
    "systems_in_scope",
    "requested_seats",
    "terms_accepted",
    "tcp_acknowledged",
    "attested_by_name",
    "attested_by_title",
]


def _require_member(actor, application, *, admin: bool = False) -> None:
    action = Action.APPLICATION_SUBMIT if admin else Action.APPLICATION_EDIT
    reason = permissions.refusal(actor, action, application)
    if reason == permissions.MFA_REQUIRED:
        raise NotPermitted(reason)
    if reason is not None:
        who = "an administrator of" if admin else "a member of"
        raise NotPermitted(f"Only {who} {application.organization} may do this.")


def _require_draft(application) -> None:
    if application.state != State.DRAFT:
        raise InvalidState(
            f"{application.number} is {application.get_state_display().lower()}; "
            "only a draft can be edited."
        )


@transaction.atomic
def application_create_draft(*, actor, organization_id: int, gated_model_id: int) -> Application:
    """Start a draft for an open gated model. Side effects: audit event."""
    if not permissions.allowed(actor, Action.ORGANIZATION_READ, organization_id):
        raise NotPermitted("Only a member of the organization may start an application for it.")
    model = GatedModel.objects.get(pk=gated_model_id)
    if not model.is_open:
        raise InvalidState(f"{model.name} is not open to applications.")
    application = Application.objects.create(
        organization_id=organization_id, gated_model=model, created_by=actor
    )
    audit_record(actor=actor, action="application.created", obj=application, after=State.DRAFT)
    return application


@transaction.atomic
def application_update_draft(*, actor, application_id: int, **fields) -> Application:
    """Save draft fields (any subset of DRAFT_FIELDS). Side effects: audit event."""
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"Not draft fields: {sorted(unknown)}")
    application = lock(Application, application_id)
    _require_member(actor, application)
    _require_draft(application)
    for name, value in fields.items():
        setattr(application, name, value)
    if fields.get("attested_by_name") or fields.get("attested_by_title"):
        application.attested_by = actor
        application.attested_at = timezone.now()
    changed = list(fields)
    if "attested_by_name" in fields or "attested_by_title" in fields:
        changed += ["attested_by", "attested_at"]
    application.full_clean(exclude=["organization", "gated_model", "created_by"])
    if "requested_seats" in fields and seats_problem(application):
        raise ValidationError({"requested_seats": seats_problem(application)})
    application.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        action="application.draft_saved",
        obj=application,
        data={"fields": sorted(fields)},
    )
    return application


@transaction.atomic
def personnel_save(
    *, actor, application_id: int, declaration_id: int | None = None, **fields
) -> PersonnelDeclaration:
    """Add or edit a declared person on a draft. Side effects: audit event (no
    citizenship data in it)."""
    application = lock(Application, application_id)
    _require_member(actor, application)
    _require_draft(application)
    if declaration_id is None:
        person = PersonnelDeclaration(application=application)
    else:
        person = application.personnel.get(pk=declaration_id)
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean(exclude=["application"])
    person.save()
    audit_record(
        actor=actor,
        action="application.personnel_saved",
        obj=application,
        data={"declaration_id": person.pk},
    )
    return person


@transaction.atomic
def personnel_remove(*, actor, application_id: int, declaration_id: int) -> None:
    application = lock(Application, application_id)
    _require_member(actor, application)
    _require_draft(application)
    deleted, _ = application.personnel.filter(pk=declaration_id).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="application.personnel_removed",
            obj=application,
            data={"declaration_id": declaration_id},
        )


@transaction.atomic
def application_delete_draft(*, actor, application_id: int) -> None:
    application = lock(Application, application_id)
    _require_member(actor, application)
    _require_draft(application)
    audit_record(
        actor=actor, action="application.draft_deleted", obj=application, before=State.DRAFT
    )
    application.delete()


@transaction.atomic
def application_submit(*, actor, application_id: int) -> Application:
    """Submit a complete draft. Side effects: audit event, email to the applicant,
    and the outbox job that screens and starts the review (run after commit)."""
    application = lock(Application, application_id)
    _require_member(actor, application, admin=True)
    _require_draft(application)
    missing = missing_items(application)
    if missing:
        raise Incomplete(missing)
    run_transition(application, "submit")
    now = timezone.now()
    application.submitted_at = now
    application.state_changed_at = now
    application.save(update_fields=["state", "submitted_at", "state_changed_at", "updated_at"])
    event = audit_record(
        actor=actor,
        action="application.submitted",
        obj=application,
        before=State.DRAFT,
        after=application.state,
    )
    notify.notify_applicant(application, "application_submitted", event)
    from .jobs import start_review_enqueue

    start_review_enqueue(application)
    return application


@transaction.atomic
def application_start_review(*, application_id: int) -> Application:
    """Move a submitted application to its first required review step (the system
    acts; steps the model does not require are skipped with a recorded decision).
    Side effects: audit event, email to the reviewers of that step. Idempotent:
    an application no longer in ``submitted`` is left alone."""
    application = lock(Application, application_id)
    if application.state != State.SUBMITTED:
        return application
    advance_to_first_step(application)
    return application


@transaction.atomic
def application_respond(*, actor, application_id: int, response: str) -> Application:
    """Answer the open request for information; the application returns to the step
    that asked. Side effects: audit event, email to that step's reviewers."""
    if not response.strip():
        raise ValidationError({"response": "Write an answer to the question."})
    application = lock(Application, application_id)
    _require_member(actor, application)
    request = application.information_requests.filter(responded_at__isnull=True).last()
    before = application.state
    run_transition(application, "respond", describe="answer a request for information")
    now = timezone.now()
    application.state_changed_at = now
    application.save(
        update_fields=["state", "information_requested_step", "state_changed_at", "updated_at"]
    )
    if request is not None:
        request.response, request.responded_by, request.responded_at = response, actor, now
        request.save(update_fields=["response", "responded_by", "responded_at"])
    event = audit_record(
        actor=actor,
        action="application.information_provided",
        obj=application,
        before=before,
        after=application.state,
    )
    notify.notify_step_reviewers(application, application.current_step, event)
    return application


@transaction.atomic
def application_withdraw(*, actor, application_id: int, reason: str = "") -> Application:
    """Withdraw an application that is not yet decided. Side effects: audit event,
    email to the applicant."""
    application = lock(Application, application_id)
    _require_member(actor, application, admin=True)
    before = application.state
    run_transition(application, "withdraw")
    now = timezone.now()
    application.state_changed_at = application.closed_at = now
    application.save(update_fields=["state", "state_changed_at", "closed_at", "updated_at"])
    event = audit_record(
        actor=actor,
        action="application.withdrawn",
        obj=application,
        before=before,
        after=application.state,
        data={"reason": reason},
    )
    notify.notify_applicant(application, "application_withdrawn", event)
    return application
