"""A gated model's cap on clearances: approval beyond it is refused, and nothing of
the refused approval remains."""

import pytest

from tests.applications.support import snapshot
from tests.factories import Cast, make_model
from vetting.applications.models import Application, State
from vetting.applications.review import application_approve, application_pass_step
from vetting.clearances import services
from vetting.clearances.models import Clearance, ClearanceState
from vetting.errors import CapReached


@pytest.fixture
def model(db):
    return make_model(cap=1)


def _first_clearance(model) -> tuple[Cast, Clearance]:
    cast = Cast(model)
    return cast, cast.walk_to(State.APPROVED).clearance


def test_approval_beyond_the_cap_is_refused_and_nothing_changes(model):
    _first_clearance(model)
    second = Cast(model)
    app = second.walk_to(State.GOVERNMENT_REVIEW)
    before = snapshot(app.pk)

    with pytest.raises(CapReached) as exc:
        application_approve(no_conflict=True, actor=second.government, application_id=app.pk)

    assert str(exc.value) == (
        f"{model.name} already has 1 clearances, its cap is 1; "
        "approving this application would exceed it."
    )
    assert snapshot(app.pk) == before
    assert Application.objects.get(pk=app.pk).state == State.GOVERNMENT_REVIEW
    assert not Clearance.objects.filter(application=app).exists()


def test_a_suspended_clearance_keeps_its_place_under_the_cap(model):
    first, clearance = _first_clearance(model)
    services.clearance_suspend(
        actor=first.officer, clearance_id=clearance.pk, reason="Under investigation."
    )
    second = Cast(model)
    app = second.walk_to(State.GOVERNMENT_REVIEW)
    before = snapshot(app.pk)

    with pytest.raises(CapReached):
        application_approve(no_conflict=True, actor=second.government, application_id=app.pk)

    assert snapshot(app.pk) == before


@pytest.mark.parametrize("end", ["revoke", "expire"])
def test_a_revoked_or_expired_clearance_frees_its_place(db, end):
    model = make_model(cap=1, clearance_validity_days=0)
    first, clearance = _first_clearance(model)
    if end == "revoke":
        services.clearance_revoke(
            actor=first.officer, clearance_id=clearance.pk, reason="Terms violated."
        )
    else:
        services.clearance_expire(clearance_id=clearance.pk)
    second = Cast(model)

    app = second.walk_to(State.APPROVED)

    assert app.clearance.state == ClearanceState.ACTIVE


def test_the_cap_also_holds_when_passing_a_step_approves(db):
    model = make_model(cap=1, requires_sector=False, requires_government=False)
    first = Cast(model)
    app = first.walk_to(State.EXPORT_CONTROL_REVIEW)
    application_pass_step(
        no_conflict=True, actor=first.export, application_id=app.pk, step="export_control"
    )
    second = Cast(model)
    app = second.walk_to(State.EXPORT_CONTROL_REVIEW)
    before = snapshot(app.pk)

    with pytest.raises(CapReached):
        application_pass_step(
            no_conflict=True, actor=second.export, application_id=app.pk, step="export_control"
        )

    assert snapshot(app.pk) == before


def test_the_cap_counts_only_this_models_clearances(model):
    _first_clearance(model)
    other = Cast(make_model(cap=1))

    assert other.walk_to(State.APPROVED).clearance.state == ClearanceState.ACTIVE
