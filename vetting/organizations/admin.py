"""Organizations, their members and the sector list in the console."""

from django.contrib import admin

from vetting.console.admin_tools import AuditedAdmin, ReadOnlyAdmin, ScaleAdmin

from .models import Membership, Organization, Sector


@admin.register(Sector)
class SectorAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The 16 sectors come from a data migration; nobody edits them here."""

    list_display = ["name", "slug", "agencies"]
    search_fields = ["^name"]

    @admin.display(description="sector risk management agencies")
    def agencies(self, obj):
        return ", ".join(obj.srma)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["user", "role", "joined_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # members are invited by the organization's admin in the portal


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin, ScaleAdmin, admin.ModelAdmin):
    list_display = ["legal_name", "kind", "country", "uei", "ein", "cage", "domain", "created_at"]
    list_filter = ["kind", "sectors", "country"]
    search_fields = ["^legal_name", "=uei", "=ein", "=cage", "=domain"]
    ordering = ["legal_name"]
    filter_horizontal = ["sectors"]
    inlines = [MembershipInline]
    readonly_fields = ["created_at"]


@admin.register(Membership)
class MembershipAdmin(ScaleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["user", "organization", "role", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["user", "organization"]
    search_fields = ["=user__email", "^organization__legal_name"]
