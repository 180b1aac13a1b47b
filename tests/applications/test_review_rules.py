"""Who may decide which review step: roles, separation of duties, the applicant's
own members, and what a refused or late reviewer is told."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from tests.factories import DOMAIN_CONFIRMED, make_user
from vetting.accounts.roles import Role
from vetting.applications import review, services
from vetting.applications.models import InformationRequest, ReviewDecision, State
from vetting.errors import AlreadyDecided, InvalidState, NotPermitted
from vetting.organizations.models import Membership

from .support import snapshot

CAST_ROLES = ["export", "sector", "government", "officer", "auditor", "applicant"]


def grant(user, *roles: Role):
    for role in roles:
        user.groups.add(Group.objects.get(name=role.value))
    user._vetting_roles = None  # has_role caches the groups on the user object
    return user


def _pass_ec(actor, app):
    review.application_pass_step(
        no_conflict=True, actor=actor, application_id=app.pk, step="export_control"
    )


def _pass_sector(actor, app):
    review.application_pass_step(
        no_conflict=True,
        actor=actor,
        application_id=app.pk,
        step="sector",
        rationale=DOMAIN_CONFIRMED,
    )


def _approve(actor, app):
    review.application_approve(no_conflict=True, actor=actor, application_id=app.pk)


def _deny(actor, app):
    review.application_deny(
        no_conflict=True, actor=actor, application_id=app.pk, rationale="Not sponsored."
    )


def _reject_ec(actor, app):
    review.application_reject(
        no_conflict=True,
        actor=actor,
        application_id=app.pk,
        step="export_control",
        rationale="Restricted party.",
    )


def _ask_sector(actor, app):
    review.application_request_information(
        no_conflict=True,
        actor=actor,
        application_id=app.pk,
        step="sector",
        question="Send your regulator registration.",
    )


# decision: (call, state it needs, the one cast member who may make it)
DECISIONS = {
    "pass_export_control": (_pass_ec, State.EXPORT_CONTROL_REVIEW, "export"),
    "reject_at_export_control": (_reject_ec, State.EXPORT_CONTROL_REVIEW, "export"),
    "pass_sector": (_pass_sector, State.SECTOR_REVIEW, "sector"),
    "request_information_at_sector": (_ask_sector, State.SECTOR_REVIEW, "sector"),
    "approve": (_approve, State.GOVERNMENT_REVIEW, "government"),
    "deny": (_deny, State.GOVERNMENT_REVIEW, "government"),
}
WRONG_ROLE = [
    pytest.param(name, who, id=f"{name}-by-{who}")
    for name, (_, _, right) in DECISIONS.items()
    for who in CAST_ROLES
    if who != right
]


@pytest.mark.parametrize(("name", "who"), WRONG_ROLE)
def test_each_decision_is_refused_to_anyone_without_its_role(cast, name, who):
    call, state, _ = DECISIONS[name]
    app = cast.walk_to(state)
    before = snapshot(app.pk)

    with pytest.raises(NotPermitted, match=r"Only an? .* may decide the .* step\."):
        call(getattr(cast, who), app)

    assert snapshot(app.pk) == before


def test_the_refusal_names_the_role_the_step_needs(cast):
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)

    with pytest.raises(NotPermitted) as exc:
        _pass_ec(cast.officer, app)

    assert str(exc.value) == (
        "Only an export-control reviewer may decide the export-control check step."
    )


@pytest.mark.parametrize("name", ["approve", "deny"])
def test_a_superuser_without_the_government_role_cannot_sign_off(cast, name):
    call, state, _ = DECISIONS[name]
    app = cast.walk_to(state)
    boss = make_user(is_staff=True, is_superuser=True)

    with pytest.raises(NotPermitted, match="Only a government official may decide"):
        call(boss, app)

    assert app.__class__.objects.get(pk=app.pk).state == State.GOVERNMENT_REVIEW


# --- separation of duties -----------------------------------------------------


def test_the_export_control_reviewer_cannot_also_decide_the_sector_step(cast):
    both = grant(make_user(), Role.EXPORT_CONTROL_REVIEWER, Role.SECTOR_REVIEWER)
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    _pass_ec(both, app)
    before = snapshot(app.pk)

    with pytest.raises(NotPermitted) as exc:
        _pass_sector(both, app)

    assert str(exc.value) == (
        "You decided the export-control check step of this "
        "application, so someone else must decide this one."
    )
    assert snapshot(app.pk) == before


@pytest.mark.parametrize("name", ["approve", "deny"])
def test_an_earlier_reviewer_cannot_give_the_government_sign_off(cast, name):
    both = grant(make_user(), Role.EXPORT_CONTROL_REVIEWER, Role.GOVERNMENT_OFFICIAL)
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    _pass_ec(both, app)
    _pass_sector(cast.sector, app)
    before = snapshot(app.pk)

    with pytest.raises(NotPermitted, match="You decided the export-control check step"):
        DECISIONS[name][0](both, app)

    assert snapshot(app.pk) == before


def test_asking_for_information_counts_as_deciding_a_step(cast):
    both = grant(make_user(), Role.EXPORT_CONTROL_REVIEWER, Role.SECTOR_REVIEWER)
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    review.application_request_information(
        no_conflict=True,
        actor=both,
        application_id=app.pk,
        step="export_control",
        question="Send your TCP.",
    )
    services.application_respond(actor=cast.applicant, application_id=app.pk, response="Attached.")
    _pass_ec(cast.export, app)

    with pytest.raises(NotPermitted, match="You decided the export-control check step"):
        _pass_sector(both, app)


def test_the_reviewer_who_asked_may_decide_the_same_step_after_the_answer(cast):
    app = cast.walk_to(State.INFORMATION_REQUESTED)
    services.application_respond(actor=cast.applicant, application_id=app.pk, response="Attached.")

    _pass_ec(cast.export, app)

    app.refresh_from_db()
    assert app.state == State.SECTOR_REVIEW


@pytest.mark.parametrize("name", list(DECISIONS))
def test_a_member_of_the_applicant_organization_cannot_review_it(cast, name):
    call, state, right = DECISIONS[name]
    app = cast.walk_to(state)
    insider = getattr(cast, right)
    Membership.objects.create(user=insider, organization=cast.org)
    before = snapshot(app.pk)

    with pytest.raises(NotPermitted) as exc:
        call(insider, app)

    assert str(exc.value) == (
        f"You are a member of {cast.org}, the applicant, so you cannot review its application."
    )
    assert snapshot(app.pk) == before


def test_three_steps_of_an_approved_application_were_decided_by_three_people(cast):
    app = cast.walk_to(State.APPROVED)

    deciders = dict(ReviewDecision.objects.filter(application=app).values_list("step", "reviewer"))

    assert deciders == {
        "export_control": cast.export.pk,
        "sector": cast.sector.pk,
        "government": cast.government.pk,
    }


# --- late and malformed decisions ---------------------------------------------


def test_a_second_reviewer_is_told_who_already_decided_the_step_and_when(cast):
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    colleague = make_user(role=Role.EXPORT_CONTROL_REVIEWER)
    _pass_ec(cast.export, app)
    decision = ReviewDecision.objects.get(application=app, step="export_control")
    before = snapshot(app.pk)

    with pytest.raises(AlreadyDecided) as exc:
        _pass_ec(colleague, app)

    assert str(exc.value) == (
        f"This step was already decided by {cast.export.display_name} at "
        f"{decision.decided_at:%Y-%m-%d %H:%M:%S} UTC (passed)."
    )
    assert snapshot(app.pk) == before


def test_a_late_rejection_is_told_the_step_was_rejected_already(cast):
    app = cast.walk_to(State.REJECTED)
    colleague = make_user(role=Role.EXPORT_CONTROL_REVIEWER)

    with pytest.raises(AlreadyDecided, match=r"already decided by .* \(rejected\)\.$"):
        _reject_ec(colleague, app)


def test_a_step_nobody_reached_yet_is_refused_as_not_waiting(cast):
    app = cast.walk_to(State.EXPORT_CONTROL_REVIEW)

    with pytest.raises(InvalidState) as exc:
        _approve(cast.government, app)

    assert not isinstance(exc.value, AlreadyDecided)
    assert str(exc.value) == (
        f"{app.number} is not waiting for the government sign-off "
        "step; it is export-control review."
    )


def test_the_government_step_cannot_be_passed_only_approved(cast):
    app = cast.walk_to(State.GOVERNMENT_REVIEW)

    with pytest.raises(InvalidState, match="decided by approving or denying"):
        review.application_pass_step(
            no_conflict=True, actor=cast.government, application_id=app.pk, step="government"
        )


def test_rejecting_at_the_government_step_is_a_denial(cast):
    app = cast.walk_to(State.GOVERNMENT_REVIEW)

    review.application_reject(
        no_conflict=True,
        actor=cast.government,
        application_id=app.pk,
        step="government",
        rationale="Agency declines.",
    )

    app.refresh_from_db()
    assert app.state == State.REJECTED
    assert app.decisions.get(step="government").outcome == ReviewDecision.Outcome.DENIED


@pytest.mark.parametrize("blank", ["", "   \n"])
@pytest.mark.parametrize(
    ("name", "state", "who"),
    [
        ("reject", State.EXPORT_CONTROL_REVIEW, "export"),
        ("deny", State.GOVERNMENT_REVIEW, "government"),
    ],
)
def test_a_negative_decision_needs_a_rationale(cast, blank, name, state, who):
    app = cast.walk_to(state)
    before = snapshot(app.pk)
    kwargs = {"actor": getattr(cast, who), "application_id": app.pk, "rationale": blank}
    if name == "reject":
        kwargs["step"] = "export_control"

    with pytest.raises(ValidationError) as exc:
        getattr(review, f"application_{name}")(**kwargs)

    assert exc.value.message_dict == {"rationale": ["A rationale is required."]}
    assert snapshot(app.pk) == before


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_request_for_information_needs_a_question(cast, blank):
    app = cast.walk_to(State.SECTOR_REVIEW)
    before = snapshot(app.pk)

    with pytest.raises(ValidationError) as exc:
        review.application_request_information(
            no_conflict=True,
            actor=cast.sector,
            application_id=app.pk,
            step="sector",
            question=blank,
        )

    assert exc.value.message_dict == {"question": ["The question for the applicant is required."]}
    assert snapshot(app.pk) == before


# --- requests for information -------------------------------------------------


@pytest.mark.parametrize(
    ("step", "state", "who"),
    [
        ("export_control", State.EXPORT_CONTROL_REVIEW, "export"),
        ("sector", State.SECTOR_REVIEW, "sector"),
        ("government", State.GOVERNMENT_REVIEW, "government"),
    ],
)
def test_an_answer_returns_the_application_to_the_step_that_asked(cast, step, state, who):
    app = cast.walk_to(state)
    review.application_request_information(
        no_conflict=True,
        actor=getattr(cast, who),
        application_id=app.pk,
        step=step,
        question="Who signs for the TCP?",
    )
    app.refresh_from_db()
    assert (app.state, app.information_requested_step) == (State.INFORMATION_REQUESTED, step)

    services.application_respond(
        actor=cast.applicant, application_id=app.pk, response="Our CISO, Pat Officer."
    )

    app.refresh_from_db()
    assert (app.state, app.information_requested_step) == (state, "")
    asked = InformationRequest.objects.get(application=app)
    assert (asked.step, asked.question, asked.asked_by) == (
        step,
        "Who signs for the TCP?",
        getattr(cast, who),
    )
    assert (asked.response, asked.responded_by) == ("Our CISO, Pat Officer.", cast.applicant)


def test_an_empty_answer_is_refused_naming_the_field(cast):
    app = cast.walk_to(State.INFORMATION_REQUESTED)
    before = snapshot(app.pk)

    with pytest.raises(ValidationError) as exc:
        services.application_respond(actor=cast.applicant, application_id=app.pk, response="  ")

    assert exc.value.message_dict == {"response": ["Write an answer to the question."]}
    assert snapshot(app.pk) == before
