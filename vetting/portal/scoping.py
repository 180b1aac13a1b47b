"""Every portal lookup goes through here: scoped to the user's organizations, 404 otherwise."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import never_cache

from vetting.applications.models import Application
from vetting.evidence.selectors import may_read
from vetting.organizations.models import Membership, Organization

SESSION_ORG = "portal_org_id"


def email_verified(user) -> bool:
    """What every signed-in portal page asks first (``verified_required``)."""
    return user is not None and user.is_authenticated and user.email_verified_at is not None


def verified_required(view):
    """Signed in, with a verified email address."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not email_verified(request.user):
            return redirect("verify_pending")
        return view(request, *args, **kwargs)

    return wrapper


def may_download_evidence(user, evidence) -> bool:
    """Whether portal:evidence_download serves ``evidence`` to ``user``: its two checks,
    a verified email address (``verified_required``) and the evidence rule
    (evidence.selectors.evidence_for_reader). The console links a file only then: a
    reviewer whose email is not verified was sent to "Check your email" instead, and a
    superuser (no review role) got a 404."""
    return email_verified(user) and may_read(user, evidence)


def memberships(user):
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__legal_name")
    )


def current_membership(request) -> Membership | None:
    """The organization the user works in now (they may belong to several)."""
    chosen = request.session.get(SESSION_ORG)
    rows = list(memberships(request.user))
    for row in rows:
        if row.organization_id == chosen:
            return row
    return rows[0] if rows else None


def organization_or_404(user, organization_id) -> tuple[Organization, Membership]:
    membership = get_object_or_404(
        Membership.objects.select_related("organization"),
        user=user,
        organization_id=organization_id,
    )
    return membership.organization, membership


def application_or_404(user, application_id) -> Application:
    return get_object_or_404(
        Application.objects.select_related("organization", "gated_model", "sector"),
        pk=application_id,
        organization__memberships__user=user,
    )


class NotADraft(Exception):
    """The application is the user's own but was submitted (or withdrawn): its draft
    pages are gone, and ``draft_view`` sends the user to its status page."""

    def __init__(self, application: Application):
        super().__init__(application.number)
        self.application = application


def draft_or_404(user, application_id) -> Application:
    """Another organization's application is a 404; the user's own that is no longer
    a draft raises NotADraft."""
    application = application_or_404(user, application_id)
    if application.state != Application._meta.get_field("state").default:
        raise NotADraft(application)
    return application


def draft_view(view):
    """A draft's step pages: never kept by the browser (Back after Submit asks the
    server again instead of showing a live Submit button from the cache), and a
    submitted application's pages lead to its status page with a word why."""

    @verified_required
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotADraft as exc:
            application = exc.application
            messages.info(
                request,
                f"{application.number} is {application.get_state_display().lower()} "
                "and can no longer be changed; here is where it stands.",
            )
            return redirect("portal:application", pk=application.pk)

    return wrapper


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
