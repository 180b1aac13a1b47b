"""Gated models in the review console: status, cap and counts; the two-step
emergency suspension and the (tiered) restoration, both through the services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from vetting.accounts.roles import Role, has_role
from vetting.console.admin_tools import AuditedAdmin
from vetting.console.reason_forms import ModelRestoreForm, ModelSuspendForm
from vetting.errors import DomainError

from . import services
from .models import GatedModel


@admin.register(GatedModel)
class GatedModelAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = [
        "name",
        "access_status",
        "active_vs_cap",
        "suspended_count",
        "requires_export_control",
        "requires_sector",
        "requires_government",
        "clearance_validity_days",
    ]
    list_filter = ["access_status"]
    search_fields = ["^name", "=slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["admitted_sectors"]
    change_form_template = "console/gated_model_change_form.html"
    # The status changes only through suspend/restore (which audit and notify).
    readonly_fields = ["access_status", "restored_sectors_list", "created_at"]
    exclude = ["restored_sectors"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active=Count("clearances", filter=Q(clearances__state="active")),
                suspended=Count("clearances", filter=Q(clearances__state="suspended")),
            )
        )

    @admin.display(description="active clearances / cap", ordering="active")
    def active_vs_cap(self, obj):
        return f"{obj.active} / {obj.cap}"

    @admin.display(description="suspended clearances", ordering="suspended")
    def suspended_count(self, obj):
        return obj.suspended

    @admin.display(description="restored sectors (tiered restoration)")
    def restored_sectors_list(self, obj):
        names = [s.name for s in obj.restored_sectors.all()]
        return ", ".join(names) or "All admitted sectors"

    def has_delete_permission(self, request, obj=None):
        return False  # applications and clearances refer to it; close it instead

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["restored_sectors_list", "created_at"]
        return self.readonly_fields

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/suspend/",
                view(self.suspend_view),
                name="gated_models_gatedmodel_suspend",
            ),
            path(
                "<int:object_id>/restore/",
                view(self.restore_view),
                name="gated_models_gatedmodel_restore",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {
            **(extra_context or {}),
            "is_officer": has_role(request.user, Role.CLEARANCE_OFFICER),
        }
        return super().change_view(request, object_id, form_url, context)

    def _officer_model(self, request, object_id) -> GatedModel:
        model = self.get_object(request, str(object_id))
        if model is None:
            raise Http404
        if not has_role(request.user, Role.CLEARANCE_OFFICER):
            raise PermissionDenied
        return model

    def suspend_view(self, request, object_id):
        """Step two of the emergency stop: states who loses access, asks a reason."""
        model = self._officer_model(request, object_id)
        affected = services.affected_organizations(model).order_by("legal_name")
        count = affected.count()
        form = ModelSuspendForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = {k: form.cleaned_data[k] for k in ("reason", "applicant_reason")}
            if self._run(request, form, services.gated_model_suspend, model, **data):
                messages.success(
                    request, f"{model.name} is suspended; {count} organizations lost access."
                )
                return self._back(model)
        return self._render(
            request,
            model,
            form,
            "Suspend",
            "console/model_suspend.html",
            affected=affected[:50],
            affected_count=count,
        )

    def restore_view(self, request, object_id):
        model = self._officer_model(request, object_id)
        form = ModelRestoreForm(request.POST or None, model=model)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if self._run(
                request,
                form,
                services.gated_model_restore,
                model,
                reason=data["reason"],
                access_status=data["access_status"],
                sector_ids=[s.pk for s in data["sectors"]],
            ):
                messages.success(request, f"{model.name} is restored.")
                return self._back(model)
        return self._render(request, model, form, "Restore", "console/reason_form.html")

    def _run(self, request, form, service, model, **data) -> bool:
        try:
            service(actor=request.user, gated_model_id=model.pk, **data)
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return True
        return False

    def _back(self, model):
        return HttpResponseRedirect(
            reverse("admin:gated_models_gatedmodel_change", args=[model.pk])
        )

    def _render(self, request, model, form, label, template, **extra):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "form": form,
                "subject": model,
                "submit_label": label,
                "title": f"{label} {model.name}",
                **extra,
                "cancel_url": reverse("admin:gated_models_gatedmodel_change", args=[model.pk]),
            },
        )
