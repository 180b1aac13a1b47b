"""The admin site of the review console: MFA for every staff user, dashboard index.

Every admin page needs an active staff user whose session was verified with a
second factor its owner's roles accept (mfa.console_verified: a passkey, or where
allowed a TOTP or backup code). A staff user who has signed in with a password but
not yet with such a factor is sent to the second-step page. One with no device is signed out: a
device is registered only through the emailed enrollment link, with the password
(vetting.accounts.enrollment), so nobody who learns a password can bind a device.
Applicants (non-staff) never get in: the password form refuses them.
"""

from django.contrib import admin, messages
from django.contrib.admin import ModelAdmin
from django.contrib.auth import logout
from django.db.models.base import ModelBase
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from vetting.accounts.mfa import console_verified, has_confirmed_device

NOT_ENROLLED = (
    "This account has no second factor yet. Follow the enrollment link emailed to you, "
    "or ask an administrator to send a new one."
)


def _is_staff(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class ConsoleAdminSite(admin.AdminSite):
    site_header = "Vetting — review console"
    site_title = "Vetting"
    index_title = "Review console"
    index_template = "console/index.html"

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every ModelAdmin on the console refuses query-string lookups its filters
        do not offer (see admin_tools.StrictLookups), and the change page of every
        model that records its history shows it (history_panel)."""
        from .admin_tools import strict
        from .history_panel import with_history

        models = (
            [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        )
        for model in models:
            super().register(
                model, with_history(model, strict(admin_class or ModelAdmin)), **options
            )

    def admin_view(self, view, cacheable=False):
        """Every console view knows its request while its page renders, so read-only
        related fields link only where the reader may go (related_links)."""
        from functools import update_wrapper

        from .related_links import answering

        return super().admin_view(update_wrapper(answering(view), view), cacheable)

    def each_context(self, request):
        """Django's "View site" link goes to the portal, whose pages first ask for a
        verified email address (a staff account may have none): only offered to
        those the portal lets in, not sent to "Check your email"."""
        from vetting.portal.scoping import email_verified

        context = super().each_context(request)
        if not email_verified(request.user):
            context["site_url"] = None
        return context

    def autocomplete_view(self, request):
        from .admin_tools import ConsoleAutocomplete

        return ConsoleAutocomplete.as_view(admin_site=self)(request)

    def has_permission(self, request):
        return console_verified(request.user)

    def login(self, request, extra_context=None):
        if _is_staff(request.user) and not console_verified(request.user):
            if not has_confirmed_device(request.user):
                # No second factor: only the emailed enrollment link registers one.
                logout(request)
                messages.error(request, NOT_ENROLLED)
                return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
            return HttpResponseRedirect(self._second_factor_url(request))
        return super().login(request, extra_context)

    def _second_factor_url(self, request) -> str:
        url = reverse("admin:mfa_verify", current_app=self.name)
        target = safe_next(request, "")
        return f"{url}?next={target}" if target else url

    def get_urls(self):
        from . import mfa_views

        return [
            path("mfa/verify/", mfa_views.verify, {"site": self}, name="mfa_verify"),
            path("enroll/<str:token>/", mfa_views.enroll, {"site": self}, name="enroll"),
            path("mfa/backup-codes/", mfa_views.backup_codes, {"site": self}, name="backup_codes"),
            path("mfa/sign-out/", mfa_views.sign_out, {"site": self}, name="mfa_sign_out"),
            path("mfa/keys/", mfa_views.factors, {"site": self}, name="mfa_factors"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        from .dashboard import dashboard_context

        return super().index(request, {**dashboard_context(request.user), **(extra_context or {})})
