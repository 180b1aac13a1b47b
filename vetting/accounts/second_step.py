"""The second step of signing in, shared by the console and the portal: the code form,
checking a code (TOTP or backup) under the throttle, and marking the session verified
under a new session key.

A sign-in by an account that has a second factor owes its second step: the portal's
pages wait for it (``SecondStepMiddleware``); the console asks more (mfa.console_verified).
"""

import re

import django_otp
from django import forms
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django_otp.plugins.otp_static.models import StaticDevice

from vetting import throttle
from vetting.throttle import throttled

from .mfa import backup_code_used, has_confirmed_device, session_verified

_BACKUP_CODE = re.compile(r"[a-z2-7]{8}")  # django-otp's static tokens
OWED = "vetting_second_step_owed"  # session: this sign-in has not shown its factor yet
WRONG = "That code is wrong or has expired; enter the code your app shows now."


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label="Six-digit code from your authenticator app (or a backup code)",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"].replace(" ", "").replace("-", "").lower()
        if not (token.isdigit() or _BACKUP_CODE.fullmatch(token)):
            raise forms.ValidationError(
                "The code is the six digits your app shows, or one of your backup codes."
            )
        return token


def verified(request, device) -> None:
    """The session is now verified with ``device``: under a new session key, so a key
    learnt before the second step (a fixed or stolen cookie) is worth nothing after."""
    django_otp.login(request, device)
    request.session.pop(OWED, None)
    request.session.cycle_key()


def check_code(request, form) -> tuple[bool, int]:
    """Try the valid ``form``'s code for ``request.user``: (verified?, HTTP status). On
    failure the form carries the reason; a backup code used is audited and emailed."""
    if throttled(request, "second_factor", user=request.user):
        form.add_error(None, throttle.MESSAGE)
        return False, 429
    device = django_otp.match_token(request.user, form.cleaned_data["otp_token"])
    if device is None:
        form.add_error("otp_token", WRONG)
        return False, 200
    verified(request, device)
    if isinstance(device, StaticDevice):
        left = backup_code_used(request.user, device)
        messages.warning(request, f"You signed in with a backup code; {left} remain unused.")
    return True, 200


def owe_second_step(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session") and has_confirmed_device(user):
        request.session[OWED] = True


user_logged_in.connect(owe_second_step, dispatch_uid="vetting.accounts.second_step")

# Where a sign-in that owes its second step may still go: the step itself (and its
# passkey ceremony), signing out, the console (which has its own), static files.
_OPEN = ("/accounts/two-step/", "/accounts/logout/", "/admin/", "/static/")


class SecondStepMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.get(OWED):
            if session_verified(user):
                request.session.pop(OWED, None)
            elif not request.path.startswith(_OPEN):
                return redirect_to_login(request.get_full_path(), "two_step")
        return self.get_response(request)
