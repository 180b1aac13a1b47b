"""Is an organization cleared for a model now? (The rule of DESIGN.md, in one place.)"""

from dataclasses import dataclass

from django.utils import timezone

from vetting.gated_models.models import GatedModel

from .models import Clearance, ClearanceState, DenialReason


@dataclass(frozen=True)
class ClearanceStatus:
    cleared: bool
    reason: str | None
    clearance: Clearance | None


_STATE_PRIORITY = {ClearanceState.ACTIVE: 0, ClearanceState.SUSPENDED: 1,
                   ClearanceState.EXPIRED: 2, ClearanceState.REVOKED: 3}


def clearance_status(*, organization_id: int, gated_model: GatedModel, now=None) -> ClearanceStatus:
    """Cleared iff a clearance is active and not past expiry, the model is not
    suspended (nor restored only for other sectors)."""
    now = now or timezone.now()
    clearances = list(Clearance.objects.filter(
        organization_id=organization_id, gated_model=gated_model))
    if not clearances:
        return ClearanceStatus(False, DenialReason.NO_CLEARANCE, None)
    best = min(clearances, key=lambda c: (_STATE_PRIORITY[c.state], -c.issued_at.timestamp()))
    if gated_model.access_status == GatedModel.AccessStatus.SUSPENDED:
        return ClearanceStatus(False, DenialReason.MODEL_SUSPENDED, best)
    if best.state == ClearanceState.ACTIVE and best.expires_at <= now:
        return ClearanceStatus(False, DenialReason.EXPIRED, best)
    if best.state != ClearanceState.ACTIVE:
        return ClearanceStatus(False, DenialReason(best.state), best)
    restored = set(gated_model.restored_sectors.values_list("pk", flat=True))
    if restored and best.sector_id not in restored:
        return ClearanceStatus(False, DenialReason.MODEL_SUSPENDED, best)
    return ClearanceStatus(True, None, best)
