"""Review-console screens for screening. Every change goes through a service."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from vetting.errors import DomainError

from . import services
from .models import DeniedParty, DomainChallenge, ListEntry, ListVersion, ScreeningHit


@admin.register(DeniedParty)
class DeniedPartyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "uei", "ein", "cage", "added_by", "added_at"]
    list_filter = ["kind"]
    search_fields = ["legal_name", "uei", "ein", "cage", "email_domain"]
    fields = ["kind", "organization", "legal_name", "uei", "ein", "cage", "email_domain", "reason"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The service suspends the party's clearances and rejects its open applications.
        if obj.organization is not None:
            services.denied_party_add(
                actor=request.user, organization=obj.organization, reason=obj.reason
            )
            return
        services.denied_party_add(
            actor=request.user,
            reason=obj.reason,
            email_domain=obj.email_domain,
            legal_name=obj.legal_name,
            uei=obj.uei,
            ein=obj.ein,
            cage=obj.cage,
        )


@admin.register(ListVersion)
class ListVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source", "filename", "rows", "imported_at", "imported_by"]
    readonly_fields = ["source", "filename", "checksum", "rows", "imported_at", "imported_by"]

    def has_add_permission(self, request):
        return False  # files come in through `manage.py import_screening_list`


@admin.register(ListEntry)
class ListEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "list_code", "entry_type", "version"]
    list_filter = ["list_code", "entry_type"]
    search_fields = ["name"]

    def has_change_permission(self, request, obj=None):
        return False


class NeedsReviewFilter(admin.SimpleListFilter):
    """The clearance officers' queue: hits from re-screening that await a decision."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("rescreen", "Re-screening hits awaiting review"),
            ("submission", "Application hits awaiting review"),
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=ScreeningHit.Status.PENDING, run__trigger=self.value())
        return queryset


@admin.register(ScreeningHit)
class ScreeningHitAdmin(admin.ModelAdmin):
    list_display = ["subject_name", "matched_name", "score", "status", "list_code", "run"]
    list_filter = [NeedsReviewFilter, "status", "subject_kind"]
    search_fields = ["subject_name", "matched_name"]
    readonly_fields = [
        "run",
        "subject_kind",
        "subject_name",
        "entry",
        "matched_name",
        "score",
        "normalizations",
        "adjudicated_by",
        "adjudicated_at",
    ]
    fields = [*readonly_fields, "status", "rationale"]

    @admin.display(description="list")
    def list_code(self, hit):
        return hit.entry.list_code

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        try:
            services.screening_hit_adjudicate(
                actor=request.user, hit_id=obj.pk, status=obj.status, rationale=obj.rationale
            )
        except (DomainError, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))


@admin.register(DomainChallenge)
class DomainChallengeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "verified_at", "last_checked_at", "expires_at"]
    readonly_fields = [
        "organization",
        "domain",
        "token_hash",
        "created_by",
        "expires_at",
        "verified_at",
        "last_checked_at",
        "last_result",
    ]
