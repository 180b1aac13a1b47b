"""Reviewer-side services: pass, request information, reject, approve, deny.

Rules enforced here (asked of vetting.permissions, whose decision rule lives in
``conflicts``):
- each step is decided by someone holding that step's role;
- separation of duties over history (see ``conflicts``): nobody who was a member
  of the applicant organization since the application began, touched the
  application, or decided another of its steps;
- each decision carries the reviewer's "no conflict of interest" attestation;
- two reviewers acting at once: the row lock makes the second one see the
  first one's decision ("already decided by X at T").
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vetting import permissions
from vetting.audit.models import AuditEvent
from vetting.audit.services import audit_record
from vetting.core import lock, run_transition
from vetting.errors import AlreadyDecided, InvalidState, NotPermitted
from vetting.gated_models.models import ReviewStep
from vetting.permissions import Action

from . import notify
from .models import REVIEW_STATE, Application, InformationRequest, Recusal, ReviewDecision, State
from .progress import next_required_state, record_skips, save_state

Outcome = ReviewDecision.Outcome


def reviewer_refusal(actor, application, step) -> str | None:
    """Why ``actor`` may not decide ``step`` of ``application`` (None if they may),
    as vetting.permissions answers it. The admin shows this text instead of
    silently hiding a button."""
    return permissions.refusal(actor, Action.APPLICATION_DECIDE, (application, ReviewStep(step)))


def _lock_at_step(*, actor, application_id: int, step: str, no_conflict: bool) -> Application:
    if actor is not None and not no_conflict:
        raise ValidationError(
            {"no_conflict": "Attest that you have no conflict of interest before deciding."}
        )
    application = lock(Application, application_id)
    if application.state != REVIEW_STATE[ReviewStep(step)]:
        last = (
            application.decisions.filter(step=step, reviewer__isnull=False)
            .select_related("reviewer")
            .order_by("decided_at", "id")
            .last()
        )
        if last is not None:
            raise AlreadyDecided(
                f"This step was already decided by {last.reviewer.display_name} at "
                f"{last.decided_at:%Y-%m-%d %H:%M:%S} UTC ({last.get_outcome_display().lower()})."
            )
        raise InvalidState(
            f"{application.number} is not waiting for the {ReviewStep(step).label.lower()} "
            f"step; it is {application.get_state_display().lower()}."
        )
    refusal = reviewer_refusal(actor, application, step)
    if refusal:
        raise NotPermitted(refusal)
    return application


def _decide(application, *, actor, step, outcome, rationale="", message="") -> ReviewDecision:
    return ReviewDecision.objects.create(
        application=application,
        step=step,
        reviewer=actor,
        outcome=outcome,
        rationale=rationale,
        message_to_applicant=message,
        decided_at=timezone.now(),
        no_conflict_attested=actor is not None,
        policy_version=application.gated_model.policy_version,
    )


def _audit_decision(application, *, actor, action: str, before: str, decision) -> AuditEvent:
    """The audit event of a reviewer's decision: the state change and which decision made it."""
    return audit_record(
        actor=actor,
        action=action,
        obj=application,
        before=before,
        after=application.state,
        data={"step": decision.step, "decision_id": decision.pk},
    )


def _require_text(field: str, value: str, what: str) -> None:
    if not value or not value.strip():
        raise ValidationError({field: f"{what} is required."})


def _require_no_export_control_blockers(application) -> None:
    """Screening hits awaiting adjudication and foreign persons without a valid export
    authorization keep the export-control step from passing (vetting.screening)."""
    from vetting.screening.checks import export_control_blockers

    blockers = export_control_blockers(application)
    if blockers:
        raise InvalidState("The export-control step cannot pass yet: " + "; ".join(blockers))


UNVERIFIED_DOMAIN = (
    "{domain} is not verified by its DNS record. Say in the rationale how you "
    "confirmed that the organization controls it, or ask the applicant to verify it."
)


def _require_domain_proof_or_rationale(application, rationale: str) -> None:
    """The sector step passes on a verified web domain (the DNS proof the applicant
    publishes), or on a rationale saying how the reviewer confirmed it another way."""
    from vetting.screening.domains import domain_status

    verified, _ = domain_status(application.organization)
    if not verified and not rationale.strip():
        message = UNVERIFIED_DOMAIN.format(domain=application.organization.domain)
        raise ValidationError({"rationale": message}, code="domain_unverified")


@transaction.atomic
def application_pass_step(
    *, actor, application_id: int, step: str, rationale: str = "", no_conflict: bool = False
) -> Application:
    """Pass the export-control or sector step; the application moves to the next
    required step (skipping the others), or is approved if none is left.
    Side effects: decision, audit event, emails to the applicant and the next
    step's reviewers; a clearance when this approves the application."""
    if ReviewStep(step) == ReviewStep.GOVERNMENT:
        raise InvalidState("The government step is decided by approving or denying.")
    application = _lock_at_step(
        actor=actor, application_id=application_id, step=step, no_conflict=no_conflict
    )
    if ReviewStep(step) == ReviewStep.EXPORT_CONTROL:
        _require_no_export_control_blockers(application)
    if ReviewStep(step) == ReviewStep.SECTOR:
        _require_domain_proof_or_rationale(application, rationale)
    before = application.state
    decision = _decide(
        application, actor=actor, step=step, outcome=Outcome.PASSED, rationale=rationale
    )
    next_state, skipped = next_required_state(application, step)
    record_skips(application, skipped)
    transition = "pass_export_control" if step == ReviewStep.EXPORT_CONTROL else "pass_sector"
    run_transition(application, transition, next_state)
    if next_state == State.APPROVED:
        return _finish_approval(application, actor=actor, before=before, decision=decision)
    save_state(application)
    event = _audit_decision(
        application, actor=actor, action="application.step_passed", before=before, decision=decision
    )
    notify.notify_applicant(
        application, "step_passed", event, step=step, step_label=ReviewStep(step).label
    )
    notify.notify_step_reviewers(application, application.current_step, event)
    return application


@transaction.atomic
def application_approve(
    *, actor, application_id: int, rationale: str = "", no_conflict: bool = False
) -> Application:
    """Government sign-off: approve and issue the clearance in this transaction.
    Refused if the model's cap on active clearances would be exceeded."""
    application = _lock_at_step(
        actor=actor,
        application_id=application_id,
        step=ReviewStep.GOVERNMENT,
        no_conflict=no_conflict,
    )
    before = application.state
    decision = _decide(
        application,
        actor=actor,
        step=ReviewStep.GOVERNMENT,
        outcome=Outcome.APPROVED,
        rationale=rationale,
    )
    run_transition(application, "approve")
    return _finish_approval(application, actor=actor, before=before, decision=decision)


def _finish_approval(application, *, actor, before, decision) -> Application:
    from vetting.clearances.services import clearance_issue

    save_state(application)
    event = _audit_decision(
        application, actor=actor, action="application.approved", before=before, decision=decision
    )
    clearance = clearance_issue(application=application, actor=actor)
    notify.notify_applicant(
        application,
        "application_approved",
        event,
        clearance_serial=clearance.serial,
        conditions=clearance.conditions,
        expires_at=clearance.expires_at.isoformat(),
        seats=clearance.seats,
        url_path=f"/apply/clearances/{clearance.pk}/",  # the clearance's own page
    )
    return application


@transaction.atomic
def application_request_information(
    *,
    actor,
    application_id: int,
    step: str,
    question: str,
    rationale: str = "",
    no_conflict: bool = False,
) -> Application:
    """Ask the applicant a question; their answer returns the application to ``step``.
    Side effects: decision, information request, audit event, email to the applicant."""
    _require_text("question", question, "The question for the applicant")
    application = _lock_at_step(
        actor=actor, application_id=application_id, step=step, no_conflict=no_conflict
    )
    before = application.state
    decision = _decide(
        application,
        actor=actor,
        step=step,
        outcome=Outcome.INFORMATION_REQUESTED,
        rationale=rationale,
        message=question,
    )
    InformationRequest.objects.create(
        application=application,
        step=step,
        question=question,
        asked_by=actor,
        asked_at=decision.decided_at,
    )
    run_transition(application, "request_information", step)
    save_state(application, "information_requested_step")
    event = _audit_decision(
        application,
        actor=actor,
        action="application.information_requested",
        before=before,
        decision=decision,
    )
    notify.notify_applicant(
        application,
        "information_requested",
        event,
        question=question,
        step=step,
        step_label=ReviewStep(step).label,
    )
    return application


@transaction.atomic
def application_reject(
    *,
    actor,
    application_id: int,
    step: str,
    rationale: str,
    message_to_applicant: str = "",
    no_conflict: bool = False,
) -> Application:
    """Reject at the export-control or sector step (the government step denies).
    Side effects: decision, audit event, email with the reason for the applicant."""
    if ReviewStep(step) == ReviewStep.GOVERNMENT:
        return application_deny(
            actor=actor,
            application_id=application_id,
            rationale=rationale,
            message_to_applicant=message_to_applicant,
            no_conflict=no_conflict,
        )
    return _close_negative(
        actor=actor,
        application_id=application_id,
        step=step,
        rationale=rationale,
        message=message_to_applicant,
        outcome=Outcome.REJECTED,
        transition="reject",
        no_conflict=no_conflict,
    )


@transaction.atomic
def application_deny(
    *,
    actor,
    application_id: int,
    rationale: str,
    message_to_applicant: str = "",
    no_conflict: bool = False,
) -> Application:
    """Government denial. Side effects as for rejection."""
    return _close_negative(
        actor=actor,
        application_id=application_id,
        step=ReviewStep.GOVERNMENT,
        rationale=rationale,
        message=message_to_applicant,
        outcome=Outcome.DENIED,
        transition="deny",
        no_conflict=no_conflict,
    )


def _close_negative(
    *, actor, application_id, step, rationale, message, outcome, transition, no_conflict
):
    _require_text("rationale", rationale, "A rationale")
    application = _lock_at_step(
        actor=actor, application_id=application_id, step=step, no_conflict=no_conflict
    )
    before = application.state
    decision = _decide(
        application, actor=actor, step=step, outcome=outcome, rationale=rationale, message=message
    )
    run_transition(application, transition)
    save_state(application)
    event = _audit_decision(
        application, actor=actor, action=f"application.{outcome}", before=before, decision=decision
    )
    notify.notify_applicant(
        application,
        "application_rejected",
        event,
        reason=message or "The reviewers did not give a reason.",
    )
    return application


@transaction.atomic
def application_recuse(*, actor, application_id: int, reason: str = "") -> Recusal:
    """Step aside from an application: the reviewer may decide none of its steps from
    now on, and it leaves their queue. Side effects: audit event."""
    application = lock(Application, application_id)
    permissions.require(actor, Action.APPLICATION_RECUSE, application)
    recusal, created = Recusal.objects.get_or_create(
        application=application,
        reviewer=actor,
        defaults={"reason": reason.strip(), "recused_at": timezone.now()},
    )
    if not created:
        raise InvalidState("You have already recused yourself from this application.")
    audit_record(
        actor=actor,
        action="application.reviewer_recused",
        obj=application,
        data={"recusal_id": recusal.pk, "reason": recusal.reason},
    )
    return recusal
