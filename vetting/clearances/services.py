"""Clearance and model-access services: issue, suspend, reinstate, revoke, expire,
model suspend and restore. One transaction each, with audit event and outbox rows.

Only a clearance officer suspends, reinstates, revokes or suspends a model;
``actor=None`` is the system (expiry task, re-screening) and never comes from a UI.
"""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vetting import permissions
from vetting.audit.services import audit_record
from vetting.core import lock, run_transition
from vetting.errors import CapReached, NotPermitted
from vetting.gated_models.models import GatedModel
from vetting.notifications.services import notification_enqueue
from vetting.permissions import Action
from vetting.webhooks.services import webhook_clearance_event

from .models import Clearance, ClearanceState

# Suspended clearances keep their place under the cap: reinstating one must
# never push a model past it.
HOLDS_A_PLACE = [ClearanceState.ACTIVE, ClearanceState.SUSPENDED]


def _require_officer(actor, what: str) -> None:
    if actor is not None and not permissions.allowed(actor, Action.CLEARANCE_CHANGE_STATE):
        raise NotPermitted(f"Only a clearance officer may {what}.")


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise ValidationError({"reason": "A reason is required."})


def _new_serial(now) -> str:
    return f"CLR-{now:%Y}-{secrets.token_hex(4).upper()}"


def clearance_context(clearance: Clearance, **extra) -> dict:
    return {
        "clearance_id": clearance.pk,
        "serial": clearance.serial,
        "organization": clearance.organization.legal_name,
        "gated_model": clearance.gated_model.name,
        "state": clearance.state,
        "expires_at": clearance.expires_at.isoformat(),
        "url_path": f"/apply/clearances/{clearance.pk}/",  # portal:clearance
        **extra,
    }


def _notify_org(clearance, template_key, event, **extra) -> None:
    notification_enqueue(
        template_key=template_key,
        recipients=clearance.organization.members.filter(is_active=True),
        context=clearance_context(clearance, **extra),
        event_key=f"audit{event.pk}",
    )


def clearance_issue(*, application, actor) -> Clearance:
    """Issue the clearance of an approved application, inside the approval's
    transaction. Refuses (rolling the approval back) if the model is at its cap."""
    model = lock(GatedModel, application.gated_model_id)
    held = model.clearances.filter(state__in=HOLDS_A_PLACE).count()
    if held >= model.cap:
        raise CapReached(
            f"{model.name} already has {held} clearances, its cap is {model.cap}; "
            "approving this application would exceed it."
        )
    now = timezone.now()
    clearance = Clearance.objects.create(
        serial=_new_serial(now),
        organization=application.organization,
        gated_model=model,
        application=application,
        sector=application.sector,
        issued_at=now,
        expires_at=now + timedelta(days=model.clearance_validity_days),
        seats=application.requested_seats,
        conditions=model.default_conditions,
        policy_version=model.policy_version,
        state_changed_by=actor,
        state_changed_at=now,
    )
    event = audit_record(
        actor=actor,
        action="clearance.issued",
        obj=clearance,
        after=clearance.state,
        data={
            "application_id": application.pk,
            "serial": clearance.serial,
            "policy_version": model.policy_version,
        },
    )
    webhook_clearance_event(clearance, "clearance.issued", event)
    return clearance


def _change(
    clearance_id, *, actor, transition, action, template_key, reason="", applicant_reason=""
) -> Clearance:
    clearance = lock(Clearance, clearance_id)
    before = clearance.state
    run_transition(clearance, transition)
    clearance.state_reason = reason
    clearance.applicant_reason = applicant_reason
    clearance.state_changed_by = actor
    clearance.state_changed_at = timezone.now()
    clearance.save(
        update_fields=[
            "state",
            "state_reason",
            "applicant_reason",
            "state_changed_by",
            "state_changed_at",
            "changed_at",
        ]
    )
    event = audit_record(
        actor=actor,
        action=action,
        obj=clearance,
        before=before,
        after=clearance.state,
        data={"reason": reason},
    )
    _notify_org(clearance, template_key, event, reason=applicant_reason or "No reason was given.")
    webhook_clearance_event(clearance, action, event)
    return clearance


@transaction.atomic
def clearance_suspend(
    *, actor, clearance_id: int, reason: str, applicant_reason: str = ""
) -> Clearance:
    """Suspend an active clearance: the next check denies it."""
    _require_officer(actor, "suspend a clearance")
    _require_reason(reason)
    return _change(
        clearance_id,
        actor=actor,
        transition="suspend",
        action="clearance.suspended",
        template_key="clearance_suspended",
        reason=reason,
        applicant_reason=applicant_reason,
    )


@transaction.atomic
def clearance_reinstate(
    *, actor, clearance_id: int, reason: str, applicant_reason: str = ""
) -> Clearance:
    _require_officer(actor, "reinstate a clearance")
    _require_reason(reason)
    return _change(
        clearance_id,
        actor=actor,
        transition="reinstate",
        action="clearance.reinstated",
        template_key="clearance_reinstated",
        reason=reason,
        applicant_reason=applicant_reason,
    )


@transaction.atomic
def clearance_revoke(
    *, actor, clearance_id: int, reason: str, applicant_reason: str = ""
) -> Clearance:
    """Revoke for good (terminal). Only a clearance officer, never the system."""
    if actor is None:
        raise NotPermitted("Only a clearance officer may revoke a clearance.")
    _require_officer(actor, "revoke a clearance")
    _require_reason(reason)
    return _change(
        clearance_id,
        actor=actor,
        transition="revoke",
        action="clearance.revoked",
        template_key="clearance_revoked",
        reason=reason,
        applicant_reason=applicant_reason,
    )


@transaction.atomic
def clearance_expire(*, clearance_id: int) -> Clearance | None:
    """Expire an active clearance past its expiry (system). Idempotent: a clearance
    already expired, or not yet due, is left alone and None is returned."""
    clearance = lock(Clearance, clearance_id)
    if clearance.state != ClearanceState.ACTIVE or clearance.expires_at > timezone.now():
        return None
    return _change(
        clearance_id,
        actor=None,
        transition="expire",
        action="clearance.expired",
        template_key="clearance_expired",
        reason="Reached its expiry date.",
        applicant_reason="The clearance reached its expiry date; apply again to renew it.",
    )
