"""Moving an application to its next required review step.

Steps the gated model does not require are skipped automatically; each skip is
a recorded system decision.
"""

from django.utils import timezone

from vetting.audit.services import audit_record
from vetting.core import run_transition
from vetting.gated_models.models import STEP_ORDER, ReviewStep

from . import notify
from .models import REVIEW_STATE, ReviewDecision, State


def next_required_state(application, after_step: str | None) -> tuple[State, list[ReviewStep]]:
    """The state after ``after_step`` (or the first step) and the steps skipped on the way."""
    start = 0 if after_step is None else STEP_ORDER.index(ReviewStep(after_step)) + 1
    skipped = []
    for step in STEP_ORDER[start:]:
        if application.gated_model.requires(step):
            return REVIEW_STATE[step], skipped
        skipped.append(step)
    return State.APPROVED, skipped


def record_skips(application, skipped) -> None:
    now = timezone.now()
    for step in skipped:
        decision = ReviewDecision.objects.create(
            application=application,
            step=step,
            reviewer=None,
            outcome=ReviewDecision.Outcome.SKIPPED,
            decided_at=now,
            rationale=f"{application.gated_model.name} does not require this step.",
        )
        audit_record(
            actor=None,
            action="application.step_skipped",
            obj=application,
            before=application.state,
            after=application.state,
            data={"step": step, "decision_id": decision.pk},
        )


def save_state(application, *extra_fields) -> None:
    """Save a state change, with the model's policy version it was made under."""
    application.state_changed_at = timezone.now()
    application.policy_version = application.gated_model.policy_version
    fields = ["state", "state_changed_at", "updated_at", "policy_version", *extra_fields]
    if application.is_terminal:
        application.closed_at = application.state_changed_at
        fields.append("closed_at")
    application.save(update_fields=fields)


def advance_to_first_step(application) -> None:
    next_state, skipped = next_required_state(application, None)
    record_skips(application, skipped)
    run_transition(application, "start_review", next_state)
    save_state(application)
    event = audit_record(
        actor=None,
        action="application.review_started",
        obj=application,
        before=State.SUBMITTED,
        after=application.state,
    )
    notify.notify_step_reviewers(application, application.current_step, event)
