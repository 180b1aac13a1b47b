"""What applicants may do: only for their own organization, submission only by an
administrator, and only a complete application for an open model."""

import pytest

from tests.factories import make_org, make_user
from vetting.applications import services
from vetting.applications.models import Application, State
from vetting.errors import Incomplete, InvalidState, NotPermitted
from vetting.gated_models.models import GatedModel
from vetting.gated_models.services import gated_model_suspend
from vetting.organizations.models import Membership, Sector

from .support import snapshot


@pytest.fixture
def outsider(db):
    """The administrator of another applicant organization."""
    user = make_user()
    make_org(admin=user)
    return user


@pytest.fixture
def plain_member(cast):
    user = make_user()
    Membership.objects.create(user=user, organization=cast.org, role=Membership.Role.MEMBER)
    return user


def test_it_refuses_to_start_a_draft_for_another_organization(cast, outsider):
    with pytest.raises(NotPermitted):
        services.application_create_draft(
            actor=outsider, organization_id=cast.org.pk, gated_model_id=cast.model.pk
        )

    assert not Application.objects.filter(organization=cast.org).exists()


def test_it_refuses_another_organizations_edit_of_a_draft(cast, outsider):
    app = cast.draft()
    before = snapshot(app.pk)

    with pytest.raises(NotPermitted, match=f"Only a member of {cast.org} may do this"):
        services.application_update_draft(
            actor=outsider, application_id=app.pk, use_case="Something else entirely."
        )

    assert Application.objects.get(pk=app.pk).use_case.startswith("Find and fix")
    assert snapshot(app.pk) == before


def test_it_refuses_another_organizations_personnel_change(cast, outsider):
    app = cast.draft()

    with pytest.raises(NotPermitted):
        services.personnel_save(
            actor=outsider,
            application_id=app.pk,
            legal_name="Mallory",
            work_email="m@evil.example",
            role="Analyst",
            work_country="US",
            us_person_status="us_citizen",
            citizenships=["US"],
        )

    assert list(app.personnel.values_list("legal_name", flat=True)) == ["Alex Analyst"]


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("submit", State.DRAFT),
        ("withdraw", State.DRAFT),
        ("withdraw", State.SECTOR_REVIEW),
        ("respond", State.INFORMATION_REQUESTED),
    ],
)
def test_it_refuses_another_organizations_applicant(cast, outsider, action, state):
    app = cast.walk_to(state)
    before = snapshot(app.pk)
    kwargs = {"response": "Here it is."} if action == "respond" else {}

    with pytest.raises(NotPermitted):
        getattr(services, f"application_{action}")(actor=outsider, application_id=app.pk, **kwargs)

    assert snapshot(app.pk) == before


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("submit", State.DRAFT),
        ("withdraw", State.EXPORT_CONTROL_REVIEW),
    ],
)
def test_a_plain_member_cannot_submit_or_withdraw(cast, plain_member, action, state):
    app = cast.walk_to(state)
    before = snapshot(app.pk)

    with pytest.raises(NotPermitted, match=f"Only an administrator of {cast.org} may do"):
        getattr(services, f"application_{action}")(actor=plain_member, application_id=app.pk)

    assert snapshot(app.pk) == before


def test_a_plain_member_may_edit_a_draft_and_answer_a_question(cast, plain_member):
    draft = cast.draft()
    services.application_update_draft(
        actor=plain_member, application_id=draft.pk, requested_seats=9
    )
    asked = cast.walk_to(State.INFORMATION_REQUESTED)

    services.application_respond(actor=plain_member, application_id=asked.pk, response="Attached.")

    assert Application.objects.get(pk=draft.pk).requested_seats == 9
    assert Application.objects.get(pk=asked.pk).state == State.EXPORT_CONTROL_REVIEW


def test_a_reviewer_cannot_act_for_the_applicant(cast):
    app = cast.draft()

    with pytest.raises(NotPermitted):
        services.application_submit(actor=cast.government, application_id=app.pk)


# --- completeness --------------------------------------------------------------


def test_an_empty_draft_is_refused_with_every_missing_item_named(cast):
    app = services.application_create_draft(
        actor=cast.applicant, organization_id=cast.org.pk, gated_model_id=cast.model.pk
    )
    before = snapshot(app.pk)

    with pytest.raises(Incomplete) as exc:
        services.application_submit(actor=cast.applicant, application_id=app.pk)

    expected = [
        ("organization", "Claim the critical-infrastructure sector you serve."),
        ("personnel", "Declare at least one person who will use the model."),
        ("use", "Describe the use case."),
        ("use", "List the systems in scope."),
        ("use", "Say how many seats you need."),
        ("attestation", "An officer must attest, with name and title."),
        ("attestation", "Acknowledge the technology control plan."),
        ("attestation", "Accept the conditions of use."),
    ]
    for item in expected:
        assert item in exc.value.missing
        assert item[1] in str(exc.value)
    assert snapshot(app.pk) == before


@pytest.mark.parametrize(
    ("field", "value", "item"),
    [
        ("terms_accepted", False, ("attestation", "Accept the conditions of use.")),
        ("tcp_acknowledged", False, ("attestation", "Acknowledge the technology control plan.")),
        ("attested_by_title", "", ("attestation", "An officer must attest, with name and title.")),
        ("use_case", "   ", ("use", "Describe the use case.")),
        ("requested_seats", None, ("use", "Say how many seats you need.")),
    ],
)
def test_a_draft_missing_one_thing_is_refused_naming_only_that(cast, field, value, item):
    app = cast.draft()
    services.application_update_draft(actor=cast.applicant, application_id=app.pk, **{field: value})

    with pytest.raises(Incomplete) as exc:
        services.application_submit(actor=cast.applicant, application_id=app.pk)

    assert exc.value.missing == [item]


def test_a_draft_without_declared_people_is_refused(cast):
    app = cast.draft()
    person = app.personnel.get()
    services.personnel_remove(actor=cast.applicant, application_id=app.pk, declaration_id=person.pk)

    with pytest.raises(Incomplete) as exc:
        services.application_submit(actor=cast.applicant, application_id=app.pk)

    assert exc.value.missing == [
        ("personnel", "Declare at least one person who will use the model.")
    ]


def test_a_sector_the_model_does_not_admit_is_named(cast):
    app = cast.draft()
    services.application_update_draft(
        actor=cast.applicant, application_id=app.pk, sector=Sector.objects.get(slug="dams")
    )

    with pytest.raises(Incomplete) as exc:
        services.application_submit(actor=cast.applicant, application_id=app.pk)

    assert exc.value.missing == [
        ("organization", f"{cast.model.name} does not admit the Dams sector.")
    ]


@pytest.mark.parametrize(
    "status", [GatedModel.AccessStatus.CLOSED, GatedModel.AccessStatus.SUSPENDED]
)
def test_a_draft_for_a_model_no_longer_open_is_refused(cast, status):
    app = cast.draft()
    if status == GatedModel.AccessStatus.SUSPENDED:
        gated_model_suspend(
            actor=cast.officer, gated_model_id=cast.model.pk, reason="Export-control order."
        )
    else:  # closing to new applications is plain configuration, no service
        GatedModel.objects.filter(pk=cast.model.pk).update(access_status=status)
    before = snapshot(app.pk)

    with pytest.raises(Incomplete) as exc:
        services.application_submit(actor=cast.applicant, application_id=app.pk)

    assert exc.value.missing == [("model", f"{cast.model.name} is not open to new applications.")]
    assert snapshot(app.pk) == before


def test_no_draft_can_be_started_for_a_closed_model(cast):
    GatedModel.objects.filter(pk=cast.model.pk).update(access_status=GatedModel.AccessStatus.CLOSED)

    with pytest.raises(InvalidState, match=f"{cast.model.name} is not open to applications"):
        services.application_create_draft(
            actor=cast.applicant, organization_id=cast.org.pk, gated_model_id=cast.model.pk
        )


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
def test_only_a_draft_can_be_edited(cast, state):
    app = cast.walk_to(state)

    with pytest.raises(InvalidState, match="only a draft can be edited"):
        services.application_update_draft(
            actor=cast.applicant, application_id=app.pk, requested_seats=50
        )

    assert Application.objects.get(pk=app.pk).requested_seats == 5
