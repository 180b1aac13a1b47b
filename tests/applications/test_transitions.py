"""Every application transition, through its service, from every state.

From each allowed source the service lands in the expected state; from every
other state it is refused with a domain error and nothing changes.
"""

import pytest

from tests.factories import DOMAIN_CONFIRMED
from vetting.applications import review, services
from vetting.applications.models import OPEN_STATES, Application, State
from vetting.errors import InvalidState

from .support import snapshot


def _submit(cast, app):
    services.application_submit(actor=cast.applicant, application_id=app.pk)


def _start_review(cast, app):
    services.application_start_review(application_id=app.pk)


def _pass(step, who):
    def call(cast, app):
        review.application_pass_step(
            no_conflict=True,
            actor=getattr(cast, who),
            application_id=app.pk,
            step=step,
            rationale=DOMAIN_CONFIRMED,
        )

    return call


def _approve(cast, app):
    review.application_approve(no_conflict=True, actor=cast.government, application_id=app.pk)


def _ask(step, who):
    def call(cast, app):
        review.application_request_information(
            no_conflict=True,
            actor=getattr(cast, who),
            application_id=app.pk,
            step=step,
            question="Which substations are in scope?",
        )

    return call


def _respond(cast, app):
    services.application_respond(
        actor=cast.applicant, application_id=app.pk, response="All twelve substations."
    )


def _reject(step, who):
    def call(cast, app):
        review.application_reject(
            no_conflict=True,
            actor=getattr(cast, who),
            application_id=app.pk,
            step=step,
            rationale="Claimed sector not supported by evidence.",
        )

    return call


def _deny(cast, app):
    review.application_deny(
        no_conflict=True,
        actor=cast.government,
        application_id=app.pk,
        rationale="Agency does not sponsor this use.",
    )


def _withdraw(cast, app):
    services.application_withdraw(actor=cast.applicant, application_id=app.pk)


# name: (service call, allowed source states, expected target state)
TRANSITIONS = {
    "submit": (_submit, [State.DRAFT], State.SUBMITTED),
    "pass_export_control": (
        _pass("export_control", "export"),
        [State.EXPORT_CONTROL_REVIEW],
        State.SECTOR_REVIEW,
    ),
    "pass_sector": (_pass("sector", "sector"), [State.SECTOR_REVIEW], State.GOVERNMENT_REVIEW),
    "approve": (_approve, [State.GOVERNMENT_REVIEW], State.APPROVED),
    "request_information_at_export_control": (
        _ask("export_control", "export"),
        [State.EXPORT_CONTROL_REVIEW],
        State.INFORMATION_REQUESTED,
    ),
    "request_information_at_sector": (
        _ask("sector", "sector"),
        [State.SECTOR_REVIEW],
        State.INFORMATION_REQUESTED,
    ),
    "request_information_at_government": (
        _ask("government", "government"),
        [State.GOVERNMENT_REVIEW],
        State.INFORMATION_REQUESTED,
    ),
    # walk_to asks at the export-control step, so the answer goes back there.
    "respond": (_respond, [State.INFORMATION_REQUESTED], State.EXPORT_CONTROL_REVIEW),
    "reject_at_export_control": (
        _reject("export_control", "export"),
        [State.EXPORT_CONTROL_REVIEW],
        State.REJECTED,
    ),
    "reject_at_sector": (_reject("sector", "sector"), [State.SECTOR_REVIEW], State.REJECTED),
    "deny": (_deny, [State.GOVERNMENT_REVIEW], State.REJECTED),
    "withdraw": (_withdraw, OPEN_STATES, State.WITHDRAWN),
}

ALLOWED = [
    pytest.param(name, source, id=f"{name}-from-{source.value}")
    for name, (_, sources, _) in TRANSITIONS.items()
    for source in sources
]
REFUSED = [
    pytest.param(name, source, id=f"{name}-from-{source.value}")
    for name, (_, sources, _) in TRANSITIONS.items()
    for source in State
    if source not in sources
]


@pytest.mark.parametrize(("name", "source"), ALLOWED)
def test_transition_succeeds_from_allowed_state(cast, name, source):
    call, _, target = TRANSITIONS[name]
    app = cast.walk_to(source)
    before = snapshot(app.pk)

    call(cast, app)

    app.refresh_from_db()
    assert app.state == target
    assert app.state_changed_at > before["application"][2]
    assert snapshot()["audit_events"] > before["audit_events"]


@pytest.mark.parametrize(("name", "source"), REFUSED)
def test_transition_is_refused_from_every_other_state(cast, name, source):
    call, _, _ = TRANSITIONS[name]
    app = cast.walk_to(source)
    before = snapshot(app.pk)

    with pytest.raises(InvalidState):
        call(cast, app)

    assert snapshot(app.pk) == before


def test_every_transition_of_the_state_machine_is_in_the_table():
    declared = {
        t.name for t in Application._meta.get_field("state").get_all_transitions(Application)
    }
    covered = {name.split("_at_")[0] for name in TRANSITIONS} | {"start_review"}
    assert declared == covered


def test_start_review_moves_a_submitted_application_to_its_first_step(cast):
    app = cast.walk_to(State.SUBMITTED)

    services.application_start_review(application_id=app.pk)

    app.refresh_from_db()
    assert app.state == State.EXPORT_CONTROL_REVIEW


@pytest.mark.parametrize("source", [s for s in State if s != State.SUBMITTED], ids=str)
def test_start_review_leaves_an_application_that_is_not_submitted_alone(cast, source):
    # The background task may run twice (late acknowledgement), so the service is
    # idempotent instead of raising: a second run must change nothing.
    app = cast.walk_to(source)
    before = snapshot(app.pk)

    services.application_start_review(application_id=app.pk)

    assert snapshot(app.pk) == before
