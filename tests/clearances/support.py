"""Reaching every clearance state through the real services."""

from tests.factories import Cast, make_model
from vetting.applications.models import State
from vetting.clearances import services
from vetting.clearances.models import Clearance, ClearanceState


def expiring_cast() -> Cast:
    """A cast whose model issues clearances valid for 0 days: due for expiry at once."""
    return Cast(make_model(clearance_validity_days=0))


def clearance_in(cast: Cast, state: str) -> Clearance:
    """A fresh approved application's clearance, taken to ``state`` by the officer
    (or, for ``expired``, the system; the cast's model must issue 0-day clearances)."""
    clearance = cast.walk_to(State.APPROVED).clearance
    officer = cast.officer
    if state == ClearanceState.SUSPENDED:
        services.clearance_suspend(
            actor=officer, clearance_id=clearance.pk, reason="Suspicious usage pattern."
        )
    elif state == ClearanceState.REVOKED:
        services.clearance_revoke(
            actor=officer, clearance_id=clearance.pk, reason="Terms violated."
        )
    elif state == ClearanceState.EXPIRED:
        assert services.clearance_expire(clearance_id=clearance.pk) is not None
    clearance.refresh_from_db()
    assert clearance.state == state
    return clearance
