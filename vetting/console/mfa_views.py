"""Second-factor pages: enter a TOTP token; enroll from the emailed one-time link."""

import io
import re

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout, password_validation
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from vetting import throttle
from vetting.accounts.enrollment import enrollment_complete, open_enrollment
from vetting.accounts.mfa import backup_code_used, base32_secret, otpauth_uri, pending_device
from vetting.errors import InvalidState
from vetting.throttle import throttled

from .site import _is_staff, safe_next

_BACKUP_CODE = re.compile(r"[a-z2-7]{8}")  # django-otp's static tokens


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


def _guard(request, site):
    """Where to send someone who should not be on a second-factor page, or None."""
    if not _is_staff(request.user):
        return HttpResponseRedirect(reverse("admin:login", current_app=site.name))
    if request.user.is_verified():
        return HttpResponseRedirect(safe_next(request, reverse("admin:index")))
    return None


def _context(request, site, form, **extra):
    # The console's navigation would only lead back here: none is shown before the
    # second step (no app list, no sidebar, no user links but signing out).
    navigation = {"available_apps": [], "is_nav_sidebar_enabled": False, "has_permission": False}
    return {
        **site.each_context(request),
        **navigation,
        "form": form,
        "next": safe_next(request, ""),
        **extra,
    }


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@never_cache
@csrf_protect
def verify(request, site):
    """Second step of signing in: the token from the staff user's confirmed device."""
    redirect = _guard(request, site)
    if redirect:
        return redirect
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if throttled(request, "second_factor", user=request.user):
            form.add_error(None, throttle.MESSAGE)
            status = 429
        elif device := django_otp.match_token(request.user, form.cleaned_data["otp_token"]):
            _verified(request, device)
            if isinstance(device, StaticDevice):
                left = backup_code_used(request.user, device)
                messages.warning(
                    request, f"You signed in with a backup code; {left} remain unused."
                )
            return HttpResponseRedirect(safe_next(request, reverse("admin:index")))
        else:
            form.add_error(
                "otp_token", "That code is wrong or has expired; enter the code your app shows now."
            )
    context = _context(request, site, form, title="Enter your code")
    return render(request, "console/mfa_verify.html", context, status=status)


def _verified(request, device) -> None:
    """The session is now verified with ``device``: under a new session key, so a key
    learnt before the second step (a fixed or stolen cookie) is worth nothing after."""
    django_otp.login(request, device)
    request.session.cycle_key()


class EnrollmentForm(TokenForm):
    new_password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password.",
    )
    new_password2 = forms.CharField(
        label="The password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["new_password1", "new_password2", "otp_token"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "The two passwords differ.")
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password1", exc)
        return data


@never_cache
@csrf_protect
def enroll(request, site, token):
    """The emailed enrollment link: choose the password and register the first second
    factor (vetting.accounts.enrollment); then the console opens."""
    try:
        enrollment = open_enrollment(token)
    except InvalidState as exc:
        context = {**_context(request, site, None, title="Enrollment link"), "error": exc.message}
        return render(request, "console/enroll_invalid.html", context, status=400)
    user = enrollment.user
    device = pending_device(user)
    form = EnrollmentForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST" and form.is_valid():
        if throttled(request, "second_factor", user=user):
            form.add_error(None, throttle.MESSAGE)
            status = 429
        elif not device.verify_token(form.cleaned_data["otp_token"]):
            form.add_error(
                "otp_token",
                "That code does not match; check the secret in your "
                "app and enter the code it shows now.",
            )
        else:
            try:
                user, codes = enrollment_complete(
                    token=token, password=form.cleaned_data["new_password1"], device=device
                )
            except InvalidState as exc:
                form.add_error(None, exc.message)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                _verified(request, device)
                request.session[_NEW_CODES] = codes  # for the next page, once
                return HttpResponseRedirect(reverse("admin:backup_codes", current_app=site.name))
    uri = otpauth_uri(device)
    return render(
        request,
        "console/mfa_enroll.html",
        status=status,
        context=_context(
            request,
            site,
            form,
            title="Set up your console account",
            enrolling=user,
            secret=base32_secret(device),
            otpauth_uri=uri,
            qr_svg=_qr_svg(uri),
        ),
    )


_NEW_CODES = "vetting_new_backup_codes"


@never_cache
def backup_codes(request, site):
    """The backup codes just issued at enrollment, shown this once."""
    if not (_is_staff(request.user) and request.user.is_verified()):
        return HttpResponseRedirect(reverse("admin:login", current_app=site.name))
    codes = request.session.pop(_NEW_CODES, None)
    if not codes:
        return HttpResponseRedirect(reverse("admin:index", current_app=site.name))
    context = _context(request, site, None, title="Your backup codes", codes=codes)
    return render(request, "console/backup_codes.html", context)


@require_POST
@csrf_protect
def sign_out(request, site):
    """Leave from the code or enrollment page (the admin's own logout needs a
    verified session, so it would only send the person back here)."""
    logout(request)
    return HttpResponseRedirect(reverse("admin:login", current_app=site.name))
