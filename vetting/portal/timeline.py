"""What the applicant may see of an application's history.

Public state names only; never a reviewer's identity or internal rationale.
"""

from dataclasses import dataclass
from datetime import datetime

from vetting.applications.models import Application, ReviewDecision, State

OUTCOME_TEXT = {
    ReviewDecision.Outcome.PASSED: "completed",
    ReviewDecision.Outcome.APPROVED: "completed: approved",
    ReviewDecision.Outcome.INFORMATION_REQUESTED: "asked you for information",
    ReviewDecision.Outcome.REJECTED: "completed: not approved",
    ReviewDecision.Outcome.DENIED: "completed: not approved",
    ReviewDecision.Outcome.SKIPPED: "not required for this model",
}

NEXT_STEP = {
    State.DRAFT: (
        "you",
        "Finish the form and submit it. An administrator of your organization submits.",
    ),
    State.SUBMITTED: ("us", "We are starting the review; this usually takes minutes."),
    State.EXPORT_CONTROL_REVIEW: (
        "us",
        "An export-control reviewer checks the people you "
        "declared. You will get an email when this step ends.",
    ),
    State.SECTOR_REVIEW: (
        "us",
        "A sector reviewer verifies your critical-infrastructure claim, identifiers and evidence.",
    ),
    State.GOVERNMENT_REVIEW: ("us", "A government official gives the final sign-off."),
    State.INFORMATION_REQUESTED: (
        "you",
        "A reviewer asked a question. Answer it below; the review continues once you do.",
    ),
    State.APPROVED: (None, "Your clearance is issued. See Clearances for its conditions."),
    State.REJECTED: (None, "The application was not approved. You may apply again."),
    State.WITHDRAWN: (None, "The application was withdrawn. You may apply again."),
}


@dataclass
class Entry:
    at: datetime
    title: str
    detail: str = ""


def application_timeline(application: Application) -> list[Entry]:
    entries = [Entry(application.created_at, "Draft started")]
    if application.submitted_at:
        entries.append(Entry(application.submitted_at, "Submitted"))
    for decision in application.decisions.all():
        if decision.outcome == ReviewDecision.Outcome.INFORMATION_REQUESTED:
            continue  # shown below with the question and the answer
        title = f"{decision.get_step_display()} {OUTCOME_TEXT[decision.outcome]}"
        entries.append(Entry(decision.decided_at, title, decision.message_to_applicant))
    for request in application.information_requests.all():
        entries.append(Entry(request.asked_at, "Question from the reviewers", request.question))
        if request.responded_at:
            entries.append(Entry(request.responded_at, "You answered", request.response))
    if application.state == State.WITHDRAWN and application.closed_at:
        entries.append(Entry(application.closed_at, "Withdrawn"))
    return sorted(entries, key=lambda e: e.at)
