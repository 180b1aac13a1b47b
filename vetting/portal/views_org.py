"""Organization profile, members and invitations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from vetting import throttle
from vetting.errors import DomainError
from vetting.organizations import services
from vetting.organizations.models import Invitation, Membership
from vetting.screening.domains import domain_status
from vetting.throttle import throttled

from .forms import InviteForm, OrganizationForm, RoleForm
from .scoping import SESSION_ORG, apply_errors, organization_or_404, verified_required


def _profile(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items()}


@verified_required
def organization_create(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(actor=request.user, **_profile(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            request.session[SESSION_ORG] = org.pk
            messages.success(request, f"{org.legal_name} is set up; you are its administrator.")
            return redirect("portal:dashboard")
    return render(request, "portal/organization_form.html", {"form": form, "creating": True})


@verified_required
def organization_edit(request, org_id):
    org, membership = organization_or_404(request.user, org_id)
    form = OrganizationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request.user, organization_id=org.pk, **_profile(form)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "The organization profile is saved.")
            return redirect("portal:organization_edit", org_id=org.pk)
    verified, detail = domain_status(org)
    return render(
        request,
        "portal/organization_form.html",
        {
            "form": form,
            "org": org,
            "membership": membership,
            "domain_verified": verified,
            "domain_detail": detail,
        },
    )


@verified_required
@require_POST
def organization_switch(request):
    org, _ = organization_or_404(request.user, request.POST.get("organization"))
    request.session[SESSION_ORG] = org.pk
    messages.info(request, f"You are now working for {org.legal_name}.")
    return redirect("portal:dashboard")


@verified_required
def members(request, org_id):
    org, membership = organization_or_404(request.user, org_id)
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if throttled(request, "invitation", email=email, user=request.user):
            form.add_error(None, throttle.MESSAGE)
            status = 429
        else:
            try:
                services.member_invite(
                    actor=request.user, organization_id=org.pk, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error("email", exc.message)
            else:
                messages.success(request, f"Invitation sent to {email}.")
                return redirect("portal:members", org_id=org.pk)
    rows = org.memberships.select_related("user").order_by("user__email")
    invitations = org.invitations.select_related("invited_by").order_by("-created_at", "-pk")
    return render(
        request,
        "portal/members.html",
        {
            "org": org,
            "membership": membership,
            "rows": rows,
            "invitations": invitations,
            "form": form,
            "is_admin": membership.role == Membership.Role.ADMIN,
        },
        status=status,
    )


@verified_required
@require_POST
def organization_mfa(request, org_id):
    """Turn the organization's two-step sign-in requirement on or off."""
    org, _ = organization_or_404(request.user, org_id)
    required = request.POST.get("require_mfa") == "on"
    try:
        services.organization_require_mfa(
            actor=request.user, organization_id=org.pk, required=required
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:members", org_id=org.pk)
    state = "now requires" if required else "no longer requires"
    messages.success(request, f"{org.legal_name} {state} two-step sign-in.")
    return redirect("portal:members", org_id=org.pk)


def _member_or_404(request, org_id, membership_id):
    org, _ = organization_or_404(request.user, org_id)
    return org, get_object_or_404(Membership, pk=membership_id, organization=org)


@verified_required
@require_POST
def member_role(request, org_id, membership_id):
    org, target = _member_or_404(request, org_id, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("role: choose admin or member.", content_type="text/plain")
    try:
        services.member_change_role(
            actor=request.user,
            organization_id=org.pk,
            membership_id=target.pk,
            role=form.cleaned_data["role"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{target.user.email} is now {target.get_role_display()}.")
    return redirect("portal:members", org_id=org.pk)


@verified_required
def member_remove(request, org_id, membership_id):
    org, target = _member_or_404(request, org_id, membership_id)
    if request.method == "POST":
        try:
            services.member_remove(
                actor=request.user, organization_id=org.pk, membership_id=target.pk
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{target.user.email} was removed.")
        return redirect("portal:members", org_id=org.pk)
    return render(request, "portal/member_remove.html", {"org": org, "target": target})


@verified_required
@require_POST
def invitation_revoke(request, org_id, invitation_id):
    org, _ = organization_or_404(request.user, org_id)
    target = get_object_or_404(Invitation, pk=invitation_id, organization=org)
    try:
        services.invitation_revoke(
            actor=request.user, organization_id=org.pk, invitation_id=target.pk
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The invitation to {target.email} was revoked.")
    return redirect("portal:members", org_id=org.pk)


def _refused(request, exc: DomainError):
    return render(request, "portal/invitation.html", {"error": exc.message}, status=400)


@verified_required
def invitation(request, token):
    """An invitation link: GET shows it, POST accepts it. A bad, used, revoked or
    expired token answers 400 with the reason."""
    try:
        pending = services.invitation_read(token)
    except DomainError as exc:
        return _refused(request, exc)
    if request.method == "POST":
        try:
            membership = services.invitation_accept(actor=request.user, token=token)
        except DomainError as exc:
            return _refused(request, exc)
        request.session[SESSION_ORG] = membership.organization_id
        messages.success(request, f"You joined {membership.organization.legal_name}.")
        return redirect("portal:dashboard")
    return render(
        request,
        "portal/invitation.html",
        {"org": pending.organization, "invitation": pending},
    )
