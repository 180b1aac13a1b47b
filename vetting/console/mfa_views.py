"""Second-factor pages: the second step of signing in (a passkey, or a code where the
account's roles allow one); enrollment from the emailed one-time link, in two steps
(choose the password, then register the first factor: a passkey, or an authenticator
app where allowed); the backup codes shown once."""

from django import forms
from django.contrib.auth import login, logout, password_validation
from django.contrib.auth.hashers import make_password
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from vetting import throttle
from vetting.accounts.enrollment import enrollment_complete, open_enrollment
from vetting.accounts.mfa import (
    base32_secret,
    console_verified,
    otpauth_uri,
    own_factors,
    passkey_required,
    pending_device,
    qr_svg,
)
from vetting.accounts.second_step import TokenForm, check_code, verified
from vetting.errors import InvalidState
from vetting.throttle import throttled

from .site import _is_staff, safe_next

# The session of an enrollment link's page once its password is chosen: {"token": the
# link's token, "password": the chosen password's hash}, until a factor completes it.
ENROLLING = "vetting_enrolling"
NEW_CODES = "vetting_new_backup_codes"  # for the page after enrollment, once
PASSKEY_ONLY = (
    "Your role signs in with a passkey only: use it here. If it is lost, ask an "
    "administrator for a new enrollment link."
)


def _guard(request, site):
    """Where to send someone who should not be on a second-factor page, or None."""
    if not _is_staff(request.user):
        return HttpResponseRedirect(reverse("admin:login", current_app=site.name))
    if console_verified(request.user):
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


@never_cache
@csrf_protect
def verify(request, site):
    """Second step of signing in: the token from the staff user's confirmed device."""
    redirect = _guard(request, site)
    if redirect:
        return redirect
    passkey_only = passkey_required(request.user)
    form = TokenForm(request.POST or None)
    status, refused = 200, ""
    if request.method == "POST" and passkey_only:
        status, refused = 403, PASSKEY_ONLY  # no code is tried
    elif request.method == "POST" and form.is_valid():
        done, status = check_code(request, form)
        if done:
            return HttpResponseRedirect(safe_next(request, reverse("admin:index")))
    context = _context(
        request, site, form, title="Second step", passkey_only=passkey_only, refused=refused
    )
    return render(request, "console/mfa_verify.html", context, status=status)


class PasswordForm(forms.Form):
    new_password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password.",
    )
    new_password2 = forms.CharField(
        label="The password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

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
    """The emailed enrollment link: first choose the password, then register the first
    second factor (vetting.accounts.enrollment); then the console opens."""
    try:
        enrollment = open_enrollment(token)
    except InvalidState as exc:
        context = {**_context(request, site, None, title="Enrollment link"), "error": exc.message}
        return render(request, "console/enroll_invalid.html", context, status=400)
    if request.user.is_authenticated:
        logout(request)  # the link's page enrolls its own account, never the signed-in one
    user = enrollment.user
    pending = request.session.get(ENROLLING)
    if request.method == "POST" and "start_again" in request.POST:
        request.session.pop(ENROLLING, None)
        return HttpResponseRedirect(request.path)
    if not pending or pending.get("token") != token:
        return _choose_password(request, site, user, token)
    return _first_factor(request, site, user, token, pending["password"])


def _choose_password(request, site, user, token):
    form = PasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        hashed = make_password(form.cleaned_data["new_password1"])
        request.session[ENROLLING] = {"token": token, "password": hashed}
        return HttpResponseRedirect(request.path)
    context = _context(request, site, form, title="Set up your console account", enrolling=user)
    return render(request, "console/mfa_enroll_password.html", context)


def _first_factor(request, site, user, token, password_hash):
    passkey_only = passkey_required(user)
    device = None if passkey_only else pending_device(user)
    form = TokenForm(request.POST or None)
    status, refused = 200, ""
    if request.method == "POST" and passkey_only:
        status, refused = 403, PASSKEY_ONLY
    elif request.method == "POST" and form.is_valid():
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
                    token=token, password_hash=password_hash, device=device
                )
            except InvalidState as exc:
                form.add_error(None, exc.message)
            else:
                request.session.pop(ENROLLING, None)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                verified(request, device)
                request.session[NEW_CODES] = codes
                return HttpResponseRedirect(reverse("admin:backup_codes", current_app=site.name))
    extra = {}
    if device is not None:
        uri = otpauth_uri(device)
        extra = {"secret": base32_secret(device), "otpauth_uri": uri, "qr_svg": qr_svg(uri)}
    context = _context(
        request,
        site,
        form,
        title="Add your sign-in key",
        enrolling=user,
        passkey_only=passkey_only,
        refused=refused,
        **extra,
    )
    return render(request, "console/mfa_enroll.html", context, status=status)


@never_cache
def backup_codes(request, site):
    """The backup codes just issued at enrollment, shown this once."""
    if not console_verified(request.user):
        return HttpResponseRedirect(reverse("admin:login", current_app=site.name))
    codes = request.session.pop(NEW_CODES, None)
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


@never_cache
def factors(request, site):
    """The signed-in staff member's own sign-in keys, and a button to add a passkey."""
    if not console_verified(request.user):
        return HttpResponseRedirect(reverse("admin:login", current_app=site.name))
    context = {
        **site.each_context(request),
        "title": "Your sign-in keys",
        "factors": own_factors(request.user),
        "passkey_only": passkey_required(request.user),
    }
    return render(request, "console/mfa_factors.html", context)
