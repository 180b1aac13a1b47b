"""Organizations, their members and the sector list in the console."""

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from vetting.console.admin_tools import AuditedAdmin, ReadOnlyAdmin, ScaleAdmin

from .models import Invitation, Membership, Organization, Sector


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
    fields = ["member", "role", "joined_at"]
    readonly_fields = ["member", "role", "joined_at"]
    can_delete = False

    @admin.display(description="user")
    def member(self, membership):
        """The person as text: a link to the user admin would answer 403 to reviewers."""
        return str(membership.user)

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
    # Two-step sign-in is the organization's own choice, made by its admin in the portal
    # (services.organization_require_mfa, which asks for the admin's verified session).
    readonly_fields = ["created_at", "require_mfa"]


@admin.register(Membership)
class MembershipAdmin(ScaleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["user", "organization", "role", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["user", "organization"]
    search_fields = ["=user__email", "^organization__legal_name"]


class InvitationStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Invitation.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
        match self.value():
            case Invitation.State.PENDING:
                return queryset.filter(Invitation.pending_q(now))
            case Invitation.State.ACCEPTED:
                return queryset.filter(accepted_at__isnull=False)
            case Invitation.State.REVOKED:
                return queryset.filter(accepted_at__isnull=True, revoked_at__isnull=False)
            case Invitation.State.EXPIRED:
                return queryset.filter(open_, expires_at__lte=now)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(ScaleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: admins of the organization invite and revoke in the portal.
    The token's hash is never shown (it is not a usable link, but nobody needs it)."""

    list_display = [
        "organization",
        "email",
        "role",
        "state",
        "invited_by",
        "created_at",
        "expires_at",
    ]
    list_filter = [InvitationStateFilter, "role"]
    list_select_related = ["organization", "invited_by"]
    search_fields = ["=email", "^organization__legal_name"]
    fields = [
        "organization",
        "email",
        "role",
        "state",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields

    @admin.display(description="state")
    def state(self, obj):
        return obj.get_state_display()
