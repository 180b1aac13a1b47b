"""A gated model's access policy is governed: proposed, then approved by a second
person (a government official who did not propose it); only emergency tightening
(suspend, close) is one officer's act, at once."""

import pytest
from django.core.exceptions import ValidationError

from tests.console.conftest import verified_client
from tests.factories import make_user
from vetting.accounts.roles import Role
from vetting.applications.models import State
from vetting.audit.models import AuditEvent
from vetting.errors import AlreadyDecided, InvalidState, NotPermitted
from vetting.gated_models import policy
from vetting.gated_models.models import GatedModel, PolicyChange, PolicyVersion
from vetting.gated_models.services import (
    gated_model_close,
    gated_model_restore,
    gated_model_suspend,
)
from vetting.organizations.models import Sector

Status = GatedModel.AccessStatus
STEPS = ("requires_export_control", "requires_sector", "requires_government")
pytestmark = pytest.mark.django_db


def _policy(model) -> tuple:
    fresh = GatedModel.objects.get(pk=model.pk)
    return policy.snapshot(fresh), fresh.policy_version


def _propose(actor, model, rationale="Per the amended order.", **values) -> PolicyChange:
    return policy.policy_change_propose(
        actor=actor, gated_model_id=model.pk, rationale=rationale, **values
    )


@pytest.fixture
def second_official(db):
    return make_user(role=Role.GOVERNMENT_OFFICIAL)


# --- the services -------------------------------------------------------------


def test_a_proposal_approved_by_a_second_official_applies_and_bumps_the_version(
    cast, second_official
):
    change = _propose(cast.government, cast.model, cap=80, requires_sector=False)
    assert _policy(cast.model)[1] == 1  # nothing yet

    policy.policy_change_approve(actor=second_official, change_id=change.pk, rationale="Agreed.")

    model = GatedModel.objects.get(pk=cast.model.pk)
    assert (model.cap, model.requires_sector, model.policy_version) == (80, False, 2)
    change.refresh_from_db()
    assert (change.state, change.decided_by, change.decision_rationale) == (
        "applied",
        second_official,
        "Agreed.",
    )
    versions = {v.number: v for v in PolicyVersion.objects.filter(gated_model=model)}
    assert versions[1].snapshot["cap"] == 100 and versions[1].change is None
    assert versions[2].snapshot == policy.snapshot(model) and versions[2].change == change
    event = AuditEvent.objects.get(action="gated_model.policy_changed")
    assert (event.actor, event.before_state, event.after_state) == (second_official, "v1", "v2")
    assert event.data["changes"] == {"cap": [100, 80], "requires_sector": [True, False]}


def test_applying_a_change_drops_what_the_check_kept(cast, second_official):
    from vetting.api import freshness

    change = _propose(cast.officer, cast.model, cap=50)
    freshness.put(freshness.memo(), ("probe",), "kept before the change")

    policy.policy_change_approve(actor=second_official, change_id=change.pk)

    assert freshness.memo().get(("probe",)) is None


def test_the_proposer_cannot_approve_their_own_change(cast):
    change = _propose(cast.government, cast.model, cap=80)
    before = _policy(cast.model)

    with pytest.raises(NotPermitted, match="two-person rule"):
        policy.policy_change_approve(actor=cast.government, change_id=change.pk)

    assert _policy(cast.model) == before
    assert PolicyChange.objects.get(pk=change.pk).state == "proposed"


@pytest.mark.parametrize("who", ["officer", "export", "sector", "auditor", "applicant"])
def test_only_a_government_official_approves(cast, who):
    change = _propose(cast.officer if who != "officer" else cast.government, cast.model, cap=80)

    with pytest.raises(NotPermitted, match="Only a government official"):
        policy.policy_change_approve(actor=getattr(cast, who), change_id=change.pk)

    assert _policy(cast.model)[0]["cap"] == 100


@pytest.mark.parametrize("who", ["export", "sector", "auditor", "applicant"])
def test_only_officers_and_officials_propose(cast, who):
    with pytest.raises(NotPermitted, match="may propose a policy change"):
        _propose(getattr(cast, who), cast.model, cap=80)
    assert not PolicyChange.objects.exists()


def _sector(slug):
    return Sector.objects.get(slug=slug)


LOOSENINGS = {
    "add a sector": lambda m: {
        "admitted_sectors": [_sector("energy"), _sector("water_wastewater")]
    },
    "drop a step": lambda m: {"requires_government": False},
    "raise the cap": lambda m: {"cap": 500},
    "lengthen validity": lambda m: {"clearance_validity_days": 730},
    "reopen": lambda m: {"access_status": Status.OPEN},
    "widen restored sectors": lambda m: {"restored_sectors": []},
}


@pytest.mark.parametrize("loosening", list(LOOSENINGS))
def test_an_officer_alone_cannot_loosen(cast, loosening):
    model = cast.model
    GatedModel.objects.filter(pk=model.pk).update(access_status=Status.CLOSED)
    model.restored_sectors.set([_sector("energy")])
    before = _policy(model)

    change = _propose(cast.officer, model, **LOOSENINGS[loosening](model))

    assert (change.state, change.loosening) == ("proposed", True)
    assert _policy(model) == before


def test_an_officer_alone_cannot_restore_a_suspended_model(cast):
    gated_model_suspend(actor=cast.officer, gated_model_id=cast.model.pk, reason="Order.")
    before = _policy(cast.model)

    change = gated_model_restore(
        actor=cast.officer, gated_model_id=cast.model.pk, reason="Lifted.", access_status="open"
    )

    assert change.changes == {"access_status": [Status.SUSPENDED, Status.OPEN]}
    assert (change.state, change.loosening) == ("proposed", True)
    assert _policy(cast.model) == before


@pytest.mark.parametrize(
    "values",
    [{"cap": 10}, {"clearance_validity_days": 30}, {"admitted_sectors": []}],
    ids=["lower the cap", "shorten validity", "admit no sector"],
)
def test_tightening_proposals_also_wait_for_approval_but_are_not_loosening(cast, values):
    GatedModel.objects.filter(pk=cast.model.pk).update(requires_sector=False)
    change = _propose(cast.officer, cast.model, **values)
    assert (change.state, change.loosening) == ("proposed", False)
    assert not _propose(cast.officer, cast.model, requires_sector=True).loosening


def test_emergency_suspension_and_closing_by_an_officer_are_immediate(cast):
    gated_model_close(actor=cast.officer, gated_model_id=cast.model.pk, reason="Cap reached.")
    assert _policy(cast.model)[0]["access_status"] == Status.CLOSED
    assert _policy(cast.model)[1] == 2

    gated_model_suspend(actor=cast.officer, gated_model_id=cast.model.pk, reason="Order.")

    snap, version = _policy(cast.model)
    assert (snap["access_status"], version) == (Status.SUSPENDED, 3)
    rows = PolicyVersion.objects.filter(gated_model=cast.model).order_by("number")
    assert [(v.number, v.change_id, v.applied_by_id) for v in rows] == [
        (1, None, None),
        (2, None, cast.officer.pk),
        (3, None, cast.officer.pk),
    ]
    assert AuditEvent.objects.filter(action="gated_model.closed").count() == 1


@pytest.mark.parametrize("who", ["government", "export", "auditor"])
def test_only_an_officer_closes_a_model(cast, who):
    with pytest.raises(NotPermitted, match="close it to new applications"):
        gated_model_close(actor=getattr(cast, who), gated_model_id=cast.model.pk, reason="R.")
    assert _policy(cast.model)[0]["access_status"] == Status.OPEN


def test_only_an_open_model_can_be_closed(cast):
    gated_model_suspend(actor=cast.officer, gated_model_id=cast.model.pk, reason="Order.")
    with pytest.raises(InvalidState, match="is not open"):
        gated_model_close(actor=cast.officer, gated_model_id=cast.model.pk, reason="R.")


def test_a_stale_change_is_refused(cast, second_official):
    change = _propose(cast.government, cast.model, cap=150)
    gated_model_suspend(actor=cast.officer, gated_model_id=cast.model.pk, reason="Order.")
    before = _policy(cast.model)

    with pytest.raises(InvalidState, match="stale: propose again"):
        policy.policy_change_approve(actor=second_official, change_id=change.pk)

    assert _policy(cast.model) == before
    assert PolicyChange.objects.get(pk=change.pk).is_stale


def test_a_change_applied_elsewhere_makes_the_others_stale(cast, second_official):
    first = _propose(cast.officer, cast.model, cap=90)
    second = _propose(cast.officer, cast.model, clearance_validity_days=180)
    policy.policy_change_approve(actor=second_official, change_id=first.pk)

    with pytest.raises(InvalidState, match="stale"):
        policy.policy_change_approve(actor=second_official, change_id=second.pk)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (
            {
                "requires_export_control": False,
                "requires_sector": False,
                "requires_government": False,
            },
            "requires_government",
        ),
        ({"cap": 0}, "cap"),
        ({"clearance_validity_days": 0}, "clearance_validity_days"),
        ({"clearance_validity_days": 36500}, "clearance_validity_days"),
        ({"access_status": "everyone"}, "access_status"),
        ({"admitted_sectors": ["no-such-sector"]}, "admitted_sectors"),
        ({"slug": "renamed"}, "slug"),
    ],
)
def test_a_proposal_the_policy_may_not_take_names_the_field(cast, values, field):
    with pytest.raises(ValidationError) as exc:
        _propose(cast.officer, cast.model, **values)
    assert field in exc.value.message_dict
    assert not PolicyChange.objects.exists()


def test_a_proposal_needs_a_rationale_and_a_change(cast):
    with pytest.raises(ValidationError) as exc:
        _propose(cast.officer, cast.model, rationale=" ", cap=80)
    assert list(exc.value.message_dict) == ["rationale"]
    with pytest.raises(ValidationError, match="changes nothing"):
        _propose(cast.officer, cast.model, cap=100, requires_government=True)


def test_rejection_needs_a_rationale_and_changes_nothing(cast, second_official):
    change = _propose(cast.officer, cast.model, cap=500)
    with pytest.raises(ValidationError):
        policy.policy_change_reject(actor=cast.government, change_id=change.pk, rationale="")
    with pytest.raises(NotPermitted):
        policy.policy_change_reject(actor=cast.officer, change_id=change.pk, rationale="No.")

    policy.policy_change_reject(actor=cast.government, change_id=change.pk, rationale="No.")

    assert PolicyChange.objects.get(pk=change.pk).state == "rejected"
    assert _policy(cast.model)[0]["cap"] == 100
    with pytest.raises(AlreadyDecided, match="already rejected"):
        policy.policy_change_approve(actor=second_official, change_id=change.pk)


def test_only_the_proposer_withdraws(cast):
    change = _propose(cast.officer, cast.model, cap=500)
    other_officer = make_user(role=Role.CLEARANCE_OFFICER)
    with pytest.raises(NotPermitted, match="Only the person who proposed"):
        policy.policy_change_withdraw(actor=other_officer, change_id=change.pk)

    policy.policy_change_withdraw(actor=cast.officer, change_id=change.pk)

    assert PolicyChange.objects.get(pk=change.pk).state == "withdrawn"
    assert _policy(cast.model)[0]["cap"] == 100


def test_an_approved_tiered_restoration_is_what_the_check_answers(cast, second_official):
    from vetting.clearances.models import Clearance, DenialReason
    from vetting.clearances.selectors import clearance_status

    cast.model.admitted_sectors.add(_sector("water_wastewater"))
    cast.walk_to(State.APPROVED)
    clearance = Clearance.objects.get(gated_model=cast.model)
    gated_model_suspend(actor=cast.officer, gated_model_id=cast.model.pk, reason="Order.")
    change = gated_model_restore(
        actor=cast.officer,
        gated_model_id=cast.model.pk,
        reason="Water only.",
        sector_ids=[_sector("water_wastewater").pk],
    )

    def status():
        model = GatedModel.objects.get(pk=cast.model.pk)
        return clearance_status(organization_id=clearance.organization_id, gated_model=model)

    assert status().reason == DenialReason.MODEL_SUSPENDED  # proposing changed nothing
    policy.policy_change_approve(actor=second_official, change_id=change.pk)
    model = GatedModel.objects.get(pk=cast.model.pk)
    assert model.access_status == Status.CLOSED
    assert list(model.restored_sectors.values_list("slug", flat=True)) == ["water_wastewater"]
    assert (status().cleared, status().reason) == (False, DenialReason.MODEL_SUSPENDED)


# --- through the admin --------------------------------------------------------

CHANGE_URL = "/admin/gated_models/gatedmodel/{}/change/"
PROPOSE_URL = "/admin/gated_models/gatedmodel/{}/propose/"
DECIDE_URL = "/admin/gated_models/policychange/{}/{}/"


def test_regression_the_change_form_cannot_turn_off_government_sign_off(cast):
    """The security review's finding: this POST dropped the government step and made
    clearances valid for a century."""
    energy = _sector("energy")
    before = _policy(cast.model)
    response = verified_client(cast.officer).post(
        CHANGE_URL.format(cast.model.pk),
        {
            "name": cast.model.name,
            "slug": cast.model.slug,
            "cap": "100",
            "requires_export_control": "on",
            "requires_sector": "on",
            "admitted_sectors": [energy.pk],
            "clearance_validity_days": "36500",
            "default_conditions": "Usage is monitored.",
            "access_status": "open",
        },
    )

    assert response.status_code in (200, 302)
    assert _policy(cast.model) == before
    assert not PolicyChange.objects.exists()


def test_the_change_form_shows_the_policy_read_only(cast):
    page = verified_client(cast.officer).get(CHANGE_URL.format(cast.model.pk)).content.decode()
    for field in ("requires_government", "clearance_validity_days", "cap", "admitted_sectors"):
        assert f'name="{field}"' not in page
    assert 'name="description"' in page
    assert "Propose a policy change" in page and 'id="model-suspend"' in page


@pytest.mark.parametrize("role", ["export", "sector", "auditor"])
def test_only_officers_and_officials_open_the_proposal_form(cast, role):
    client = verified_client(getattr(cast, role))
    assert client.get(PROPOSE_URL.format(cast.model.pk)).status_code == 403
    assert client.get(PROPOSE_URL.format(987654)).status_code == 404
    page = client.get(CHANGE_URL.format(cast.model.pk)).content.decode()
    assert "Propose a policy change" not in page


def _form_data(model, **overrides):
    data = {
        "access_status": model.access_status,
        "requires_export_control": "on",
        "requires_sector": "on",
        "requires_government": "on",
        "admitted_sectors": [s.pk for s in model.admitted_sectors.all()],
        "cap": str(model.cap),
        "max_seats": str(model.max_seats),
        "clearance_validity_days": str(model.clearance_validity_days),
        "default_conditions": model.default_conditions,
        "export_classification": model.export_classification,
        "rationale": "Per the amended order 24-17.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("role", ["officer", "government"])
def test_proposing_through_the_admin_changes_nothing_until_approved(cast, role):
    client = verified_client(getattr(cast, role))
    form = client.get(PROPOSE_URL.format(cast.model.pk)).content.decode()
    assert 'name="cap" value="100"' in form
    assert 'id="id_requires_government" checked' in form
    before = _policy(cast.model)

    response = client.post(
        PROPOSE_URL.format(cast.model.pk),
        _form_data(cast.model, requires_government=None, clearance_validity_days="730"),
    )

    change = PolicyChange.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/gated_models/policychange/{change.pk}/change/"
    assert change.changes == {
        "requires_government": [True, False],
        "clearance_validity_days": [365, 730],
    }
    assert change.loosening and _policy(cast.model) == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"cap": "0"}, "cap", "greater than or equal to 1"),
        ({"clearance_validity_days": "36500"}, "clearance_validity_days", "at most 3650 days"),
        (
            {"requires_export_control": None, "requires_sector": None, "requires_government": None},
            "requires_government",
            "at least one review step",
        ),
        ({"rationale": ""}, "rationale", "A rationale is required."),
        ({}, None, "changes nothing"),
    ],
)
def test_bad_proposals_re_render_the_form_with_a_400(cast, overrides, field, message):
    client = verified_client(cast.officer)
    data = _form_data(cast.model, default_conditions="Typed, kept.", **overrides)
    if field is None:
        data["default_conditions"] = cast.model.default_conditions
    response = client.post(PROPOSE_URL.format(cast.model.pk), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    if field is not None:
        assert "Typed, kept." in page
    assert not PolicyChange.objects.exists()


@pytest.fixture
def proposal(cast):
    return _propose(cast.officer, cast.model, cap=250, requires_government=False)


@pytest.mark.parametrize("role", ["export", "sector", "officer", "auditor"])
@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_deciding_is_refused_to_other_roles_and_tampered_ids(cast, proposal, role, decision):
    client = verified_client(getattr(cast, role))
    url = DECIDE_URL.format(proposal.pk, decision)
    assert client.post(url, {"rationale": "x"}).status_code == 403
    assert client.post(DECIDE_URL.format(987654, decision), {"rationale": "x"}).status_code == 404
    assert PolicyChange.objects.get(pk=proposal.pk).state == "proposed"
    assert _policy(cast.model)[1] == 1


def test_a_tampered_id_is_a_404_for_the_official_too(cast, proposal):
    client = verified_client(cast.government)
    assert client.post(DECIDE_URL.format(987654, "approve")).status_code == 404
    assert client.get("/admin/gated_models/policychange/987654/change/").status_code in (302, 404)


def test_the_change_page_shows_the_diff_and_an_official_approves(cast, proposal):
    client = verified_client(cast.government)
    page = client.get(f"/admin/gated_models/policychange/{proposal.pk}/change/").content.decode()
    assert 'id="policy-diff-table"' in page and 'id="policy-approve"' in page
    assert "Government sign-off" in page and "not required" in page and "250" in page
    assert 'id="policy-loosening"' in page

    response = client.post(DECIDE_URL.format(proposal.pk, "approve"), {"rationale": "Agreed."})

    assert response.status_code == 302
    model = GatedModel.objects.get(pk=cast.model.pk)
    assert (model.cap, model.requires_government, model.policy_version) == (250, False, 2)


def test_the_proposing_official_is_told_why_not_never_a_500(cast):
    change = _propose(cast.government, cast.model, cap=250)
    client = verified_client(cast.government)
    page = client.get(f"/admin/gated_models/policychange/{change.pk}/change/").content.decode()
    assert 'id="policy-approve"' not in page and "two-person rule" in page
    assert 'id="policy-withdraw"' in page

    response = client.post(DECIDE_URL.format(change.pk, "approve"), follow=True)

    assert response.status_code == 200 and "two-person rule" in response.content.decode()
    assert PolicyChange.objects.get(pk=change.pk).state == "proposed"


def test_a_stale_approval_through_the_admin_is_a_message(cast, proposal):
    gated_model_suspend(actor=cast.officer, gated_model_id=cast.model.pk, reason="Order.")
    client = verified_client(cast.government)
    page = client.get(f"/admin/gated_models/policychange/{proposal.pk}/change/").content.decode()
    assert 'id="policy-stale"' in page

    response = client.post(DECIDE_URL.format(proposal.pk, "approve"), follow=True)

    assert "stale: propose again" in response.content.decode()
    assert _policy(cast.model)[0]["cap"] == 100


def test_rejecting_through_the_admin_needs_a_rationale(cast, proposal):
    client = verified_client(cast.government)
    refused = client.post(DECIDE_URL.format(proposal.pk, "reject"), {"rationale": ""}, follow=True)
    assert "A rationale is required to reject a change." in refused.content.decode()
    client.post(DECIDE_URL.format(proposal.pk, "reject"), {"rationale": "Too wide."})
    assert PolicyChange.objects.get(pk=proposal.pk).state == "rejected"


def test_the_auditor_sees_but_cannot_act(cast, proposal):
    client = verified_client(cast.auditor)
    assert client.get("/admin/gated_models/policychange/?state__exact=proposed").status_code == 200
    page = client.get(f"/admin/gated_models/policychange/{proposal.pk}/change/").content.decode()
    assert 'id="policy-diff-table"' in page
    assert 'id="policy-approve"' not in page and 'id="policy-reject"' not in page
    assert client.get("/admin/gated_models/policyversion/").status_code == 200
    assert client.post(DECIDE_URL.format(proposal.pk, "approve")).status_code == 403
    assert client.post(PROPOSE_URL.format(cast.model.pk), _form_data(cast.model)).status_code == 403


def test_an_officer_closes_a_model_at_once_in_the_admin(cast):
    client = verified_client(cast.officer)
    url = f"/admin/gated_models/gatedmodel/{cast.model.pk}/close/"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Cap nearly reached."}).status_code == 302
    assert _policy(cast.model)[0]["access_status"] == Status.CLOSED
    assert verified_client(cast.government).post(url, {"reason": "x"}).status_code == 403
