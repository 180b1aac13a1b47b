"""The applicant's domain-verification page: issue a DNS TXT challenge, check it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import select_template

from vetting.errors import DomainError
from vetting.organizations.models import Organization
from vetting.organizations.selectors import is_member

from .domains import challenge_name, domain_challenge_check, domain_challenge_issue
from .models import DomainChallenge


def _base_template() -> str:
    # The portal's layout when it exists; a plain page otherwise.
    return select_template(["portal/base.html", "screening/base.html"]).template.name


@login_required
def domain_verification(request, organization_id: int):
    organization = get_object_or_404(Organization, pk=organization_id)
    if not is_member(request.user, organization.pk):
        raise Http404  # another organization's page does not exist for this user
    token, error = None, None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "issue":
                _, token = domain_challenge_issue(
                    actor=request.user, organization_id=organization.pk
                )
            else:
                challenge = _latest(organization)
                if challenge is None:
                    error = "Issue a challenge first."
                else:
                    domain_challenge_check(challenge_id=challenge.pk, actor=request.user)
                    return redirect(request.path)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "screening/domain.html",
        {
            "base_template": _base_template(),
            "organization": organization,
            "challenge": _latest(organization),
            "record_name": challenge_name(organization.domain),
            "token": token,
            "error": error,
        },
    )


def _latest(organization) -> DomainChallenge | None:
    return (
        DomainChallenge.objects.filter(organization=organization, domain=organization.domain)
        .order_by("-created_at", "-id")
        .first()
    )
