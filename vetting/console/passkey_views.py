"""Passkey ceremonies of the console (django-otp-webauthn's views, with this project's
rules): registering a passkey at enrollment or from a verified session, and using one
as the second step of signing in.

The library's own views would let anyone signed in with a password and no factor yet
register one, the very hole the emailed enrollment link closes; here a passkey is
registered only

- by the holder of a live enrollment link who has chosen the password on its page
  (the session remembers the link; the passkey completes the enrollment), or
- from a console session verified with a factor its owner's roles accept
  (mfa.console_verified), never one verified with a code where a passkey is required.

Applicants use the same ceremonies from the portal (vetting.portal.views_security),
under django-otp-webauthn's own rule for registering.
The relying party is BASE_URL's host, the one origin allowed is BASE_URL's (settings).
"""

from django.contrib.auth import login
from django.db import transaction
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions, views
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.utils import rewrite_exceptions

from vetting import throttle
from vetting.accounts.enrollment import enrollment_complete, open_enrollment
from vetting.accounts.mfa import console_verified
from vetting.accounts.second_step import OWED, verified
from vetting.errors import InvalidState
from vetting.throttle import throttled

from .mfa_views import ENROLLING, NEW_CODES
from .site import _is_staff, safe_next


class Helper(WebAuthnHelper):
    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        device.name = f"Passkey added {timezone.now():%Y-%m-%d}"
        return device


class Refused(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = "This account cannot register a passkey here."
    default_code = "refused"


class Throttled(exceptions.OTPWebAuthnApiError):
    status_code = 429
    default_detail = throttle.MESSAGE
    default_code = "throttled"


def _enrolling(request):
    """The live enrollment whose page this session chose a password on, or None."""
    pending = request.session.get(ENROLLING)
    if not pending:
        return None
    try:
        return open_enrollment(pending["token"])
    except InvalidState:
        request.session.pop(ENROLLING, None)
        return None


class RegistrationRules:
    def get_user(self):
        if self.request.user.is_authenticated:
            return self.request.user
        enrollment = _enrolling(self.request)
        if enrollment is None:
            return None
        user = enrollment.user
        user.is_verified = lambda: False  # what django-otp's middleware gives request.user
        return user

    def check_can_register(self):
        # Staff, signed in: a session console_verified accepts. Not signed in: get_user
        # found a live enrollment (of a staff account) or nobody. An applicant: the
        # library's own rule (a verified session once the account has a factor; the first
        # may be added with the password, vetting.portal.views_security).
        user = self.get_user()
        if self.request.user.is_authenticated and user.is_staff and not console_verified(user):
            raise exceptions.NotVerified(
                detail="Verify this session with your passkey before adding another."
            )


class BeginRegistration(RegistrationRules, views.BeginCredentialRegistrationView):
    pass


class CompleteRegistration(RegistrationRules, views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        if self.request.user.is_authenticated:
            was_verified = self.request.user.is_verified()
            response = super().post(*args, **kwargs)  # django-otp-webauthn verifies the
            if response.status_code == 200 and not was_verified:  # session with a first one
                self.request.session.pop(OWED, None)
                self.request.session.cycle_key()  # a new key at every authentication step
            return response
        pending = self.request.session.get(ENROLLING)
        state = self.get_state()
        with rewrite_exceptions(logger=views._get_pywebauthn_logger()), transaction.atomic():
            device = self.get_helper().register_complete(
                user=self.get_user(), state=state, data=self.request.data
            )
            try:
                user, codes = enrollment_complete(
                    token=pending["token"], password_hash=pending["password"], device=device
                )
            except InvalidState as exc:
                transaction.set_rollback(True)
                raise Refused(detail=exc.message) from None
        self.request.session.pop(ENROLLING, None)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        verified(self.request, device)
        self.request.session[NEW_CODES] = codes
        return JsonResponse({"id": device.pk, "redirect_url": reverse("admin:backup_codes")})


class AuthenticationRules:
    def check_can_authenticate(self):
        # The second step only, after the password (no passwordless sign-in).
        user = self.request.user
        if not (user.is_authenticated and user.is_active):
            raise exceptions.NotAuthenticated()


class BeginAuthentication(AuthenticationRules, views.BeginCredentialAuthenticationView):
    pass


class CompleteAuthentication(AuthenticationRules, views.CompleteCredentialAuthenticationView):
    def post(self, *args, **kwargs):
        if throttled(self.request, "second_factor", user=self.request.user):
            self.request.session.pop("otp_webauthn_authentication_state", None)
            raise Throttled()
        return super().post(*args, **kwargs)

    def complete_auth(self, device):
        verified(self.request, device)

    def get_success_url(self):
        home = "admin:index" if _is_staff(self.request.user) else "portal:dashboard"
        return safe_next(self.request, reverse(home))


urlpatterns = [
    path("registration/begin/", BeginRegistration.as_view(), name="credential-registration-begin"),
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        BeginAuthentication.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
