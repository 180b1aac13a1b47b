"""Computed checks shown to reviewers: the export-control summary and blockers, and
the sector reviewer's identity checklist."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from vetting.organizations import identifiers

from .models import ScreeningHit
from .selectors import denial_of


def _latest_run(application):
    return application.screening_runs.order_by("-ran_at", "-id").first()


def foreign_persons_without_authorization(application) -> list:
    """Declared foreign persons whose export authorization is none or expired."""
    today = timezone.localdate()
    lacking = []
    for person in application.personnel.all():
        if not person.is_foreign_person:
            continue
        kind = person.export_authorization_type
        expired = (
            person.export_authorization_expires is None
            or person.export_authorization_expires < today
        )
        if not kind or kind == "none" or expired:
            lacking.append(person)
    return lacking


def export_control_summary(application) -> dict:
    """What the export-control reviewer sees: screening run and hits, and the
    foreign-national counts (citizenship data: export-control reviewers only)."""
    run = _latest_run(application)
    hits = list(run.hits.select_related("entry")) if run else []
    lacking = foreign_persons_without_authorization(application)
    return {
        "screened_at": run.ran_at if run else None,
        "list_versions": [str(v) for v in run.versions.all()] if run else [],
        "hits": hits,
        "pending_hits": [h for h in hits if h.status == ScreeningHit.Status.PENDING],
        "declared_people": application.personnel.count(),
        "foreign_persons": sum(p.is_foreign_person for p in application.personnel.all()),
        "foreign_persons_without_authorization": [p.legal_name for p in lacking],
        "denied_party": bool(denial_of(application.organization)),
    }


def export_control_blockers(application) -> list[str]:
    """Why the export-control step cannot pass now (empty: it may)."""
    blockers = []
    run = _latest_run(application)
    pending = run.hits.filter(status=ScreeningHit.Status.PENDING).count() if run else 0
    if pending:
        blockers.append(f"{pending} screening hit(s) await adjudication")
    if run and run.hits.filter(status=ScreeningHit.Status.TRUE_MATCH).exists():
        blockers.append("a screening hit was confirmed as a true match")
    for person in foreign_persons_without_authorization(application):
        blockers.append(
            f"{person.legal_name} is a foreign person without a valid export authorization"
        )
    if denial_of(application.organization) is not None:
        blockers.append("the organization is on the deny list")
    return blockers


def _identifier_checks(organization) -> list[dict]:
    checks = []
    for field, label, validate in (
        ("uei", "UEI", identifiers.validate_uei),
        ("ein", "EIN", identifiers.validate_ein),
        ("cage", "CAGE code", identifiers.validate_cage),
    ):
        value = getattr(organization, field)
        if not value:
            checks.append(
                {"check": f"{label} well-formed", "status": "unknown", "detail": "Not given."}
            )
            continue
        try:
            validate(value)
            checks.append({"check": f"{label} well-formed", "status": "pass", "detail": value})
        except ValidationError as exc:
            checks.append(
                {
                    "check": f"{label} well-formed",
                    "status": "fail",
                    "detail": " ".join(exc.messages),
                }
            )
    return checks


def _evidence_check(application) -> dict:
    from django.apps import apps

    if not apps.is_installed("vetting.evidence"):
        return {
            "check": "Evidence present",
            "status": "unknown",
            "detail": "Evidence uploads are not available.",
        }
    count = application.evidence.count()
    return {
        "check": "Evidence present",
        "status": "pass" if count else "fail",
        "detail": f"{count} file(s).",
    }


def sector_checklist(application) -> list[dict]:
    """The sector reviewer's checklist: rows of {check, status (pass/fail/unknown), detail}."""
    from .domains import domain_status, verified_emails

    organization = application.organization
    rows = _identifier_checks(organization)
    sector, model = application.sector, application.gated_model
    admitted = sector is not None and model.admitted_sectors.filter(pk=sector.pk).exists()
    rows.append(
        {
            "check": "Sector admitted by the model",
            "status": "pass" if admitted else "fail",
            "detail": f"{sector or 'No sector'} / {model.name}",
        }
    )
    rows.append(_evidence_check(application))
    verified, detail = domain_status(organization)
    rows.append(
        {
            "check": "Domain ownership verified",
            "status": "pass" if verified else "fail",
            "detail": detail,
        }
    )
    emails = verified_emails(
        organization, application.personnel.values_list("work_email", flat=True)
    )
    on_domain = sum(emails.values())
    rows.append(
        {
            "check": "Declared people's email on the verified domain",
            "status": "pass" if emails and on_domain == len(emails) else "fail",
            "detail": f"{on_domain} of {len(emails)}.",
        }
    )
    return rows
