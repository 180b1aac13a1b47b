"""Is an organization cleared for a model right now, and if not, why not."""

from datetime import timedelta

import pytest

from tests.factories import Cast, make_model
from tests.gated_models.support import restore_now
from vetting.applications import services as app_services
from vetting.applications.models import State
from vetting.clearances import services
from vetting.clearances.models import ClearanceState, DenialReason
from vetting.clearances.selectors import clearance_status
from vetting.gated_models.services import gated_model_suspend
from vetting.organizations.models import Sector

from .support import clearance_in


def status_of(cast, now=None):
    cast.model.refresh_from_db()
    return clearance_status(organization_id=cast.org.pk, gated_model=cast.model, now=now)


def test_an_organization_without_a_clearance_is_not_cleared(cast):
    cast.walk_to(State.GOVERNMENT_REVIEW)

    status = status_of(cast)

    assert (status.cleared, status.reason, status.clearance) == (
        False,
        DenialReason.NO_CLEARANCE,
        None,
    )


def test_an_active_clearance_clears_the_organization(cast):
    clearance = clearance_in(cast, ClearanceState.ACTIVE)

    status = status_of(cast)

    assert (status.cleared, status.reason, status.clearance) == (True, None, clearance)


def test_an_active_clearance_past_its_expiry_is_denied_as_expired(cast):
    clearance = clearance_in(cast, ClearanceState.ACTIVE)

    status = status_of(cast, now=clearance.expires_at + timedelta(seconds=1))

    assert (status.cleared, status.reason) == (False, DenialReason.EXPIRED)
    assert status_of(cast, now=clearance.expires_at - timedelta(seconds=1)).cleared


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        (ClearanceState.SUSPENDED, DenialReason.SUSPENDED),
        (ClearanceState.REVOKED, DenialReason.REVOKED),
    ],
)
def test_a_suspended_or_revoked_clearance_is_denied_at_the_next_check(cast, state, reason):
    clearance_in(cast, state)

    status = status_of(cast)

    assert (status.cleared, status.reason) == (False, reason)


def test_an_expired_clearance_is_denied_as_expired(db):
    from .support import expiring_cast

    cast = expiring_cast()
    clearance_in(cast, ClearanceState.EXPIRED)

    assert (status_of(cast).cleared, status_of(cast).reason) == (False, DenialReason.EXPIRED)


def test_a_reinstated_clearance_clears_again(cast):
    clearance = clearance_in(cast, ClearanceState.SUSPENDED)

    services.clearance_reinstate(
        actor=cast.officer, clearance_id=clearance.pk, reason="Usage explained."
    )

    assert status_of(cast).cleared


def test_a_new_active_clearance_wins_over_an_old_revoked_one(cast):
    clearance_in(cast, ClearanceState.REVOKED)
    fresh = clearance_in(cast, ClearanceState.ACTIVE)

    status = status_of(cast)

    assert (status.cleared, status.clearance) == (True, fresh)


def test_a_suspended_model_denies_every_clearance(cast):
    clearance_in(cast, ClearanceState.ACTIVE)

    gated_model_suspend(
        actor=cast.officer, gated_model_id=cast.model.pk, reason="Export-control order."
    )

    assert (status_of(cast).cleared, status_of(cast).reason) == (
        False,
        DenialReason.MODEL_SUSPENDED,
    )


def _cast_in_sector(model, slug) -> Cast:
    cast = Cast(model)
    app = cast.draft()
    app_services.application_update_draft(
        actor=cast.applicant, application_id=app.pk, sector=Sector.objects.get(slug=slug)
    )
    cast.walk_to(State.APPROVED, app=app)
    return cast


def test_a_tiered_restoration_clears_only_the_restored_sectors(db):
    model = make_model(sectors=("energy", "water_wastewater"))
    energy = _cast_in_sector(model, "energy")
    water = _cast_in_sector(model, "water_wastewater")
    gated_model_suspend(
        actor=energy.officer, gated_model_id=model.pk, reason="Export-control order."
    )

    restore_now(
        proposer=energy.officer,
        gated_model_id=model.pk,
        reason="Order amended for energy defenders.",
        sector_ids=[Sector.objects.get(slug="energy").pk],
    )

    assert status_of(energy).cleared
    assert (status_of(water).cleared, status_of(water).reason) == (
        False,
        DenialReason.MODEL_SUSPENDED,
    )
    assert list(model.restored_sectors.values_list("slug", flat=True)) == ["energy"]


def test_a_full_restoration_clears_every_sector(db):
    model = make_model(sectors=("energy", "water_wastewater"))
    water = _cast_in_sector(model, "water_wastewater")
    gated_model_suspend(actor=water.officer, gated_model_id=model.pk, reason="Order.")

    restore_now(proposer=water.officer, gated_model_id=model.pk, reason="Order lifted.")

    assert status_of(water).cleared
