"""Applications in the review console: queue list, case file, decision forms.

Nothing here changes an application directly: the decision forms call the
review services, which check roles and separation of duties again.
"""

import re

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from vetting.applications import review
from vetting.console.admin_tools import ReadOnlyAdmin, ScaleAdmin
from vetting.console.application_detail import case_file, may_see_citizenship
from vetting.console.case_page import case_page
from vetting.console.deadlines import business_days_between
from vetting.console.decisions import DECISIONS, DecisionForm, apply_decision, decision_panel
from vetting.console.filters import AgeInStepFilter, WaitingAtStepFilter
from vetting.errors import DomainError

from .models import (
    OPEN_STATES,
    Application,
    InformationRequest,
    PersonnelDeclaration,
    ReviewDecision,
)

NUMBER = re.compile(r"^(?:APP-?)?0*(\d{1,12})$", re.IGNORECASE)


@admin.register(Application)
class ApplicationAdmin(ScaleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "number_link",
        "organization",
        "gated_model",
        "sector",
        "state",
        "days_in_step",
        "submitted_at",
    ]
    list_display_links = None
    list_filter = [
        "state",
        WaitingAtStepFilter,
        "gated_model",
        "sector",
        "organization__kind",
        AgeInStepFilter,
    ]
    list_select_related = ["organization", "gated_model", "sector"]
    # Prefix and exact matches only: these use indexes, a %contains% scan would not.
    search_fields = [
        "^organization__legal_name",
        "=organization__uei",
        "=organization__ein",
        "=organization__cage",
    ]
    search_help_text = "Organization name (start of), UEI, EIN, CAGE or application number."
    ordering = ["state_changed_at"]  # oldest waiting first
    change_form_template = "console/application_change_form.html"
    exclude = ["attested_by", "created_by"]
    readonly_fields = [
        "number",
        "organization",
        "gated_model",
        "sector",
        "state",
        "information_requested_step",
        "use_case",
        "systems_in_scope",
        "requested_seats",
        "terms_accepted",
        "tcp_acknowledged",
        "attested_by_name",
        "attested_by_title",
        "attested_at",
        "created_at",
        "submitted_at",
        "state_changed_at",
        "closed_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "organization",
                    "gated_model",
                    "sector",
                    "state",
                    "information_requested_step",
                    "state_changed_at",
                ]
            },
        ),
        ("The request", {"fields": ["use_case", "systems_in_scope", "requested_seats"]}),
        (
            "Attestation",
            {
                "fields": [
                    "terms_accepted",
                    "tcp_acknowledged",
                    "attested_by_name",
                    "attested_by_title",
                    "attested_at",
                ]
            },
        ),
        ("Dates", {"fields": ["created_at", "submitted_at", "closed_at"]}),
    ]

    @admin.display(description="application", ordering="id")
    def number_link(self, obj):
        from django.utils.html import format_html

        url = reverse("admin:applications_application_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.number)

    @admin.display(description="business days in step", ordering="state_changed_at")
    def days_in_step(self, obj):
        if obj.state not in OPEN_STATES:
            return "—"
        return business_days_between(obj.state_changed_at, timezone.now())

    def get_search_results(self, request, queryset, search_term):
        match = NUMBER.match(search_term.strip())
        if match:
            return queryset.filter(pk=int(match.group(1))), False
        return super().get_search_results(request, queryset, search_term)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="applications_application_decide",
            ),
            path(
                "<int:object_id>/recuse/",
                self.admin_site.admin_view(self.recuse_view),
                name="applications_application_recuse",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The case page: the case file, the reader's place in their queue, and the
        chosen decision's form (``?decision=``) beside it, posting to decide_view."""
        application = self.get_object(request, object_id)
        if application is not None:
            panel = decision_panel(request.user, application)
            case = case_file(request.user, application)
            chosen = request.GET.get("decision")
            extra_context = {
                **(extra_context or {}),
                "panel": panel,
                **case,
                **case_page(request.user, application, case, panel, chosen),
                "title": f"Case {application.number}",
                "subtitle": f"{application.organization} → {application.gated_model}: "
                f"{application.get_state_display().lower()}",
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, object_id, decision):
        """One decision form: validates the input, calls the review service, and on a
        refusal (role, separation of duties, already decided) shows its message."""
        application = self.get_object(request, str(object_id))
        if application is None or not self.has_view_permission(request, application):
            raise Http404
        if decision not in DECISIONS:
            return HttpResponseBadRequest(
                f"decision: {decision[:40]!r} is not one of {', '.join(DECISIONS)}.",
                content_type="text/plain; charset=utf-8",
            )
        chosen = DECISIONS[decision]
        panel = decision_panel(request.user, application)
        target = request.POST.get("step") or application.current_step
        if panel["refusal"] and target == application.current_step:
            # Not this person's to decide (role, conflict of interest, recusal): the page
            # says why, with no form, and a POST changes nothing. (A form for a step
            # already past goes on to the service, which says who decided it.)
            return TemplateResponse(
                request,
                "console/decision_form.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "application": application,
                    "decision": chosen,
                    "panel": panel,
                    "title": f"{chosen.label}: {application.number}",
                },
                status=403,
            )
        initial = {"step": application.current_step or ""}
        form = DecisionForm(request.POST or None, decision=chosen, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                apply_decision(
                    actor=request.user,
                    application_id=application.pk,
                    decision=chosen,
                    data=form.cleaned_data,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"{application.number}: {chosen.label.lower()} — done.")
                return HttpResponseRedirect(
                    reverse("admin:applications_application_change", args=[application.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "application": application,
            "decision": chosen,
            "form": form,
            "panel": decision_panel(request.user, application),
            "title": f"{chosen.label}: {application.number}",
        }
        # Input the form refused (a missing attestation, a tampered step) is a 400.
        status = 400 if form.is_bound and form.errors else 200
        return TemplateResponse(request, "console/decision_form.html", context, status=status)

    def recuse_view(self, request, object_id):
        """Step aside from this application (POST); it leaves the reviewer's queue."""
        application = self.get_object(request, str(object_id))
        if application is None or not self.has_view_permission(request, application):
            raise Http404
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            review.application_recuse(
                actor=request.user,
                application_id=application.pk,
                reason=request.POST.get("reason", "")[:2000],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"You recused yourself from {application.number}; it left your queue."
            )
        return HttpResponseRedirect(
            reverse("admin:applications_application_change", args=[application.pk])
        )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class CitizenshipGatedAdmin(ScaleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    """Personnel declarations; citizenship fields only for those allowed to see them."""

    list_display = ["legal_name", "role", "application", "work_country"]
    list_select_related = ["application__organization", "application__gated_model"]
    search_fields = ["^legal_name", "=work_email"]
    SENSITIVE = [
        "us_person_status",
        "citizenships",
        "permanent_residency_countries",
        "date_of_birth",
        "export_authorization_type",
        "export_authorization_number",
        "export_authorization_expires",
    ]
    PLAIN = ["application", "legal_name", "work_email", "role", "work_country", "created_at"]

    def get_fields(self, request, obj=None):
        return self.PLAIN + (self.SENSITIVE if may_see_citizenship(request.user) else [])

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_list_display(self, request):
        extra = ["us_person_status"] if may_see_citizenship(request.user) else []
        return self.list_display + extra


admin.site.register(PersonnelDeclaration, CitizenshipGatedAdmin)


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ScaleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["application", "step", "outcome", "reviewer", "decided_at"]
    list_filter = ["step", "outcome"]
    list_select_related = ["application__organization", "application__gated_model", "reviewer"]
    ordering = ["-decided_at"]
    search_fields = ["=reviewer__email"]


@admin.register(InformationRequest)
class InformationRequestAdmin(ScaleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["application", "step", "asked_by", "asked_at", "responded_at"]
    list_filter = ["step"]
    list_select_related = [
        "application__organization",
        "application__gated_model",
        "asked_by",
    ]
    ordering = ["-asked_at"]
