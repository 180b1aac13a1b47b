"""Every kind of email, keyed by template name, and whether a person may switch it off.

Emails about a person's clearances, decisions on their applications and anything
they must act on are never optional. Keys missing from this table (e.g. account
emails added by other apps) are treated as not optional.
"""

from dataclasses import dataclass

APPLICANT, STAFF = "applicant", "staff"


@dataclass(frozen=True)
class Kind:
    label: str
    preference: str | None = None  # EmailPreference field that can switch it off
    audience: str = APPLICANT  # who receives it: applicants, or reviewers and officials


# EmailPreference field -> what the person sees on the preferences page.
PREFERENCE_LABELS = {
    "application_progress": "Progress of my applications (received, a review step passed, "
    "withdrawal confirmed)",
    "review_queue": "An application is waiting for my review step",
    "review_digest": "Daily digest of reviews past their deadline",
}
PREFERENCE_AUDIENCE = {
    "application_progress": APPLICANT,
    "review_queue": STAFF,
    "review_digest": STAFF,
}

KINDS = {
    "application_submitted": Kind("Application received", "application_progress"),
    "step_passed": Kind("A review step passed", "application_progress"),
    "application_withdrawn": Kind("Application withdrawn", "application_progress"),
    "review_waiting": Kind("Application waiting for review", "review_queue", STAFF),
    "review_deadline_digest": Kind("Reviews past their deadline", "review_digest", STAFF),
    "information_requested": Kind("Information requested"),
    "application_approved": Kind("Application approved"),
    "application_rejected": Kind("Application rejected"),
    "clearance_suspended": Kind("Clearance suspended"),
    "clearance_reinstated": Kind("Clearance reinstated"),
    "clearance_revoked": Kind("Clearance revoked"),
    "clearance_expiring": Kind("Clearance expiring soon"),
    "clearance_expired": Kind("Clearance expired"),
    "model_suspended": Kind("Model access suspended"),
    "model_restored": Kind("Model access restored"),
    "webhook_endpoint_disabled": Kind("Webhook endpoint disabled"),
    "policy_change_proposed": Kind(
        "A gated model's policy change waits for approval", audience=STAFF
    ),
    "screening_hit": Kind("Re-screening found a possible restricted-party match", audience=STAFF),
}


def preference_for(template_key: str) -> str | None:
    kind = KINDS.get(template_key)
    return kind.preference if kind else None


def audience_of(user) -> str:
    """Staff accounts get the reviewers' emails; everyone else the applicants'."""
    return STAFF if user.is_staff else APPLICANT


def preference_labels(audience: str) -> dict[str, str]:
    """The switches a person of ``audience`` is offered (no reviewer-only ones for
    applicants)."""
    return {
        name: label
        for name, label in PREFERENCE_LABELS.items()
        if PREFERENCE_AUDIENCE[name] == audience
    }


def mandatory_labels(audience: str | None = None) -> list[str]:
    return [
        kind.label
        for kind in KINDS.values()
        if kind.preference is None and audience in (None, kind.audience)
    ]
