"""Policy changes and policy versions in the console: the diff, and approve / reject /
withdraw buttons for whoever vetting.permissions allows (vetting.gated_models.policy
does the work)."""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from vetting import permissions
from vetting.console.admin_tools import ReadOnlyAdmin
from vetting.console.reason_forms import PolicyDecisionForm
from vetting.errors import DomainError
from vetting.permissions import Action

from . import policy
from .models import POLICY_LABELS, PolicyChange, PolicyVersion


def change_url(change) -> str:
    return reverse("admin:gated_models_policychange_change", args=[change.pk])


DECISIONS = {
    "approve": (Action.POLICY_DECIDE, policy.policy_change_approve, "Applied"),
    "reject": (Action.POLICY_DECIDE, policy.policy_change_reject, "Rejected"),
    "withdraw": (Action.POLICY_PROPOSE, policy.policy_change_withdraw, "Withdrawn"),
}


@admin.register(PolicyChange)
class PolicyChangeAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "number",
        "gated_model",
        "fields_changed",
        "loosening",
        "state",
        "proposed_by",
        "proposed_at",
        "decided_by",
    ]
    list_filter = ["state", "loosening", "gated_model"]
    list_select_related = ["gated_model", "proposed_by", "decided_by"]
    change_form_template = "console/policy_change_form.html"
    fields = [
        "gated_model",
        "state",
        "base_version",
        "loosening",
        "rationale",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "decision_rationale",
    ]
    readonly_fields = fields

    @admin.display(description="change", ordering="id")
    def number(self, obj):
        return f"#{obj.pk}"

    @admin.display(description="fields changed")
    def fields_changed(self, obj):
        return ", ".join(POLICY_LABELS.get(f, f) for f in obj.changes)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                f"<int:object_id>/{decision}/",
                view(self.decide_view),
                {"decision": decision},
                name=f"gated_models_policychange_{decision}",
            )
            for decision in DECISIONS
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if change is not None:
            user = request.user
            refusal = permissions.refusal(user, Action.POLICY_DECIDE, change)
            context.update(
                diff=policy.diff_rows(change),
                stale=change.is_stale,
                may_decide=change.is_pending and refusal is None,
                decide_refusal=refusal,
                may_withdraw=change.is_pending
                and change.proposed_by_id == user.pk
                and permissions.allowed(user, Action.POLICY_PROPOSE),
            )
        return super().change_view(request, object_id, form_url, context)

    def decide_view(self, request, object_id, decision):
        change = self.get_object(request, str(object_id))
        if change is None:
            raise Http404
        action, service, done = DECISIONS[decision]
        if not permissions.allowed(request.user, action):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = PolicyDecisionForm(request.POST)
        rationale = form.cleaned_data["rationale"] if form.is_valid() else ""
        try:
            service(actor=request.user, change_id=change.pk, rationale=rationale)
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{done}: policy change #{change.pk}.")
        return HttpResponseRedirect(change_url(change))


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["gated_model", "number", "applied_at", "applied_by", "change", "reason"]
    list_filter = ["gated_model"]
    list_select_related = ["gated_model", "applied_by", "change"]
    fields = ["gated_model", "number", "applied_at", "applied_by", "change", "reason", "policy"]
    readonly_fields = fields

    @admin.display(description="policy (snapshot)")
    def policy(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.snapshot, indent=2, sort_keys=True))
