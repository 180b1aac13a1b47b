"""What a draft still lacks before it can be submitted.

Each item names the form section that needs it, so the review page can link
there.
"""

from .models import Application


def seats_problem(application: Application) -> str | None:
    """The one rule on seats: no more than the model grants one organization."""
    model = application.gated_model
    seats = application.requested_seats
    if seats and seats > model.max_seats:
        return (
            f"{model.name} grants at most {model.max_seats:,} seats to one organization; "
            f"you asked for {seats:,}."
        )
    return None


def missing_items(application: Application) -> list[tuple[str, str]]:
    missing: list[tuple[str, str]] = []
    model = application.gated_model
    if not model.is_open:
        missing.append(("model", f"{model.name} is not open to new applications."))
    if application.sector_id is None:
        missing.append(("organization", "Claim the critical-infrastructure sector you serve."))
    elif not model.admitted_sectors.filter(pk=application.sector_id).exists():
        missing.append(
            ("organization", f"{model.name} does not admit the {application.sector} sector.")
        )
    if not application.evidence.exists():
        missing.append(
            (
                "evidence",
                "Upload at least one document that supports your sector "
                "claim (a PDF, PNG or JPEG).",
            )
        )
    if not application.personnel.exists():
        missing.append(("personnel", "Declare at least one person who will use the model."))
    if not application.use_case.strip():
        missing.append(("use", "Describe the use case."))
    if not application.systems_in_scope.strip():
        missing.append(("use", "List the systems in scope."))
    if not application.requested_seats:
        missing.append(("use", "Say how many seats you need."))
    elif seats_problem(application):
        missing.append(("use", seats_problem(application)))
    if not (application.attested_by_name.strip() and application.attested_by_title.strip()):
        missing.append(("attestation", "An officer must attest, with name and title."))
    if not application.tcp_acknowledged:
        missing.append(("attestation", "Acknowledge the technology control plan."))
    if not application.terms_accepted:
        missing.append(("attestation", "Accept the conditions of use."))
    return missing
