"""The multi-step application form. Every step saves the draft through the services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from vetting import permissions
from vetting.applications import services
from vetting.applications.completeness import missing_items
from vetting.errors import DomainError, Incomplete
from vetting.evidence.services import evidence_remove, evidence_upload
from vetting.permissions import Action
from vetting.screening.domains import domain_status

from .forms import (
    AttestationStepForm,
    EvidenceForm,
    NewApplicationForm,
    PersonForm,
    SectorStepForm,
    UseStepForm,
)
from .scoping import apply_errors, current_membership, draft_or_404, draft_view, verified_required

STEPS = [
    ("organization", "Organization and sector"),
    ("evidence", "Evidence"),
    ("personnel", "Personnel"),
    ("use", "Use case and seats"),
    ("attestation", "Conditions and attestation"),
    ("review", "Review and submit"),
]
STEP_KEYS = [key for key, _ in STEPS]
# Completeness sections that have no step of their own.
SECTION_STEP = {"model": "organization"}


def step_url(application, key: str) -> str:
    return reverse("portal:step", args=[application.pk, key])


def resume_step(application) -> str:
    """Where to pick up a draft: the first step that still lacks something."""
    missing = {SECTION_STEP.get(section, section) for section, _ in missing_items(application)}
    return next((key for key in STEP_KEYS if key in missing), "review")


def next_step(key: str) -> str:
    return STEP_KEYS[min(STEP_KEYS.index(key) + 1, len(STEP_KEYS) - 1)]


def _context(application, key, **extra) -> dict:
    if key == "organization":
        extra["domain_verified"], extra["domain_detail"] = domain_status(application.organization)
    return {
        "application": application,
        "steps": STEPS,
        "step": key,
        "step_title": dict(STEPS)[key],
        "step_number": STEP_KEYS.index(key) + 1,
        "incomplete": {
            SECTION_STEP.get(section, section) for section, _ in missing_items(application)
        },
        **extra,
    }


@verified_required
def application_new(request):
    membership = current_membership(request)
    if membership is None:
        return redirect("portal:organization_create")
    form = NewApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create_draft(
                actor=request.user,
                organization_id=membership.organization_id,
                gated_model_id=form.cleaned_data["gated_model"].pk,
            )
        except DomainError as exc:
            form.add_error("gated_model", exc.message)
        else:
            return redirect(step_url(application, "organization"))
    return render(
        request, "portal/application_new.html", {"form": form, "org": membership.organization}
    )


@draft_view
def resume(request, pk):
    application = draft_or_404(request.user, pk)
    return redirect(step_url(application, resume_step(application)))


def leaving(request) -> bool:
    """'Save and leave; come back later' was pressed: keep what is typed, go to the
    dashboard."""
    return request.method == "POST" and "leave" in request.POST


def _left(request, application):
    messages.success(
        request, f"{application.number} is saved as a draft; continue it from here any time."
    )
    return redirect("portal:dashboard")


def _save_fields(request, application, form, key):
    """Save a ModelForm step through application_update_draft; move on or show errors.
    Leaving saves what is there, complete or not (the review step lists what is
    missing); what is malformed is still refused, with everything typed kept."""
    if leaving(request):
        for field in form.fields.values():
            field.required = False
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update_draft(
                actor=request.user, application_id=application.pk, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if leaving(request):
                return _left(request, application)
            messages.success(request, f"“{dict(STEPS)[key]}” is saved.")
            return redirect(step_url(application, next_step(key)))
    return render(request, f"portal/steps/{key}.html", _context(application, key, form=form))


FIELD_STEPS = {
    "organization": SectorStepForm,
    "use": UseStepForm,
    "attestation": AttestationStepForm,
}


@draft_view
def step(request, pk, key):
    application = draft_or_404(request.user, pk)
    if key in FIELD_STEPS:
        form = FIELD_STEPS[key](request.POST or None, instance=application)
        return _save_fields(request, application, form, key)
    if key == "evidence":
        return _evidence_step(request, application)
    if key == "personnel":
        return render(
            request,
            "portal/steps/personnel.html",
            _context(application, key, people=application.personnel.all()),
        )
    if key == "review":
        missing = [
            (section, message, step_url(application, SECTION_STEP.get(section, section)))
            for section, message in missing_items(application)
        ]
        return render(
            request,
            "portal/steps/review.html",
            _context(
                application,
                key,
                missing=missing,
                people=application.personnel.all(),
                evidence=application.evidence.all(),
                submit_refusal=permissions.refusal(
                    request.user, Action.APPLICATION_SUBMIT, application
                ),
            ),
        )
    raise Http404("No such step")


def _evidence_step(request, application):
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        go_on = "continue" in request.POST or leaving(request)
        if request.FILES.get("file") or not go_on:
            if form.is_valid():
                try:
                    evidence_upload(
                        actor=request.user,
                        application_id=application.pk,
                        upload=form.cleaned_data["file"],
                        description=form.cleaned_data["description"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, f"{form.cleaned_data['file'].name} is uploaded.")
                    if leaving(request):
                        return _left(request, application)
                    return redirect(step_url(application, "personnel" if go_on else "evidence"))
        elif leaving(request):
            return _left(request, application)
        else:
            return redirect(step_url(application, "personnel"))
    return render(
        request,
        "portal/steps/evidence.html",
        _context(application, "evidence", form=form, evidence=application.evidence.all()),
    )


@draft_view
@require_POST
def evidence_delete(request, pk, evidence_id):
    application = draft_or_404(request.user, pk)
    evidence = get_object_or_404(application.evidence, pk=evidence_id)
    evidence_remove(actor=request.user, evidence_id=evidence.pk)
    messages.success(request, f"{evidence.original_name} is removed.")
    return redirect(step_url(application, "evidence"))


@draft_view
def person(request, pk, person_id=None):
    application = draft_or_404(request.user, pk)
    instance = None
    if person_id is not None:
        instance = get_object_or_404(application.personnel, pk=person_id)
    form = PersonForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.personnel_save(
                actor=request.user,
                application_id=application.pk,
                declaration_id=person_id,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{form.cleaned_data['legal_name']} is saved.")
            if leaving(request):
                return _left(request, application)
            return redirect(step_url(application, "personnel"))
    return render(
        request,
        "portal/person_form.html",
        _context(application, "personnel", form=form, person=instance),
    )


@draft_view
def person_remove(request, pk, person_id):
    application = draft_or_404(request.user, pk)
    person_row = get_object_or_404(application.personnel, pk=person_id)
    if request.method == "POST":
        services.personnel_remove(
            actor=request.user, application_id=application.pk, declaration_id=person_row.pk
        )
        messages.success(request, f"{person_row.legal_name} is removed.")
        return redirect(step_url(application, "personnel"))
    return render(
        request, "portal/person_remove.html", _context(application, "personnel", person=person_row)
    )


@draft_view
@require_POST
def submit(request, pk):
    application = draft_or_404(request.user, pk)
    try:
        services.application_submit(actor=request.user, application_id=application.pk)
    except Incomplete:
        messages.error(request, "The application is not complete yet; see what is missing.")
        return redirect(step_url(application, "review"))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(step_url(application, "review"))
    messages.success(request, f"{application.number} is submitted. We will email you at each step.")
    return redirect("portal:application", pk=application.pk)


@draft_view
def delete_draft(request, pk):
    application = draft_or_404(request.user, pk)
    if request.method == "POST":
        services.application_delete_draft(actor=request.user, application_id=application.pk)
        messages.success(request, f"The draft {application.number} is deleted.")
        return redirect("portal:dashboard")
    return render(request, "portal/draft_delete.html", {"application": application})
