"""Dashboard, application status, answers to questions, withdrawal, clearances, files."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from vetting.applications import services
from vetting.applications.models import State
from vetting.clearances.models import Clearance, ClearanceState
from vetting.errors import DomainError
from vetting.evidence.selectors import evidence_for_reader
from vetting.evidence.services import evidence_upload
from vetting.evidence.storage import evidence_storage

from .forms import RespondForm, WithdrawForm
from .scoping import application_or_404, apply_errors, current_membership, verified_required
from .timeline import NEXT_STEP, application_timeline


@verified_required
def dashboard(request):
    membership = current_membership(request)
    if membership is None:
        return render(request, "portal/welcome.html")
    org = membership.organization
    applications = org.applications.select_related("gated_model").order_by("-updated_at")
    clearances = org.clearances.select_related("gated_model").order_by("-issued_at")
    soon = timezone.now() + timedelta(days=30)
    return render(
        request,
        "portal/dashboard.html",
        {
            "org": org,
            "membership": membership,
            "memberships": request.user.memberships.select_related("organization"),
            "applications": applications,
            "clearances": clearances,
            "questions": [a for a in applications if a.state == State.INFORMATION_REQUESTED],
            "drafts": [a for a in applications if a.state == State.DRAFT],
            "expiring": [
                c for c in clearances if c.state == ClearanceState.ACTIVE and c.expires_at <= soon
            ],
        },
    )


@verified_required
def application_detail(request, pk):
    application = application_or_404(request.user, pk)
    waiting_on, next_text = NEXT_STEP[State(application.state)]
    open_request = application.information_requests.filter(responded_at__isnull=True).last()
    return render(
        request,
        "portal/application_detail.html",
        {
            "application": application,
            "timeline": application_timeline(application),
            "waiting_on": waiting_on,
            "next_text": next_text,
            "open_request": open_request,
            "respond_form": RespondForm() if open_request else None,
            "evidence": application.evidence.all(),
            "can_withdraw": not application.is_terminal,
            "clearance": Clearance.objects.filter(application=application).first(),
        },
    )


def _where_it_stands(request, application, why: str):
    """A stale page of the user's own application (answered, withdrawn, Back after
    sending): its status page, saying why, rather than a 404."""
    messages.info(request, f"{application.number}: {why} Here is where it stands.")
    return redirect("portal:application", pk=application.pk)


@verified_required
@never_cache
def respond(request, pk):
    application = application_or_404(request.user, pk)
    open_request = application.information_requests.filter(responded_at__isnull=True).last()
    if application.state != State.INFORMATION_REQUESTED or open_request is None:
        return _where_it_stands(request, application, "no question is waiting for an answer.")
    form = RespondForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            _answer(request.user, application, open_request, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your answer is sent; the review continues.")
            return redirect("portal:application", pk=application.pk)
    return render(
        request,
        "portal/respond.html",
        {"application": application, "open_request": open_request, "form": form},
    )


def _answer(user, application, open_request, data) -> None:
    """The file and the answer succeed or fail together: if the answer is refused,
    the stored file goes with the rolled-back row."""
    stored = None
    try:
        with transaction.atomic():
            if data.get("file"):
                stored = evidence_upload(
                    actor=user,
                    application_id=application.pk,
                    upload=data["file"],
                    description="Answer to a reviewer's question",
                    information_request_id=open_request.pk,
                ).stored_name
            services.application_respond(
                actor=user, application_id=application.pk, response=data["response"]
            )
    except Exception:
        if stored is not None:
            evidence_storage().delete(stored)
        raise


@verified_required
@never_cache
def withdraw(request, pk):
    application = application_or_404(request.user, pk)
    if application.is_terminal:
        state = application.get_state_display().lower()
        return _where_it_stands(request, application, f"it is {state} and cannot be withdrawn.")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                actor=request.user,
                application_id=application.pk,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{application.number} is withdrawn.")
            return redirect("portal:application", pk=application.pk)
    return render(request, "portal/withdraw.html", {"application": application, "form": form})


@verified_required
def clearances(request):
    membership = current_membership(request)
    if membership is None:
        return redirect("portal:dashboard")
    rows = (
        Clearance.objects.filter(organization=membership.organization)
        .select_related("gated_model", "sector")
        .order_by("-issued_at")
    )
    return render(
        request, "portal/clearances.html", {"org": membership.organization, "clearances": rows}
    )


@verified_required
def evidence_download(request, evidence_id):
    """Members of the applicant organization and reviewers; anyone else gets 404."""
    evidence = evidence_for_reader(request.user, evidence_id)
    if evidence is None:
        raise Http404("No such file")
    # Read from the storage (disk or bucket) and streamed: no bucket URL is handed out.
    handle = evidence_storage().open(evidence.stored_name, "rb")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
