"""Clearances in the review console: filters, suspend/reinstate/revoke with reasons,
bulk suspension, and the partner-list export. Changes go through the services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from vetting import permissions
from vetting.api import decision
from vetting.applications.models import ReviewDecision
from vetting.console.admin_tools import ReadOnlyAdmin, ScaleAdmin, csv_response
from vetting.console.filters import ExpiringWithinFilter
from vetting.console.reason_forms import ReasonForm
from vetting.errors import DomainError
from vetting.permissions import Action

from . import services
from .models import Clearance, ClearanceState

CHANGES = {
    "suspend": ("Suspend", services.clearance_suspend, ClearanceState.ACTIVE),
    "reinstate": ("Reinstate", services.clearance_reinstate, ClearanceState.SUSPENDED),
    "revoke": (
        "Revoke",
        services.clearance_revoke,
        (ClearanceState.ACTIVE, ClearanceState.SUSPENDED),
    ),
}


def is_officer(user) -> bool:
    return permissions.allowed(user, Action.CLEARANCE_CHANGE_STATE)


def may_export_partner_list(user) -> bool:
    return permissions.allowed(user, Action.PARTNER_LIST_EXPORT)


@admin.register(Clearance)
class ClearanceAdmin(ScaleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "serial",
        "organization",
        "gated_model",
        "sector",
        "state",
        "seats",
        "issued_at",
        "expires_at",
    ]
    list_filter = ["state", "gated_model", ExpiringWithinFilter, "sector"]
    list_select_related = ["organization", "gated_model", "sector"]
    search_fields = ["=serial", "^organization__legal_name", "=organization__uei"]
    ordering = ["-issued_at"]
    actions = ["bulk_suspend"]
    change_form_template = "console/clearance_change_form.html"
    change_list_template = "console/clearance_change_list.html"
    readonly_fields = [
        "serial",
        "organization",
        "gated_model",
        "application",
        "sector",
        "state",
        "issued_at",
        "expires_at",
        "seats",
        "conditions",
        "state_reason",
        "applicant_reason",
        "state_changed_by",
        "state_changed_at",
    ]

    def has_officer_permission(self, request):
        return is_officer(request.user)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "partner-list.csv",
                view(self.partner_list_view),
                name="clearances_clearance_partner_list",
            ),
            path(
                "<int:object_id>/state/<str:change>/",
                view(self.change_state_view),
                name="clearances_clearance_change_state",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        clearance = self.get_object(request, object_id)
        available = []
        if clearance is not None and is_officer(request.user):
            available = [
                (key, label)
                for key, (label, _, sources) in CHANGES.items()
                if clearance.state in (sources if isinstance(sources, tuple) else (sources,))
            ]
        context = {
            **(extra_context or {}),
            "state_changes": available,
            "may_change_state": is_officer(request.user),
        }
        return super().change_view(request, object_id, form_url, context)

    def change_state_view(self, request, object_id, change):
        """Suspend / reinstate / revoke one clearance with a reason form."""
        if change not in CHANGES:
            raise Http404
        clearance = self.get_object(request, str(object_id))
        if clearance is None:
            raise Http404
        if not is_officer(request.user):
            raise PermissionDenied
        label, service, _ = CHANGES[change]
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                service(actor=request.user, clearance_id=clearance.pk, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"{clearance.serial}: {label.lower()}d.")
                return HttpResponseRedirect(
                    reverse("admin:clearances_clearance_change", args=[clearance.pk])
                )
        return TemplateResponse(
            request,
            "console/reason_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "form": form,
                "title": f"{label} {clearance.serial}",
                "subject": clearance,
                "submit_label": label,
                "cancel_url": reverse("admin:clearances_clearance_change", args=[clearance.pk]),
            },
        )

    @admin.action(
        description="Suspend the selected clearances (one reason)", permissions=["officer"]
    )
    def bulk_suspend(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done, refused = _suspend_each(request.user, queryset, form.cleaned_data)
            if done:
                messages.success(request, f"Suspended {done} clearance{'s' * (done != 1)}.")
            for serial, message in refused:
                messages.error(request, f"{serial}: {message}")
            return None
        return TemplateResponse(
            request,
            "console/bulk_suspend.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "form": form,
                "clearances": queryset.select_related("organization"),
                "title": "Suspend clearances",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def changelist_view(self, request, extra_context=None):
        extra = {"may_export_partner_list": may_export_partner_list(request.user)}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def partner_list_view(self, request):
        """CSV of the clearances that clear their organization now (the API's partner
        list's rule, vetting.api.decision.clearing_now): the list a lab shares with
        the government."""
        if not may_export_partner_list(request.user):
            raise PermissionDenied
        signers = Prefetch(
            "application__decisions",
            to_attr="signoffs",
            queryset=ReviewDecision.objects.filter(outcome__in=["approved", "passed"])
            .select_related("reviewer")
            .order_by("decided_at"),
        )
        rows = (
            Clearance.objects.filter(state=ClearanceState.ACTIVE)
            .select_related("organization", "gated_model", "sector", "application")
            .prefetch_related("organization__sectors", signers)
            .order_by("gated_model", "id")
        )
        model = request.GET.get("gated_model__id__exact")
        if model and model.isdigit():
            rows = rows.filter(gated_model_id=int(model))
        stamp = timezone.now().strftime("%Y%m%d")
        return csv_response(
            f"partner-list-{stamp}.csv",
            PARTNER_HEADER,
            (_partner_row(c) for c in decision.clearing_now(rows)),
        )


PARTNER_HEADER = [
    "organization",
    "uei",
    "ein",
    "cage",
    "country",
    "sectors",
    "clearance sector",
    "model",
    "serial",
    "seats",
    "issued",
    "expires",
    "signed off by",
    "signed off at",
]


def _partner_row(clearance) -> list:
    org = clearance.organization
    signoff = clearance.application.signoffs[-1] if clearance.application.signoffs else None
    return [
        org.legal_name,
        org.uei,
        org.ein,
        org.cage,
        str(org.country.code),
        "; ".join(s.name for s in org.sectors.all()),
        clearance.sector.name,
        clearance.gated_model.name,
        clearance.serial,
        clearance.seats,
        clearance.issued_at.date().isoformat(),
        clearance.expires_at.date().isoformat(),
        signoff.reviewer.display_name if signoff and signoff.reviewer else "",
        signoff.decided_at.isoformat() if signoff else "",
    ]


def _suspend_each(actor, queryset, data):
    """One transaction per clearance, so one refusal does not undo the others."""
    done, refused = 0, []
    for pk, serial in queryset.values_list("pk", "serial"):
        try:
            with transaction.atomic():
                services.clearance_suspend(actor=actor, clearance_id=pk, **data)
            done += 1
        except DomainError as exc:
            refused.append((serial, exc.message))
    return done, refused
