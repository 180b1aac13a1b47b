"""The one portal page this app owns: an organization member downloads a certificate."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from vetting.clearances.models import Clearance
from vetting.organizations.selectors import is_member

from .certificates import certificate_mint


@login_required
def certificate_download(request, clearance_id: int):
    """The clearance's signed certificate as a file; 404 to anyone outside the
    organization (never 403, so ids of other organizations reveal nothing)."""
    clearance = get_object_or_404(
        Clearance.objects.select_related("organization", "gated_model", "sector"), pk=clearance_id
    )
    if not is_member(request.user, clearance.organization_id):
        raise Http404("No such clearance.")
    response = HttpResponse(certificate_mint(clearance), content_type="application/jwt")
    response["Content-Disposition"] = f'attachment; filename="{clearance.serial}.jwt"'
    response["Cache-Control"] = "no-store"
    return response
