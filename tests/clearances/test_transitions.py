"""Every clearance transition, through its service, from every state; and who may
make it."""

import pytest
from django.core.exceptions import ValidationError

from tests.applications.support import snapshot
from tests.factories import Cast
from vetting.applications.models import State
from vetting.clearances import services
from vetting.clearances.models import Clearance, ClearanceState
from vetting.errors import InvalidState, NotPermitted

from .support import clearance_in, expiring_cast


def _officer_call(name):
    def call(cast, clearance):
        return getattr(services, f"clearance_{name}")(
            actor=cast.officer,
            clearance_id=clearance.pk,
            reason="Checked by the officer.",
            applicant_reason="Your clearance changed; contact us.",
        )

    return call


TRANSITIONS = {
    "suspend": ([ClearanceState.ACTIVE], ClearanceState.SUSPENDED),
    "reinstate": ([ClearanceState.SUSPENDED], ClearanceState.ACTIVE),
    "revoke": ([ClearanceState.ACTIVE, ClearanceState.SUSPENDED], ClearanceState.REVOKED),
}
ALLOWED = [
    pytest.param(name, s, id=f"{name}-from-{s.value}")
    for name, (sources, _) in TRANSITIONS.items()
    for s in sources
]
REFUSED = [
    pytest.param(name, s, id=f"{name}-from-{s.value}")
    for name, (sources, _) in TRANSITIONS.items()
    for s in ClearanceState
    if s not in sources
]


@pytest.fixture
def xcast(db):
    return expiring_cast()


@pytest.mark.parametrize(("name", "source"), ALLOWED)
def test_officer_transition_succeeds_from_allowed_state(xcast, name, source):
    clearance = clearance_in(xcast, source)
    before = snapshot(clearance_id=clearance.pk)

    _officer_call(name)(xcast, clearance)

    clearance.refresh_from_db()
    assert clearance.state == TRANSITIONS[name][1]
    assert (clearance.state_reason, clearance.state_changed_by) == (
        "Checked by the officer.",
        xcast.officer,
    )
    assert clearance.applicant_reason == "Your clearance changed; contact us."
    assert snapshot()["audit_events"] == before["audit_events"] + 1


@pytest.mark.parametrize(("name", "source"), REFUSED)
def test_officer_transition_is_refused_from_every_other_state(xcast, name, source):
    clearance = clearance_in(xcast, source)
    before = snapshot(clearance_id=clearance.pk)

    with pytest.raises(InvalidState) as exc:
        _officer_call(name)(xcast, clearance)

    assert str(exc.value) == f"Cannot {name}: the clearance is {source.label.lower()}."
    assert snapshot(clearance_id=clearance.pk) == before


def test_the_system_expires_an_active_clearance_past_its_expiry(xcast):
    clearance = clearance_in(xcast, ClearanceState.ACTIVE)

    result = services.clearance_expire(clearance_id=clearance.pk)

    clearance.refresh_from_db()
    assert result == clearance
    assert (clearance.state, clearance.state_changed_by) == (ClearanceState.EXPIRED, None)
    assert clearance.state_reason == "Reached its expiry date."


@pytest.mark.parametrize(
    "source", [s for s in ClearanceState if s != ClearanceState.ACTIVE], ids=str
)
def test_expiry_leaves_a_clearance_that_is_not_active_alone(xcast, source):
    # The periodic expiry task may meet a clearance twice; it must change nothing.
    clearance = clearance_in(xcast, source)
    before = snapshot(clearance_id=clearance.pk)

    assert services.clearance_expire(clearance_id=clearance.pk) is None

    assert snapshot(clearance_id=clearance.pk) == before


def test_expiry_leaves_a_clearance_not_yet_due_alone(cast):
    clearance = clearance_in(cast, ClearanceState.ACTIVE)
    before = snapshot(clearance_id=clearance.pk)

    assert services.clearance_expire(clearance_id=clearance.pk) is None

    assert snapshot(clearance_id=clearance.pk) == before


def test_every_transition_of_the_clearance_machine_is_covered():
    declared = {t.name for t in Clearance._meta.get_field("state").get_all_transitions(Clearance)}
    assert declared == {*TRANSITIONS, "expire"}


# --- who may change a clearance ------------------------------------------------


@pytest.mark.parametrize("name", list(TRANSITIONS))
@pytest.mark.parametrize("who", ["export", "sector", "government", "auditor", "applicant"])
def test_only_a_clearance_officer_changes_a_clearance(xcast, name, who):
    source = TRANSITIONS[name][0][0]
    clearance = clearance_in(xcast, source)
    before = snapshot(clearance_id=clearance.pk)

    with pytest.raises(NotPermitted, match=f"Only a clearance officer may {name} a clearance"):
        getattr(services, f"clearance_{name}")(
            actor=getattr(xcast, who), clearance_id=clearance.pk, reason="Because."
        )

    assert snapshot(clearance_id=clearance.pk) == before


@pytest.mark.parametrize("source", [ClearanceState.ACTIVE, ClearanceState.SUSPENDED])
def test_the_system_cannot_revoke(xcast, source):
    clearance = clearance_in(xcast, source)
    before = snapshot(clearance_id=clearance.pk)

    with pytest.raises(NotPermitted, match="Only a clearance officer may revoke"):
        services.clearance_revoke(
            actor=None, clearance_id=clearance.pk, reason="Automated screening hit."
        )

    assert snapshot(clearance_id=clearance.pk) == before


def test_the_system_may_suspend_after_a_screening_hit(cast):
    clearance = clearance_in(cast, ClearanceState.ACTIVE)

    services.clearance_suspend(
        actor=None, clearance_id=clearance.pk, reason="Re-screening found a possible match."
    )

    clearance.refresh_from_db()
    assert (clearance.state, clearance.state_changed_by) == (ClearanceState.SUSPENDED, None)


@pytest.mark.parametrize("name", list(TRANSITIONS))
@pytest.mark.parametrize("blank", ["", "  "])
def test_a_clearance_change_needs_a_reason(xcast, name, blank):
    clearance = clearance_in(xcast, TRANSITIONS[name][0][0])
    before = snapshot(clearance_id=clearance.pk)

    with pytest.raises(ValidationError) as exc:
        getattr(services, f"clearance_{name}")(
            actor=xcast.officer, clearance_id=clearance.pk, reason=blank
        )

    assert exc.value.message_dict == {"reason": ["A reason is required."]}
    assert snapshot(clearance_id=clearance.pk) == before


def test_an_approval_issues_one_clearance_from_the_model_and_application(db):
    cast = Cast()
    app = cast.walk_to(State.APPROVED)

    clearance = Clearance.objects.get(application=app)

    assert (clearance.organization, clearance.gated_model, clearance.sector.slug) == (
        cast.org,
        cast.model,
        "energy",
    )
    assert (clearance.seats, clearance.conditions) == (5, "Usage is monitored.")
    assert (clearance.expires_at - clearance.issued_at).days == 365
    assert clearance.serial.startswith(f"CLR-{clearance.issued_at:%Y}-")
