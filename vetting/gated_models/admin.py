"""Gated models in the review console. The access policy is read-only here: it
changes by proposal and a second person's approval (vetting.gated_models.policy),
except the officer's emergency tightening (suspend, close), which is immediate.
Every custom view asks vetting.permissions; the services check again."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from vetting import permissions
from vetting.console.admin_tools import AuditedAdmin
from vetting.console.reason_forms import (
    ModelCloseForm,
    ModelRestoreForm,
    ModelSuspendForm,
    PolicyChangeForm,
)
from vetting.console.related_links import may_view
from vetting.errors import DomainError
from vetting.permissions import Action

from . import policy, services
from .models import GatedModel, PolicyChange, PolicyVersion
from .policy_admin import change_url  # also registers the policy change admins

POLICY_READONLY = [
    "access_status",
    "requires_export_control",
    "requires_sector",
    "requires_government",
    "admitted_sectors",
    "restored_sectors_list",
    "cap",
    "max_seats",
    "clearance_validity_days",
    "default_conditions",
    "export_classification",
    "policy_version",
    "pending_changes",
]


def _form_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form's fields (others at the top)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


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

    @admin.display(description="pending policy changes")
    def pending_changes(self, obj):
        """Each pending change, and the model's policy history, linked where the reader
        may open them (each target admin asked on its own), as text otherwise."""
        pending = list(obj.policy_changes.filter(state=PolicyChange.State.PROPOSED))
        if may_view(PolicyChange):
            changes = format_html_join(
                ", ", '<a href="{}">#{}</a>', ((change_url(c), c.pk) for c in pending)
            )
        else:
            changes = ", ".join(f"#{c.pk}" for c in pending)
        if not may_view(PolicyVersion):
            return changes or "none"
        history = reverse("admin:gated_models_policyversion_changelist")
        return format_html(
            '{} <a class="policy-history" href="{}?gated_model__id__exact={}">policy history</a>',
            changes or "none;",
            history,
            obj.pk,
        )

    def has_delete_permission(self, request, obj=None):
        return False  # applications and clearances refer to it; close it instead

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["restored_sectors_list", "created_at"]
        # The slug is how gateways name the model (?model=...): renaming it, or moving
        # another model's slug here, would re-point every check at other clearances.
        # The name is what reviewers and applicants know it by. Both are fixed.
        return ["name", "slug", *POLICY_READONLY, "created_at"]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if obj is None else {}

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        return [
            (None, {"fields": ["name", "slug", "description"]}),
            (
                "Access policy (changes by proposal and a government official's approval)",
                {"fields": POLICY_READONLY},
            ),
            (None, {"fields": ["created_at"]}),
        ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            services.record_initial_version(form.instance, actor=request.user)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/suspend/",
                view(self.suspend_view),
                name="gated_models_gatedmodel_suspend",
            ),
            path(
                "<int:object_id>/close/",
                view(self.close_view),
                name="gated_models_gatedmodel_close",
            ),
            path(
                "<int:object_id>/restore/",
                view(self.restore_view),
                name="gated_models_gatedmodel_restore",
            ),
            path(
                "<int:object_id>/propose/",
                view(self.propose_view),
                name="gated_models_gatedmodel_propose",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {
            **(extra_context or {}),
            "may_propose": permissions.allowed(request.user, Action.POLICY_PROPOSE),
            "may_tighten": permissions.allowed(request.user, Action.MODEL_TIGHTEN),
        }
        return super().change_view(request, object_id, form_url, context)

    def _model_for(self, request, object_id, action: Action) -> GatedModel:
        model = self.get_object(request, str(object_id))
        if model is None:
            raise Http404
        if not permissions.allowed(request.user, action):
            raise PermissionDenied
        return model

    def suspend_view(self, request, object_id):
        """Step two of the emergency stop: states who loses access, asks a reason."""
        model = self._model_for(request, object_id, Action.MODEL_TIGHTEN)
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

    def close_view(self, request, object_id):
        model = self._model_for(request, object_id, Action.MODEL_TIGHTEN)
        form = ModelCloseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            if self._run(request, form, services.gated_model_close, model, reason=reason):
                messages.success(request, f"{model.name} is closed to new applications.")
                return self._back(model)
        return self._render(
            request, model, form, "Close to new applications", "console/reason_form.html"
        )

    def restore_view(self, request, object_id):
        """Propose restoration: applied only when a second person approves it."""
        model = self._model_for(request, object_id, Action.POLICY_PROPOSE)
        form = ModelRestoreForm(request.POST or None, model=model)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            change = self._run(
                request,
                form,
                services.gated_model_restore,
                model,
                reason=data["reason"],
                access_status=data["access_status"],
                sector_ids=[s.pk for s in data["sectors"]],
            )
            if change:
                return self._proposed(request, change, f"Restoration of {model.name} proposed")
        return self._render(
            request,
            model,
            form,
            "Propose restoration",
            "console/reason_form.html",
            intro="A government official other than you must approve the restoration; "
            "the model stays suspended until then.",
        )

    def propose_view(self, request, object_id):
        model = self._model_for(request, object_id, Action.POLICY_PROPOSE)
        form = PolicyChangeForm(request.POST or None, initial=PolicyChangeForm.initial_for(model))
        if request.method == "POST" and form.is_valid():
            change = self._run(
                request,
                form,
                policy.policy_change_propose,
                model,
                rationale=form.cleaned_data["rationale"],
                **form.policy_values(),
            )
            if change:
                return self._proposed(request, change, "Policy change proposed")
        return self._render(
            request,
            model,
            form,
            "Propose",
            "console/policy_propose.html",
            title=f"Propose a policy change to {model.name}",
        )

    def _proposed(self, request, change, what):
        messages.success(
            request,
            f"{what} (#{change.pk}); a government official other than you must approve it "
            "before anything changes.",
        )
        return HttpResponseRedirect(change_url(change))

    def _run(self, request, form, service, model, **data):
        try:
            return service(actor=request.user, gated_model_id=model.pk, **data) or True
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            _form_errors(form, exc)
        return None

    def _back(self, model):
        return HttpResponseRedirect(
            reverse("admin:gated_models_gatedmodel_change", args=[model.pk])
        )

    def _render(self, request, model, form, label, template, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "subject": model,
            "submit_label": label,
            "title": f"{label} {model.name}",
            **extra,
            "cancel_url": reverse("admin:gated_models_gatedmodel_change", args=[model.pk]),
        }
        # A refused POST re-renders the form, with what was typed, as a 400.
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, template, context, status=status)
