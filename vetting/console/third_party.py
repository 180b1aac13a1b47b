"""The admins other packages register on the console, narrowed to what the console
needs. Called once every admin module is loaded (ConsoleAdminConfig.ready).

- django-otp's TOTP device admin shows and edits each device's secret and serves its
  QR code: a superuser could read any reviewer's second factor. Here a device, and a
  passkey (django-otp-webauthn, which registers no admin of its own), is listed
  read-only and can only be deleted, one at a time, and never a staff member's last
  factor (mfa.is_last_factor): a lost authenticator is replaced by sending the account a new
  enrollment link (vetting.accounts.enrollment), which resets it.
- django-otp's backup-code admin lists each code: not registered (codes are shown
  once, to their owner, at enrollment).
- A role is a group: registered again, so its page shows its history like every tracked
  model's (ConsoleAdminSite.register).
- django-axes' "clean up expired attempts" action needs its middleware's request
  attribute, which this project does not install (lockouts expire by AXES_COOLOFF
  on their own), so it failed with a 500.
"""

from django.contrib import admin

from vetting.accounts.mfa import is_last_factor


class FactorAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["=user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_last_factor(obj):
            return False  # the last factor: send an enrollment link instead
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Bulk deletion would not ask about each device whether it is someone's last.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


def harden(site) -> None:
    from axes.models import AccessAttempt
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    for factor in (TOTPDevice, WebAuthnCredential):
        if site.is_registered(factor):
            site.unregister(factor)
        site.register(factor, FactorAdmin)
    if site.is_registered(StaticDevice):  # backup codes are shown once, to their owner
        site.unregister(StaticDevice)
    if site.is_registered(Group):  # registered by django.contrib.auth before its history
        group_admin = type(site._registry[Group])
        site.unregister(Group)
        site.register(Group, group_admin)
    if site.is_registered(AccessAttempt):
        axes_admin = type(site._registry[AccessAttempt])
        site.unregister(AccessAttempt)
        site.register(AccessAttempt, type("AccessAttemptAdmin", (axes_admin,), {"actions": []}))
