"""People in the console: staff roles are groups; MFA status is visible."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import (
    ReadOnlyPasswordHashField,
    ReadOnlyPasswordHashWidget,
    UserChangeForm,
)
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html, format_html_join

from vetting.console.admin_tools import AuditedAdmin, ScaleAdmin

from .enrollment import enrollment_send
from .models import User


class EmailUserCreationForm(forms.ModelForm):
    """A new account has no usable password: a staff member sets theirs from the
    enrollment link (vetting.accounts.enrollment), an applicant by resetting it."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "is_staff"]

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class PasswordSummaryWidget(ReadOnlyPasswordHashWidget):
    """Django's read-only password summary without its "Reset password" button, which
    opens the password form (``user_change_password``: change permission only)."""

    def render(self, name, value, attrs=None, renderer=None):
        summary = self.get_context(name, value, attrs)["summary"]
        entries = format_html_join(
            " ",
            "<strong>{}</strong>{}",
            (
                (e["label"], format_html(": <bdi>{}</bdi>", e["value"]) if e.get("value") else "")
                for e in summary
            ),
        )
        return format_html("<div><p>{}</p></div>", entries)


class ReaderUserForm(EmailUserChangeForm):
    """The form of a user's page for a reader who may not change the user (an auditor)."""

    password = ReadOnlyPasswordHashField(label="Password", widget=PasswordSummaryWidget)


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
                "a password and an authenticator app, both set up from the enrollment "
                "link emailed when the account becomes staff.",
            },
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "is_staff"],
                "description": "No password here: a staff account gets an emailed "
                "enrollment link (password and second factor); an applicant chooses a "
                "password by resetting it.",
            },
        )
    ]
    filter_horizontal = ["groups"]
    actions = ["send_enrollment_link"]

    def get_form(self, request, obj=None, **kwargs):
        """A reader who may not change this user is offered no link to its password
        form, which would answer 403 (the page asks the same has_change_permission)."""
        if obj is not None and not self.has_change_permission(request, obj):
            kwargs["form"] = ReaderUserForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.is_staff and "is_staff" in form.changed_data:
            enrollment_send(actor=request.user, user=obj)
            messages.info(request, f"An enrollment link was emailed to {obj.email}.")

    @admin.action(description="Send an enrollment link (resets password and second factors)")
    def send_enrollment_link(self, request, queryset):
        if not request.user.is_superuser:
            raise PermissionDenied
        staff = [user for user in queryset if user.is_staff]
        for user in staff:
            enrollment_send(actor=request.user, user=user)
        messages.info(request, f"Enrollment links emailed to {len(staff)} staff account(s).")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "totpdevice_set")

    @admin.display(description="roles")
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all()) or "—"

    @admin.display(description="authenticator", boolean=True)
    def mfa(self, obj):
        return any(d.confirmed for d in obj.totpdevice_set.all())
