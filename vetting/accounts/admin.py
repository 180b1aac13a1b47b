"""People in the console: staff roles are groups; MFA status is visible."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from vetting.console.admin_tools import AuditedAdmin, ScaleAdmin

from .models import User


class EmailUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedAdmin, ScaleAdmin, BaseUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    list_display = [
        "email",
        "first_name",
        "last_name",
        "is_staff",
        "roles",
        "mfa",
        "is_active",
        "last_login",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["^email", "^last_name"]
    ordering = ["email"]
    readonly_fields = ["last_login", "date_joined", "email_verified_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "email_verified_at"]}),
        (
            "Access",
            {
                "fields": ["is_active", "is_staff", "is_superuser", "groups"],
                "description": "Staff roles are the groups; a staff user signs in with "
                "a password and an authenticator app.",
            },
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = ["groups"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "totpdevice_set")

    @admin.display(description="roles")
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all()) or "—"

    @admin.display(description="authenticator", boolean=True)
    def mfa(self, obj):
        return any(d.confirmed for d in obj.totpdevice_set.all())
