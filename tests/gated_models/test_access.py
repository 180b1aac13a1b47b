"""Suspending and restoring a whole gated model: who may, and who is told. Restoring
is a proposal a second person approves (tests/gated_models/test_policy_changes.py)."""

import pytest
from django.core.exceptions import ValidationError

from tests.applications.support import last_notification_id, snapshot, templates_since
from tests.factories import Cast, make_user
from vetting.applications.models import State
from vetting.audit.models import AuditEvent
from vetting.errors import InvalidState, NotPermitted
from vetting.gated_models.models import GatedModel
from vetting.gated_models.policy import policy_change_approve
from vetting.gated_models.services import (
    affected_organizations,
    gated_model_restore,
    gated_model_suspend,
)
from vetting.organizations.models import Sector

Status = GatedModel.AccessStatus


def _status(model) -> str:
    return GatedModel.objects.get(pk=model.pk).access_status


@pytest.fixture
def cleared(cast):
    """The cast's organization holds an active clearance; a second one only a draft."""
    cast.walk_to(State.APPROVED)
    cast.bystander = Cast(cast.model)
    cast.bystander.walk_to(State.SECTOR_REVIEW)
    return cast


@pytest.mark.parametrize("who", ["export", "sector", "government", "auditor", "applicant"])
def test_only_a_clearance_officer_suspends_a_model(cleared, who):
    before = snapshot()

    with pytest.raises(NotPermitted, match="Only a clearance officer may suspend a model"):
        gated_model_suspend(
            actor=getattr(cleared, who), gated_model_id=cleared.model.pk, reason="Order."
        )

    assert (_status(cleared.model), snapshot()) == (Status.OPEN, before)


def test_a_superuser_without_the_role_cannot_suspend_a_model(cleared):
    with pytest.raises(NotPermitted):
        gated_model_suspend(
            actor=make_user(is_superuser=True, is_staff=True),
            gated_model_id=cleared.model.pk,
            reason="Order.",
        )


def test_suspending_tells_every_cleared_organization_and_nobody_else(cleared):
    start = last_notification_id()

    gated_model_suspend(
        actor=cleared.officer,
        gated_model_id=cleared.model.pk,
        reason="Export-control order 24-17.",
        applicant_reason="Access is paused by government order.",
    )

    assert _status(cleared.model) == Status.SUSPENDED
    assert templates_since(start) == {"model_suspended": {cleared.applicant.email}}
    event = AuditEvent.objects.get(action="gated_model.suspended")
    assert (event.actor, event.before_state, event.after_state) == (
        cleared.officer,
        Status.OPEN,
        Status.SUSPENDED,
    )
    assert event.data == {
        "reason": "Export-control order 24-17.",
        "affected_organizations": 1,
        "policy_version": 2,
    }


def test_a_suspended_model_cannot_be_suspended_again(cleared):
    gated_model_suspend(actor=cleared.officer, gated_model_id=cleared.model.pk, reason="A.")
    before = snapshot()

    with pytest.raises(InvalidState, match="is already suspended"):
        gated_model_suspend(actor=cleared.officer, gated_model_id=cleared.model.pk, reason="B.")

    assert snapshot() == before


def test_suspending_needs_a_reason(cleared):
    with pytest.raises(ValidationError) as exc:
        gated_model_suspend(actor=cleared.officer, gated_model_id=cleared.model.pk, reason=" ")

    assert exc.value.message_dict == {"reason": ["A reason is required."]}
    assert _status(cleared.model) == Status.OPEN


@pytest.mark.parametrize("who", ["export", "sector", "auditor", "applicant"])
def test_only_an_officer_or_a_government_official_proposes_a_restoration(cleared, who):
    gated_model_suspend(actor=cleared.officer, gated_model_id=cleared.model.pk, reason="A.")

    with pytest.raises(NotPermitted, match="may propose a policy change"):
        gated_model_restore(
            actor=getattr(cleared, who), gated_model_id=cleared.model.pk, reason="Lifted."
        )

    assert _status(cleared.model) == Status.SUSPENDED


def test_a_restoration_is_a_proposal_that_changes_nothing_until_approved(cleared):
    gated_model_suspend(actor=cleared.officer, gated_model_id=cleared.model.pk, reason="A.")
    start = last_notification_id()

    change = gated_model_restore(
        actor=cleared.officer, gated_model_id=cleared.model.pk, reason="Lifted."
    )

    assert (change.state, change.loosening) == ("proposed", True)
    assert _status(cleared.model) == Status.SUSPENDED
    # only the government officials hear of it, asked to approve; the cleared do not
    assert set(templates_since(start)) == {"policy_change_proposed"}


def test_restoring_reopens_as_asked_and_tells_the_cleared_organizations(cleared):
    gated_model_suspend(actor=cleared.officer, gated_model_id=cleared.model.pk, reason="A.")
    energy = Sector.objects.get(slug="energy")
    change = gated_model_restore(
        actor=cleared.officer,
        gated_model_id=cleared.model.pk,
        reason="Order amended.",
        sector_ids=[energy.pk],
        access_status=Status.OPEN,
    )
    start = last_notification_id()

    policy_change_approve(actor=cleared.government, change_id=change.pk)

    assert _status(cleared.model) == Status.OPEN
    assert templates_since(start) == {"model_restored": {cleared.applicant.email}}
    restored = AuditEvent.objects.get(action="gated_model.restored")
    assert restored.actor == cleared.government
    assert restored.data == {
        "reason": "Order amended.",
        "sectors": ["energy"],
        "policy_change": change.pk,
        "policy_version": 3,
    }


def test_restoring_closes_to_new_applications_by_default(cleared):
    gated_model_suspend(actor=cleared.officer, gated_model_id=cleared.model.pk, reason="A.")
    change = gated_model_restore(
        actor=cleared.officer, gated_model_id=cleared.model.pk, reason="Lifted."
    )

    policy_change_approve(actor=cleared.government, change_id=change.pk)

    assert _status(cleared.model) == Status.CLOSED


def test_a_model_that_is_not_suspended_cannot_be_restored(cleared):
    with pytest.raises(InvalidState, match="is not suspended"):
        gated_model_restore(
            actor=cleared.officer, gated_model_id=cleared.model.pk, reason="Lifted."
        )


def test_restoring_cannot_leave_the_model_suspended(cleared):
    gated_model_suspend(actor=cleared.officer, gated_model_id=cleared.model.pk, reason="A.")

    with pytest.raises(ValidationError) as exc:
        gated_model_restore(
            actor=cleared.officer,
            gated_model_id=cleared.model.pk,
            reason="Lifted.",
            access_status=Status.SUSPENDED,
        )

    assert list(exc.value.message_dict) == ["access_status"]


def test_the_affected_organizations_are_those_with_an_active_clearance(cleared):
    assert list(affected_organizations(cleared.model)) == [cleared.org]


def test_a_model_must_require_at_least_one_step(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        GatedModel.objects.create(
            name="Nothing",
            slug="nothing",
            requires_export_control=False,
            requires_sector=False,
            requires_government=False,
        )
