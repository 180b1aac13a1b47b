"""Second-factor pages: enter a TOTP token, or enroll an authenticator app first."""

import io

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from vetting import throttle
from vetting.accounts.mfa import base32_secret, otpauth_uri, pending_device
from vetting.throttle import throttled

from .site import _is_staff, safe_next


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label="Six-digit code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("The code is the six digits your app shows.")
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


@never_cache
@csrf_protect
def enroll(request, site):
    """First sign-in of a staff user without a device: show the secret and a QR
    code, and confirm the device with one correct token."""
    redirect = _guard(request, site)
    if redirect:
        return redirect
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return HttpResponseRedirect(reverse("admin:mfa_verify", current_app=site.name))
    device = pending_device(request.user)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if throttled(request, "second_factor", user=request.user):
            form.add_error(None, throttle.MESSAGE)
            status = 429
        elif device.verify_token(form.cleaned_data["otp_token"]):
            with transaction.atomic():  # the device and its user.mfa_enrolled event
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            _verified(request, device)
            return HttpResponseRedirect(safe_next(request, reverse("admin:index")))
        else:
            form.add_error(
                "otp_token",
                "That code does not match; check the secret in your "
                "app and enter the code it shows now.",
            )
    uri = otpauth_uri(device)
    return render(
        request,
        "console/mfa_enroll.html",
        status=status,
        context=_context(
            request,
            site,
            form,
            title="Set up your authenticator app",
            secret=base32_secret(device),
            otpauth_uri=uri,
            qr_svg=_qr_svg(uri),
        ),
    )


@require_POST
@csrf_protect
def sign_out(request, site):
    """Leave from the code or enrollment page (the admin's own logout needs a
    verified session, so it would only send the person back here)."""
    logout(request)
    return HttpResponseRedirect(reverse("admin:login", current_app=site.name))
