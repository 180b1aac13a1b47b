"""The clearance page of an organization and its printable certificate.

The signed certificate itself is served by vetting.api.views.certificate_download
(``clearance_certificate``); these pages link it.
"""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from vetting.clearances.models import Clearance, ClearanceState
from vetting.clearances.reminders import REMINDER_DAYS

from .scoping import verified_required
from .templatetags.portal_status import clearance_standing


def clearance_or_404(user, clearance_id) -> Clearance:
    """A clearance of one of ``user``'s organizations; 404 for any other, like every
    portal object (an id of another organization reveals nothing)."""
    return get_object_or_404(
        Clearance.objects.select_related("organization", "gated_model", "sector", "application"),
        pk=clearance_id,
        organization__memberships__user=user,
    )


def _and(words: list[str]) -> str:
    """ "30, 7 and 1"."""
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


def _context(clearance) -> dict:
    now = timezone.now()
    state, when = clearance_standing(clearance, now)
    org, model = clearance.organization, clearance.gated_model
    check_path = f"/api/v1/check?organization={org.pk}&model={model.slug}"
    return {
        "clearance": clearance,
        "org": org,
        "model": model,
        "standing": state,
        "standing_when": when,
        "valid_now": state == ClearanceState.ACTIVE,
        # When the expiry reminder emails go out (vetting.clearances.reminders): the
        # daily job sends the one due once the time left drops below each mark.
        "reminders": [
            (days, clearance.expires_at - timedelta(days=days))
            for days in sorted(REMINDER_DAYS, reverse=True)
            if clearance.expires_at - timedelta(days=days) > now
        ]
        if state == ClearanceState.ACTIVE
        else [],
        "reminder_days": _and([str(days) for days in sorted(REMINDER_DAYS, reverse=True)]),
        "check_path": check_path,
        "check_example": (
            f'curl -H "Authorization: Bearer $VETTING_API_KEY" "{settings.BASE_URL}{check_path}"'
        ),
        "certificate_api_path": f"/api/v1/clearances/{clearance.serial}/certificate",
    }


@verified_required
def clearance_detail(request, clearance_id):
    clearance = clearance_or_404(request.user, clearance_id)
    return render(request, "portal/clearance_detail.html", _context(clearance))


@verified_required
def clearance_printable(request, clearance_id):
    """A human-readable certificate to print (the signed one is the proof)."""
    clearance = clearance_or_404(request.user, clearance_id)
    return render(
        request,
        "portal/clearance_printable.html",
        {**_context(clearance), "printed_at": timezone.now()},
    )
