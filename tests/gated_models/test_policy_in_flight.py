"""What a policy change does to applications already in review (README: "Policy
changes and applications in flight").

Each decision is taken under the policy in force when it is taken: the steps still
ahead of an application follow the new policy, the ones behind it stand, and every
decision, the application and the clearance record the version they were made
under. A clearance already issued keeps its terms; a new validity or new default
conditions apply to clearances issued after the change.
"""

from datetime import timedelta

import pytest

from tests.factories import DOMAIN_CONFIRMED, Cast, make_model, make_user
from vetting.accounts.roles import Role
from vetting.applications import review
from vetting.applications.models import Application, State
from vetting.gated_models.policy import policy_change_approve, policy_change_propose

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def apply(cast, model, **values):
    change = policy_change_propose(
        actor=cast.officer, gated_model_id=model.pk, rationale="Counsel's advice.", **values
    )
    approver = make_user(role=Role.GOVERNMENT_OFFICIAL)
    return policy_change_approve(actor=approver, change_id=change.pk)


def test_a_step_added_while_in_flight_applies_to_the_steps_still_ahead():
    cast = Cast(make_model(requires_government=False))
    app = cast.walk_to(State.SECTOR_REVIEW)
    version = cast.model.policy_version

    apply(cast, cast.model, requires_government=True)
    review.application_pass_step(
        actor=cast.sector,
        application_id=app.pk,
        step="sector",
        no_conflict=True,
        rationale=DOMAIN_CONFIRMED,
    )

    app = Application.objects.get(pk=app.pk)
    assert app.state == State.GOVERNMENT_REVIEW
    assert app.policy_version == version + 1
    versions = dict(app.decisions.values_list("step", "policy_version"))
    assert versions == {"export_control": version, "sector": version + 1}


def test_a_step_dropped_while_in_flight_is_skipped_as_a_recorded_decision(cast):
    app = cast.walk_to(State.SECTOR_REVIEW)

    apply(cast, cast.model, requires_government=False)
    review.application_pass_step(
        actor=cast.sector,
        application_id=app.pk,
        step="sector",
        no_conflict=True,
        rationale=DOMAIN_CONFIRMED,
    )

    app = Application.objects.get(pk=app.pk)
    assert app.state == State.APPROVED
    skipped = app.decisions.get(step="government")
    assert (skipped.outcome, skipped.reviewer) == ("skipped", None)
    assert app.clearance.policy_version == cast.model.policy_version + 1


def test_a_proposal_not_yet_approved_changes_nothing_for_applications_in_flight(cast):
    app = cast.walk_to(State.SECTOR_REVIEW)
    policy_change_propose(
        actor=cast.officer,
        gated_model_id=cast.model.pk,
        rationale="Drop the sign-off?",
        requires_government=False,
    )
    review.application_pass_step(
        actor=cast.sector,
        application_id=app.pk,
        step="sector",
        no_conflict=True,
        rationale=DOMAIN_CONFIRMED,
    )
    assert Application.objects.get(pk=app.pk).state == State.GOVERNMENT_REVIEW


def test_issued_clearances_keep_their_terms_and_new_ones_get_the_new_policy(cast):
    first = cast.walk_to(State.APPROVED).clearance

    apply(cast, cast.model, clearance_validity_days=30, default_conditions="Logged and monitored.")
    second = cast.walk_to(State.APPROVED).clearance
    first.refresh_from_db()

    assert first.expires_at - first.issued_at == timedelta(days=365)
    assert first.policy_version == cast.model.policy_version
    assert second.expires_at - second.issued_at == timedelta(days=30)
    assert second.conditions == "Logged and monitored."
    assert second.policy_version == cast.model.policy_version + 1


def test_every_other_government_official_is_told_a_proposal_waits(cast):
    from vetting.notifications.models import Notification

    second = make_user(role=Role.GOVERNMENT_OFFICIAL)
    change = policy_change_propose(
        actor=cast.government,
        gated_model_id=cast.model.pk,
        rationale="Raise the cap for the pilot.",
        cap=150,
    )

    rows = Notification.objects.filter(template_key="policy_change_proposed")
    assert {row.recipient_email for row in rows} == {second.email}
    assert rows.get().context["url_path"] == f"/admin/gated_models/policychange/{change.pk}/change/"
    assert rows.get().context["loosening"] is True
