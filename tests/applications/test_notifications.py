"""Which outbox rows each application service writes, to whom, and what they may say."""

import json

import pytest

from tests.factories import DOMAIN_CONFIRMED, make_user
from tests.gated_models.support import restore_now
from vetting.accounts.roles import Role
from vetting.applications import review, services
from vetting.applications.models import State
from vetting.clearances import services as clearance_services
from vetting.errors import NotPermitted
from vetting.gated_models.services import gated_model_suspend
from vetting.notifications.models import Notification
from vetting.organizations.models import Membership

from .support import last_notification_id, templates_since


@pytest.fixture
def people(cast):
    """The applicant organization's members, and reviewers who must not be told."""
    member = make_user()
    Membership.objects.create(user=member, organization=cast.org)
    gone = make_user(is_active=False)
    Membership.objects.create(user=gone, organization=cast.org)
    insider = make_user(role=Role.EXPORT_CONTROL_REVIEWER)
    Membership.objects.create(user=insider, organization=cast.org)
    return {"members": {cast.applicant.email, member.email, insider.email}, "insider": insider}


def _written_by(call) -> dict[str, set[str]]:
    start = last_notification_id()
    call()
    return templates_since(start)


def test_submitting_tells_the_applicant_organization(cast, people):
    app = cast.draft()

    written = _written_by(
        lambda: services.application_submit(actor=cast.applicant, application_id=app.pk)
    )

    assert written == {"application_submitted": people["members"]}


def test_starting_review_tells_the_export_control_reviewers_outside_the_organization(cast, people):
    app = cast.walk_to(State.SUBMITTED)

    written = _written_by(lambda: services.application_start_review(application_id=app.pk))

    assert written == {"review_waiting": {cast.export.email}}
    row = Notification.objects.get(template_key="review_waiting")
    assert row.context["url_path"] == f"/admin/applications/application/{app.pk}/change/"
    assert row.context["step"] == "export_control"


@pytest.mark.parametrize(
    ("state", "step", "who", "next_reviewer"),
    [
        (State.EXPORT_CONTROL_REVIEW, "export_control", "export", "sector"),
        (State.SECTOR_REVIEW, "sector", "sector", "government"),
    ],
)
def test_passing_a_step_tells_the_applicant_and_the_next_reviewers(
    cast, people, state, step, who, next_reviewer
):
    app = cast.walk_to(state)

    written = _written_by(
        lambda: review.application_pass_step(
            no_conflict=True,
            actor=getattr(cast, who),
            application_id=app.pk,
            step=step,
            rationale=DOMAIN_CONFIRMED,
        )
    )

    assert written == {
        "step_passed": people["members"],
        "review_waiting": {getattr(cast, next_reviewer).email},
    }


def test_approval_tells_the_applicant_the_clearance_and_its_conditions(cast, people):
    app = cast.walk_to(State.GOVERNMENT_REVIEW)

    written = _written_by(
        lambda: review.application_approve(
            no_conflict=True, actor=cast.government, application_id=app.pk
        )
    )

    assert written == {"application_approved": people["members"]}
    context = Notification.objects.filter(template_key="application_approved").first().context
    clearance = app.__class__.objects.get(pk=app.pk).clearance
    assert (context["clearance_serial"], context["seats"], context["conditions"]) == (
        clearance.serial,
        5,
        "Usage is monitored.",
    )
    assert context["url_path"] == f"/apply/clearances/{clearance.pk}/"


def test_a_request_for_information_tells_the_applicant_the_question(cast, people):
    app = cast.walk_to(State.SECTOR_REVIEW)

    written = _written_by(
        lambda: review.application_request_information(
            no_conflict=True,
            actor=cast.sector,
            application_id=app.pk,
            step="sector",
            question="Send your regulator registration.",
            rationale="Internal: looks thin.",
        )
    )

    assert written == {"information_requested": people["members"]}
    context = Notification.objects.filter(template_key="information_requested").first().context
    assert context["question"] == "Send your regulator registration."
    assert context["url_path"] == f"/apply/applications/{app.pk}/"
    assert "Internal" not in json.dumps(context)


def test_an_answer_tells_the_reviewers_of_the_step_that_asked(cast, people):
    app = cast.walk_to(State.INFORMATION_REQUESTED)

    written = _written_by(
        lambda: services.application_respond(
            actor=cast.applicant, application_id=app.pk, response="Attached."
        )
    )

    assert written == {"review_waiting": {cast.export.email}}


def test_a_rejection_gives_the_message_for_the_applicant_never_the_rationale(cast, people):
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)

    written = _written_by(
        lambda: review.application_reject(
            no_conflict=True,
            actor=cast.export,
            application_id=app.pk,
            step="export_control",
            rationale="Internal: hit on the Entity List.",
            message_to_applicant="Not eligible.",
        )
    )

    assert written == {"application_rejected": people["members"]}
    context = Notification.objects.get(
        recipient=cast.applicant, template_key="application_rejected"
    ).context
    assert context["reason"] == "Not eligible."
    assert "Entity List" not in json.dumps(context)
    assert cast.export.email not in json.dumps(context)


def test_a_denial_tells_the_applicant(cast, people):
    app = cast.walk_to(State.GOVERNMENT_REVIEW)

    written = _written_by(
        lambda: review.application_deny(
            no_conflict=True,
            actor=cast.government,
            application_id=app.pk,
            rationale="Not sponsored.",
        )
    )

    assert written == {"application_rejected": people["members"]}


def test_withdrawing_tells_the_applicant_organization(cast, people):
    app = cast.walk_to(State.SECTOR_REVIEW)

    written = _written_by(
        lambda: services.application_withdraw(
            actor=cast.applicant, application_id=app.pk, reason="Budget cut."
        )
    )

    assert written == {"application_withdrawn": people["members"]}


def test_a_refused_call_writes_no_notification(cast, people):
    app = cast.walk_to(State.SECTOR_REVIEW)

    with pytest.raises(NotPermitted):
        review.application_pass_step(
            no_conflict=True, actor=cast.export, application_id=app.pk, step="sector"
        )

    assert _written_by(lambda: None) == {}


# --- citizenship never leaves the export-control screen ------------------------

CITIZENSHIP_WORDS = [
    "citizen",
    "us_person",
    "foreign",
    "residen",
    "bis_license",
    "LIC-778899",
    "export_authorization",
]


def _strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    else:
        yield str(value)


def test_no_notification_carries_citizenship_data(cast, people):
    app = cast.draft()
    services.personnel_save(
        actor=cast.applicant,
        application_id=app.pk,
        legal_name="Wei Zhang",
        work_email=f"wei@{cast.org.domain}",
        role="Reverse engineer",
        work_country="US",
        us_person_status="foreign_person",
        citizenships=["CN", "SG"],
        permanent_residency_countries=["DE"],
        export_authorization_type="bis_license",
        export_authorization_number="LIC-778899",
        export_authorization_expires="2030-01-01",
    )
    cast.walk_to(State.INFORMATION_REQUESTED, app=app)
    services.application_respond(
        actor=cast.applicant, application_id=app.pk, response="TCP attached."
    )
    review.application_pass_step(
        no_conflict=True, actor=cast.export, application_id=app.pk, step="export_control"
    )
    review.application_pass_step(
        no_conflict=True,
        actor=cast.sector,
        application_id=app.pk,
        step="sector",
        rationale=DOMAIN_CONFIRMED,
    )
    review.application_approve(no_conflict=True, actor=cast.government, application_id=app.pk)
    clearance = app.__class__.objects.get(pk=app.pk).clearance
    clearance_services.clearance_suspend(
        actor=cast.officer, clearance_id=clearance.pk, reason="Check."
    )
    clearance_services.clearance_reinstate(
        actor=cast.officer, clearance_id=clearance.pk, reason="Fine."
    )
    gated_model_suspend(actor=cast.officer, gated_model_id=cast.model.pk, reason="Order.")
    restore_now(proposer=cast.officer, gated_model_id=cast.model.pk, reason="Lifted.")

    rows = list(Notification.objects.all())
    assert {row.template_key for row in rows} >= {
        "application_submitted",
        "review_waiting",
        "information_requested",
        "step_passed",
        "application_approved",
        "clearance_suspended",
        "clearance_reinstated",
        "model_suspended",
        "model_restored",
    }
    for row in rows:
        strings = list(_strings(row.context))
        text = " ".join(strings).lower()
        for word in CITIZENSHIP_WORDS:
            assert word.lower() not in text, (row.template_key, word)
        assert not {"CN", "SG", "DE"} & set(strings), row.template_key
