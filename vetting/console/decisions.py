"""Reviewer decisions offered on an application's page, and the forms that take them.

Which buttons appear is asked of the foundation (``reviewer_refusal``); what
happens is done by the review services, which check everything again.
"""

from dataclasses import dataclass

from django import forms

from vetting import permissions
from vetting.applications import review
from vetting.applications.models import STEP_OF_STATE, Application
from vetting.gated_models.models import ReviewStep
from vetting.permissions import Action


@dataclass(frozen=True)
class Decision:
    key: str
    label: str
    rationale_required: bool
    asks_question: bool = False
    negative: bool = False


PASS = Decision("pass", "Pass this step", rationale_required=False)
APPROVE = Decision("approve", "Approve and issue the clearance", rationale_required=False)
REQUEST_INFO = Decision(
    "request_information", "Request information", rationale_required=False, asks_question=True
)
REJECT = Decision("reject", "Reject", rationale_required=True, negative=True)
DENY = Decision("deny", "Deny", rationale_required=True, negative=True)
DECISIONS = {d.key: d for d in (PASS, APPROVE, REQUEST_INFO, REJECT, DENY)}


def decisions_for_step(step: str) -> list[Decision]:
    if ReviewStep(step) == ReviewStep.GOVERNMENT:
        return [APPROVE, REQUEST_INFO, DENY]
    return [PASS, REQUEST_INFO, REJECT]


def decision_panel(user, application: Application) -> dict:
    """The buttons for ``user`` now, or the reason there are none."""
    step = STEP_OF_STATE.get(application.state)
    if step is None:
        return {"step": None, "decisions": [], "refusal": None}
    refusal = review.reviewer_refusal(user, application, step)
    recused = application.recusals.filter(reviewer=user).exists()
    return {
        "step": ReviewStep(step),
        "decisions": [] if refusal else decisions_for_step(step),
        "refusal": refusal,
        "all_decisions": decisions_for_step(step),
        "may_recuse": not recused and permissions.allowed(user, Action.APPLICATION_RECUSE),
    }


class DecisionForm(forms.Form):
    question = forms.CharField(
        label="Question for the applicant",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The applicant sees exactly this text and answers it in the portal.",
    )
    rationale = forms.CharField(
        label="Rationale (internal record)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Kept in the record; never shown to the applicant.",
    )
    message_to_applicant = forms.CharField(
        label="Message to the applicant",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The reason the applicant is told.",
    )
    no_conflict = forms.BooleanField(
        label="I have no conflict of interest with this organization or application",
        error_messages={
            "required": "Attest that you have no conflict of interest before deciding."
        },
        help_text="Recorded with your decision. If you have one, recuse yourself instead.",
    )
    step = forms.ChoiceField(
        choices=ReviewStep.choices,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "step: %(value)s is not a review step."},
    )

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision
        if not decision.asks_question:
            del self.fields["question"]
        else:
            self.fields["question"].required = True
        if not decision.negative:
            del self.fields["message_to_applicant"]
        if decision.rationale_required:
            self.fields["rationale"].required = True
            self.fields["rationale"].error_messages["required"] = (
                "A rationale is required for this decision."
            )


def apply_decision(*, actor, application_id: int, decision: Decision, data: dict):
    """Call the review service for ``decision``; DomainError and ValidationError
    propagate to the view, which shows their message."""
    step = data["step"]
    rationale = data.get("rationale", "")
    attested = {"no_conflict": data["no_conflict"]}
    if decision is PASS:
        return review.application_pass_step(
            **attested, actor=actor, application_id=application_id, step=step, rationale=rationale
        )
    if decision is APPROVE:
        return review.application_approve(
            **attested, actor=actor, application_id=application_id, rationale=rationale
        )
    if decision is REQUEST_INFO:
        return review.application_request_information(
            **attested,
            actor=actor,
            application_id=application_id,
            step=step,
            question=data["question"],
            rationale=rationale,
        )
    if decision is REJECT:
        return review.application_reject(
            **attested,
            actor=actor,
            application_id=application_id,
            step=step,
            rationale=rationale,
            message_to_applicant=data.get("message_to_applicant", ""),
        )
    return review.application_deny(
        **attested,
        actor=actor,
        application_id=application_id,
        rationale=rationale,
        message_to_applicant=data.get("message_to_applicant", ""),
    )
