"""Sign-up and email verification. Log-in, log-out and passwords use Django's views
(vetting.portal.account_urls), throttled where they send mail."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vetting import throttle
from vetting.errors import DomainError
from vetting.throttle import throttled

from . import account_services
from .forms import ResendVerificationForm, SignUpForm
from .scoping import apply_errors

AFTER_VERIFICATION = "portal_after_verification"
SIGNED_UP_AS = "portal_signed_up_as"  # the address the sign-up page sent a link to


def signup(request):
    """The same answer whether or not the address has an account (the owner of one
    gets an email instead): a page that says where the link went."""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if throttled(request, "signup", email=data["email"]):
            form.add_error(None, throttle.MESSAGE)
            return _signup_page(request, form, status=429)
        try:
            account_services.user_sign_up(
                email=data["email"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                exc = ValidationError({"password": exc.messages})
            apply_errors(form, exc)
        else:
            _remember_next(request)
            request.session[SIGNED_UP_AS] = data["email"]
            return redirect("signup_sent")
    return _signup_page(request, form)


def _signup_page(request, form, status=200):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    context = {"form": form, "next": next_url}
    return render(request, "accounts/signup.html", context, status=status)


def signup_sent(request):
    """After signing up: check your email, and send the link again if it is lost. The
    same page, and the same answer to a resend, for any address."""
    email = request.session.get(SIGNED_UP_AS, "")
    form = ResendVerificationForm(request.POST or None, initial={"email": email})
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if throttled(request, "verify_resend", email=email):
            form.add_error(None, throttle.MESSAGE)
            status = 429
        else:
            account_services.verification_resend_for(email)
            request.session[SIGNED_UP_AS] = email
            messages.success(
                request, f"If {email} waits for verification, a new link is on its way."
            )
            return redirect("signup_sent")
    return render(
        request, "accounts/signup_sent.html", {"email": email, "form": form}, status=status
    )


def _remember_next(request) -> None:
    """Where to go once verified (e.g. an invitation that sent the newcomer here)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        request.session[AFTER_VERIFICATION] = target


@login_required
def verify_pending(request):
    if request.user.email_verified_at is not None:
        return redirect("portal:dashboard")
    return render(request, "accounts/verify_pending.html")


@login_required
@require_POST
def verify_resend(request):
    if throttled(request, "verify_resend", email=request.user.email):
        messages.error(request, throttle.MESSAGE)
        return redirect("verify_pending")
    account_services.user_resend_verification(user=request.user)
    messages.success(request, f"We sent a new link to {request.user.email}.")
    return redirect("verify_pending")


def verify(request, token):
    try:
        user = account_services.user_verify_email(token=token)
    except DomainError as exc:
        return render(request, "accounts/verify_failed.html", {"error": exc.message}, status=400)
    if not request.user.is_authenticated or request.user.pk != user.pk:
        messages.success(request, "Your email address is verified. Sign in to continue.")
        target = request.session.pop(AFTER_VERIFICATION, None)
        login_url = reverse("login")
        return redirect(f"{login_url}?{urlencode({'next': target})}" if target else login_url)
    messages.success(request, "Your email address is verified.")
    return redirect(request.session.pop(AFTER_VERIFICATION, None) or "portal:dashboard")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page (the same answer for any address), throttled per client and
    per address before any mail or audit event."""

    def form_valid(self, form):
        if throttled(self.request, "password_reset", email=form.cleaned_data["email"]):
            form.add_error(None, throttle.MESSAGE)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
