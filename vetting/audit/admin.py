"""The audit trail in the console: read-only for everyone, superusers included;
filters, CSV export, and a "verify chain" button."""

import json

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone

from vetting.console.admin_tools import ReadOnlyAdmin, ScaleAdmin, csv_response

from .models import AuditChainHead, AuditEvent
from .services import audit_verify_chain

EXPORT_LIMIT = 100_000


class ObjectTypeFilter(admin.SimpleListFilter):
    title = "object type"
    parameter_name = "object_type"
    TYPES = [
        "applications.application",
        "clearances.clearance",
        "gated_models.gatedmodel",
        "organizations.organization",
        "accounts.user",
    ]

    def lookups(self, request, model_admin):
        # A fixed list: a DISTINCT over the whole trail would scan it on every page.
        return [(t, t.split(".")[1]) for t in self.TYPES]

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


class ActorFilter(admin.SimpleListFilter):
    title = "actor"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        from vetting.accounts.models import User

        staff = User.objects.filter(is_staff=True).order_by("email")[:100]
        return [("system", "system"), *((str(u.pk), u.email) for u in staff)]

    def queryset(self, request, queryset):
        if self.value() == "system":
            return queryset.filter(actor__isnull=True)
        if self.value() and self.value().isdigit():
            return queryset.filter(actor_id=int(self.value()))
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ScaleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "id",
        "occurred_at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "before_state",
        "after_state",
    ]
    list_filter = [
        ActorFilter,
        "action",
        ObjectTypeFilter,
        ("occurred_at", admin.DateFieldListFilter),
    ]
    search_fields = ["=object_id", "^action", "=hash", "=request_id"]
    ordering = ["-id"]
    date_hierarchy = None
    change_list_template = "console/audit_change_list.html"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    actions = None

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("export.csv", view(self.export_view), name="audit_auditevent_export"),
            path("verify/", view(self.verify_view), name="audit_auditevent_verify"),
            *super().get_urls(),
        ]

    def _may_read(self, request) -> bool:
        return self.has_view_permission(request)

    def export_view(self, request):
        """The list's current filters, as CSV (newest first, at most EXPORT_LIMIT rows)."""
        if not self._may_read(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(
                "A filter in the address is not valid (e.g. a date that is not a date).",
                content_type="text/plain; charset=utf-8",
            )
        rows = changelist.get_queryset(request).order_by("-id")[:EXPORT_LIMIT]
        header = [
            "id",
            "occurred_at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "before",
            "after",
            "data",
            "prev_hash",
            "hash",
        ]
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        return csv_response(
            f"audit-{stamp}.csv",
            header,
            (
                [
                    e.pk,
                    e.occurred_at.isoformat(),
                    e.actor_label,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.before_state,
                    e.after_state,
                    json.dumps(e.data, sort_keys=True),
                    e.prev_hash,
                    e.hash,
                ]
                for e in rows.iterator(chunk_size=2000)
            ),
        )

    def verify_view(self, request):
        """Walk the whole chain (POST only: it reads every event)."""
        if not self._may_read(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:audit_auditevent_changelist"))
        report = audit_verify_chain()
        if report.ok:
            pinned = report.checkpoint
            against = (
                f"held to signed checkpoint #{pinned['seq']} of {pinned['at']}"
                if pinned
                else "no signed checkpoint yet"
            )
            messages.success(
                request, f"Audit chain verified: {report.count} events, intact; {against}."
            )
        else:
            messages.error(
                request,
                f"Audit chain BROKEN at {report.location} after {report.count} good events: "
                f"{report.problem}.",
            )
        return HttpResponseRedirect(reverse("admin:audit_auditevent_changelist"))


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["id", "count", "last_hash"]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(
            "audit.view_auditevent"
        )
