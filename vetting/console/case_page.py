"""The reviewer's case page: what the case file (application_detail) holds, arranged
for deciding one step on one screen, with the decision form beside it.

Read-only. The inline form is the decide view's own DecisionForm and posts to the
decide URL, so every rule of that view and of the review services still applies.
"""

from vetting.applications.models import STEP_OF_STATE
from vetting.gated_models.models import ReviewStep
from vetting.screening.domains import domain_status

from .decisions import DECISIONS, DecisionForm
from .queue import queue_position

PREVIEW_OF_TYPE = {"image/png": "image", "image/jpeg": "image", "application/pdf": "pdf"}
UNVERIFIED_DOMAIN_NOTE = (
    "{domain} is not verified by its DNS record: passing this step needs a rationale "
    "saying how you confirmed that the organization controls it."
)


def _previews(evidence: list[dict]) -> list[dict]:
    """Each file with how it may be previewed: only a file with a download link (the
    link is there only where the download view serves the reader) gets one."""
    return [
        {**row, "preview": PREVIEW_OF_TYPE.get(row["item"].content_type, "") if row["url"] else ""}
        for row in evidence
    ]


def _personnel(personnel: list, runs: list) -> list[dict]:
    """Each declared person with the possible matches the latest screening run found
    for them (runs are newest first, their hits prefetched: no query here)."""
    hits = list(runs[0].hits.all()) if runs else []
    return [
        {"person": person, "hits": [hit for hit in hits if hit.declaration_id == person.pk]}
        for person in personnel
    ]


def _organization_hits(runs: list) -> list:
    return [hit for hit in (runs[0].hits.all() if runs else []) if hit.declaration_id is None]


def _seats(application) -> dict:
    limit = application.gated_model.max_seats
    requested = application.requested_seats
    return {
        "requested": requested,
        "limit": limit,
        "over": requested is not None and requested > limit,
    }


def chosen_decision(panel: dict, key: str | None):
    """The decision whose form the panel shows: the one asked for (``?decision=``)
    if the step offers it, else the step's first (pass, or approve)."""
    offered = panel.get("decisions") or []
    for decision in offered:
        if decision.key == key:
            return decision
    return offered[0] if offered else None


def inline_form(application, panel: dict, key: str | None, domain_verified: bool):
    """The DecisionForm for the chosen decision, unbound, as the decide view would
    show it (None when the reader may not decide). At the sector step with an
    unverified domain, passing asks for the rationale in the browser too (the
    service refuses a pass without it either way)."""
    decision = chosen_decision(panel, key)
    if decision is None:
        return None, None
    form = DecisionForm(decision=decision, initial={"step": application.current_step or ""})
    needs_rationale = (
        decision is DECISIONS["pass"] and panel["step"] == ReviewStep.SECTOR and not domain_verified
    )
    if needs_rationale:
        form.fields["rationale"].widget.attrs.update(
            {"required": True, "aria-describedby": "domain-rationale-note id_rationale_helptext"}
        )
    return decision, form


def case_page(user, application, case: dict, panel: dict, chosen: str | None) -> dict:
    """What the case page adds to the case file: organization and application
    summaries, personnel with their hits, evidence previews, the inline decision
    form and the reader's queue position."""
    organization = application.organization
    verified, domain_detail = domain_status(organization)
    decision, form = inline_form(application, panel, chosen, verified)
    runs = case["screening_runs"]
    return {
        "organization": organization,
        "organization_sectors": list(organization.sectors.all()),
        "domain_verified": verified,
        "domain_detail": domain_detail,
        "domain_note": ""
        if verified or panel.get("step") != ReviewStep.SECTOR
        else UNVERIFIED_DOMAIN_NOTE.format(domain=organization.domain),
        "seats": _seats(application),
        "people": _personnel(case["personnel"], runs),
        "organization_hits": _organization_hits(runs),
        "evidence": _previews(case["evidence"]),
        "inline_decision": decision,
        "inline_form": form,
        "queue": queue_position(user, application),
        "at_step": STEP_OF_STATE.get(application.state),
    }
