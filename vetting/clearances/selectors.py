"""Is an organization cleared for a model now? (The rule of DESIGN.md, in one place.)

``evaluate`` is the rule; ``clearance_status`` gathers its inputs from the database.
The API's hot path (vetting.api.check) and the status list gather the same inputs
from their caches and call ``evaluate`` too, so every answer comes from this file.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from vetting.gated_models.models import GatedModel

from .models import Clearance, ClearanceState, DenialReason


@dataclass(frozen=True)
class ClearanceStatus:
    cleared: bool
    reason: str | None
    clearance: Clearance | None


_STATE_PRIORITY = {
    ClearanceState.ACTIVE: 0,
    ClearanceState.SUSPENDED: 1,
    ClearanceState.EXPIRED: 2,
    ClearanceState.REVOKED: 3,
}


def best_clearance(clearances: Iterable[Clearance]) -> Clearance | None:
    """The clearance that speaks for an organization: active before suspended before
    expired before revoked, newest first."""
    return min(
        clearances, key=lambda c: (_STATE_PRIORITY[c.state], -c.issued_at.timestamp()), default=None
    )


def evaluate(
    clearances: Iterable[Clearance],
    *,
    model_suspended: bool,
    restored_sector_ids: Iterable[int],
    denied: bool,
    now: datetime,
) -> ClearanceStatus:
    """Cleared iff a clearance is active and not past expiry, the model is not
    suspended (nor restored only for other sectors) and the organization is not on
    the deny list. Pure: no queries."""
    best = best_clearance(clearances)
    if best is None:
        return ClearanceStatus(False, DenialReason.NO_CLEARANCE, None)
    if denied:
        return ClearanceStatus(False, DenialReason.DENIED_PARTY, best)
    if model_suspended:
        return ClearanceStatus(False, DenialReason.MODEL_SUSPENDED, best)
    if best.state == ClearanceState.ACTIVE and best.expires_at <= now:
        return ClearanceStatus(False, DenialReason.EXPIRED, best)
    if best.state != ClearanceState.ACTIVE:
        return ClearanceStatus(False, DenialReason(best.state), best)
    restored = set(restored_sector_ids)
    if restored and best.sector_id not in restored:
        return ClearanceStatus(False, DenialReason.MODEL_SUSPENDED, best)
    return ClearanceStatus(True, None, best)


def clearance_status(
    *, organization_id: int, gated_model: GatedModel, now=None, denied: bool | None = None
) -> ClearanceStatus:
    """The rule above, with its inputs read from the database. ``denied`` may be
    passed by a caller that already knows the deny-list answer."""
    from vetting.screening.selectors import organization_is_denied

    now = now or timezone.now()
    clearances = list(
        Clearance.objects.filter(
            organization_id=organization_id, gated_model=gated_model
        ).select_related("organization")
    )
    if clearances and denied is None:
        denied = organization_is_denied(clearances[0].organization)
    return evaluate(
        clearances,
        model_suspended=gated_model.access_status == GatedModel.AccessStatus.SUSPENDED,
        restored_sector_ids=gated_model.restored_sectors.values_list("pk", flat=True),
        denied=bool(denied),
        now=now,
    )
