"""Steps a gated model does not require are skipped by the system, on the record."""

import pytest

from tests.factories import DOMAIN_CONFIRMED, Cast, make_model
from vetting.applications import review, services
from vetting.applications.models import Application, ReviewDecision, State
from vetting.audit.models import AuditEvent
from vetting.clearances.models import Clearance, ClearanceState
from vetting.errors import InvalidState

SKIPPED = ReviewDecision.Outcome.SKIPPED


def skipped_steps(app) -> list[tuple[str, object, str]]:
    return list(
        ReviewDecision.objects.filter(application=app, outcome=SKIPPED).values_list(
            "step", "reviewer", "outcome"
        )
    )


def submitted(cast: Cast) -> Application:
    app = cast.walk_to(State.SUBMITTED)
    services.application_start_review(application_id=app.pk)
    return Application.objects.get(pk=app.pk)


def test_a_model_requiring_only_export_control_is_approved_on_passing_it(db):
    cast = Cast(make_model(requires_sector=False, requires_government=False))
    app = submitted(cast)
    assert app.state == State.EXPORT_CONTROL_REVIEW
    assert skipped_steps(app) == []

    review.application_pass_step(
        no_conflict=True, actor=cast.export, application_id=app.pk, step="export_control"
    )

    app.refresh_from_db()
    assert app.state == State.APPROVED
    assert app.closed_at is not None
    assert skipped_steps(app) == [("sector", None, SKIPPED), ("government", None, SKIPPED)]
    clearance = Clearance.objects.get(application=app)
    assert (clearance.state, clearance.organization, clearance.seats) == (
        ClearanceState.ACTIVE,
        cast.org,
        5,
    )
    assert list(
        AuditEvent.objects.filter(
            object_id=str(app.pk), action__in=["application.step_skipped", "application.approved"]
        ).values_list("action", "actor", "data__step")
    ) == [
        ("application.step_skipped", None, "sector"),
        ("application.step_skipped", None, "government"),
        ("application.approved", cast.export.pk, "export_control"),
    ]


def test_a_model_not_requiring_export_control_starts_at_the_sector_step(db):
    cast = Cast(make_model(requires_export_control=False))

    app = submitted(cast)

    assert app.state == State.SECTOR_REVIEW
    assert skipped_steps(app) == [("export_control", None, SKIPPED)]
    skip = AuditEvent.objects.get(action="application.step_skipped", object_id=str(app.pk))
    assert (skip.actor, skip.actor_label, skip.data["step"]) == (None, "system", "export_control")


def test_a_model_not_requiring_the_sector_step_goes_straight_to_sign_off(db):
    cast = Cast(make_model(requires_sector=False))
    app = submitted(cast)

    review.application_pass_step(
        no_conflict=True, actor=cast.export, application_id=app.pk, step="export_control"
    )

    app.refresh_from_db()
    assert app.state == State.GOVERNMENT_REVIEW
    assert skipped_steps(app) == [("sector", None, SKIPPED)]


def test_a_model_requiring_only_sector_verification_is_approved_on_passing_it(db):
    cast = Cast(make_model(requires_export_control=False, requires_government=False))
    app = submitted(cast)

    review.application_pass_step(
        no_conflict=True,
        actor=cast.sector,
        application_id=app.pk,
        step="sector",
        rationale=DOMAIN_CONFIRMED,
    )

    app.refresh_from_db()
    assert app.state == State.APPROVED
    assert skipped_steps(app) == [("export_control", None, SKIPPED), ("government", None, SKIPPED)]
    assert Clearance.objects.filter(application=app, state=ClearanceState.ACTIVE).exists()


def test_a_model_requiring_all_steps_skips_nothing(cast):
    app = cast.walk_to(State.APPROVED)

    assert skipped_steps(app) == []


def test_a_skipped_decision_reads_as_a_system_decision(db):
    cast = Cast(make_model(requires_export_control=False))
    app = submitted(cast)

    decision = ReviewDecision.objects.get(application=app, outcome=SKIPPED)

    assert str(decision) == "Export-control check: Skipped (not required for this model) by system"
    assert decision.rationale == f"{cast.model.name} does not require this step."


@pytest.mark.parametrize("step", ["export_control", "sector"])
def test_a_skipped_step_cannot_be_decided_afterwards(db, step):
    cast = Cast(make_model(requires_export_control=False, requires_sector=False))
    app = submitted(cast)
    assert app.state == State.GOVERNMENT_REVIEW

    with pytest.raises(InvalidState, match="is not waiting for"):
        reviewer = cast.export if step == "export_control" else cast.sector
        review.application_pass_step(
            no_conflict=True, actor=reviewer, application_id=app.pk, step=step
        )
