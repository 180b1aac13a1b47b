"""Sign-up and email verification. Log-in, log-out and passwords use Django's views."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vetting.errors import DomainError

from . import account_services
from .forms import SignUpForm
from .scoping import apply_errors

BACKEND = "django.contrib.auth.backends.ModelBackend"
AFTER_VERIFICATION = "portal_after_verification"


def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_services.user_register(
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
            login(request, user, backend=BACKEND)
            _remember_next(request)
            return redirect("verify_pending")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


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
        return redirect("login")
    messages.success(request, "Your email address is verified.")
    return redirect(request.session.pop(AFTER_VERIFICATION, None) or "portal:dashboard")
