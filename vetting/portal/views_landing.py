"""The public landing page (``/``): what the service is, who may apply for which open
model, what to prepare, the steps, and how long review takes, measured on the
decisions of the last 90 days (vetting.applications.timing).

Everything it says about eligibility is read from the open models' policies and from
the application's own fields, so the page cannot promise what the forms do not ask.
"""

from email.utils import parseaddr

from django.conf import settings
from django.shortcuts import render

from vetting.applications.personnel import PersonnelDeclaration
from vetting.applications.timing import MIN_DECISIONS, WINDOW_DAYS, step_timings
from vetting.evidence.validation import ALLOWED, human_size
from vetting.gated_models.models import STEP_ORDER, GatedModel, ReviewStep
from vetting.organizations.models import Organization

Person = PersonnelDeclaration
# What the export-control step accepts as covering a foreign person (not "None").
AUTHORIZATIONS = [c for c in Person.ExportAuthorization if c != Person.ExportAuthorization.NONE]
US_PERSONS = [s for s in Person.UsPersonStatus if s != Person.UsPersonStatus.FOREIGN_PERSON]


def _open_models() -> list[dict]:
    """Each open model with its admitted (and, after a tiered restoration, restored)
    sectors and the review steps it requires: three queries."""
    models = GatedModel.objects.filter(access_status=GatedModel.AccessStatus.OPEN)
    models = models.prefetch_related("admitted_sectors", "restored_sectors").order_by("name")
    return [
        {
            "model": model,
            "sectors": list(model.admitted_sectors.all()),
            "restored": list(model.restored_sectors.all()),
            "steps": [ReviewStep(step).label for step in model.required_steps()],
        }
        for model in models
    ]


def _identifier(field: str) -> dict:
    meta = Organization._meta.get_field(field)
    return {"label": meta.verbose_name, "help": meta.help_text, "required": not meta.blank}


def landing(request):
    timings = step_timings()
    return render(
        request,
        "portal/landing.html",
        {
            "models": _open_models(),
            "us_persons": [s.label for s in US_PERSONS],
            "authorizations": [a.label for a in AUTHORIZATIONS],
            "identifiers": [_identifier(f) for f in ("uei", "ein", "cage")],
            "domain": _identifier("domain"),
            "evidence_types": sorted(ext.lstrip(".").upper() for ext in ALLOWED.values()),
            "evidence_max": human_size(settings.EVIDENCE_MAX_BYTES),
            "review_steps": [(step.value, step.label) for step in STEP_ORDER],
            "timings": timings,
            "decisions": sum(t.decisions for t in timings),
            "window_days": WINDOW_DAYS,
            "min_decisions": MIN_DECISIONS,
            "contact_email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        },
    )
