"""Sign-in security for applicants: the second step of signing in, and the page where
an applicant adds or removes a passkey or an authenticator app and makes backup codes.

Adding a factor to an account that has none needs only the signed-in session (the
password); once the account has one, adding, removing or making backup codes needs a
session verified with it, so a stolen password cannot add the thief's own factor or
remove the owner's. An organization may require its members to have signed in this
way before they submit or manage members (vetting.permissions).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from vetting.accounts.mfa import (
    backup_codes_issue,
    base32_secret,
    has_confirmed_device,
    otpauth_uri,
    own_factors,
    pending_device,
    qr_svg,
    session_verified,
)
from vetting.accounts.second_step import OWED, check_code, verified
from vetting.console.site import safe_next

from .forms import AppSetupCodeForm, CodeForm

KINDS = {"passkey": WebAuthnCredential, "app": TOTPDevice}
MISMATCH = "That code does not match; enter the code your app shows now."
VERIFY_FIRST = "Sign in with your passkey or authenticator app first (Sign out, then in)."


def _next(request) -> str:
    return safe_next(request, reverse("portal:dashboard"))


@never_cache
@login_required
def two_step(request):
    """The second step of a sign-in by an account with a second factor."""
    if session_verified(request.user) or not request.session.get(OWED):
        return HttpResponseRedirect(_next(request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = check_code(request, form)
        if done:
            return HttpResponseRedirect(_next(request))
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "accounts/two_step.html", context, status=status)


def _may_change(user) -> bool:
    """May this session change the account's factors? (See the module's docstring.)"""
    return session_verified(user) or not has_confirmed_device(user)


@never_cache
@login_required
def security(request):
    """The applicant's passkeys, authenticator app and backup codes."""
    user = request.user
    if user.is_staff:  # a console account's keys change only in the console
        return redirect("admin:mfa_factors")
    form = AppSetupCodeForm(request.POST or None)
    codes, status = None, 200
    if request.method == "POST":
        if not _may_change(user):
            messages.error(request, VERIFY_FIRST)
            return redirect("security")
        action = request.POST.get("action")
        if action == "confirm_app" and form.is_valid():
            device = pending_device(user)
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                form.add_error("otp_token", "Too many wrong codes; wait a minute, then retry.")
                status = 429
            elif device.verify_token(form.cleaned_data["otp_token"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])  # audited (accounts.signals)
                if not session_verified(user):
                    verified(request, device)
                messages.success(request, "Your authenticator app is set up.")
                return redirect("security")
            else:
                form.add_error("otp_token", MISMATCH)
                status = 400
        elif action == "backup_codes":
            if not has_confirmed_device(user):
                messages.error(request, "Add a passkey or an authenticator app first.")
                return redirect("security")
            codes = backup_codes_issue(user)
        elif action == "remove":
            model = KINDS.get(request.POST.get("kind"))
            device_id = request.POST.get("device", "")
            if model is None or not device_id.isdigit():
                raise Http404("No such sign-in key.")
            device = model.objects.filter(pk=int(device_id), user=user, confirmed=True).first()
            if device is None:
                raise Http404("No such sign-in key.")
            device.delete()  # audited, and ends every session of the account
            return redirect("login")
        elif action != "confirm_app":
            raise Http404("No such change.")
    device = (
        None if any(isinstance(f, TOTPDevice) for f in own_factors(user)) else pending_device(user)
    )
    context = {
        "factors": own_factors(user),
        "may_change": _may_change(user),
        "form": form,
        "codes": codes,
    }
    if device is not None:
        uri = otpauth_uri(device)
        context.update(secret=base32_secret(device), otpauth_uri=uri, qr_svg=qr_svg(uri))
    return render(request, "accounts/security.html", context, status=status)
