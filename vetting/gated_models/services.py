"""A model's access status: the officer's emergency tightening (suspend, close to new
applications), which takes effect at once, and restoration, which is a policy
change proposal that a second person must approve (vetting.gated_models.policy).
``apply_values`` is the only writer of a model's policy fields: it bumps the
policy version and records the PolicyVersion snapshot."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vetting.api import freshness
from vetting.audit.services import audit_record
from vetting.core import lock
from vetting.errors import InvalidState
from vetting.notifications.services import notification_enqueue
from vetting.organizations.models import Organization, Sector
from vetting.permissions import Action, require
from vetting.webhooks.services import webhook_model_event

from . import policy
from .models import SECTOR_FIELDS, GatedModel, PolicyChange, PolicyVersion

Status = GatedModel.AccessStatus


def affected_organizations(model: GatedModel):
    """Organizations holding an active clearance for ``model``: the ones that lose access."""
    return Organization.objects.filter(
        clearances__gated_model=model, clearances__state="active"
    ).distinct()


def _sectors(slugs):
    return list(Sector.objects.filter(slug__in=slugs))


def _ensure_base_version(model: GatedModel) -> None:
    """The version being replaced gets its snapshot row if it has none yet (a model
    created before versioning, or through the ORM rather than the admin)."""
    if not PolicyVersion.objects.filter(gated_model=model, number=model.policy_version).exists():
        PolicyVersion.objects.create(
            gated_model=model,
            number=model.policy_version,
            snapshot=model.policy_snapshot(),
            applied_at=model.created_at if model.policy_version == 1 else timezone.now(),
        )


def record_initial_version(model: GatedModel, *, actor) -> PolicyVersion:
    """Version 1 of a model just added (the admin's add form)."""
    return PolicyVersion.objects.create(
        gated_model=model,
        number=model.policy_version,
        snapshot=model.policy_snapshot(),
        applied_by=actor if actor is not None and actor.pk else None,
        reason="Model added.",
    )


def apply_values(
    model: GatedModel, values: dict, *, actor, reason: str, change: PolicyChange | None = None
) -> PolicyVersion:
    """Set the normalized ``values`` on the locked ``model``, bump its policy version
    and snapshot it. Only an approved policy change and the officer's emergency
    tightening call it: nothing else writes a policy field."""
    _ensure_base_version(model)
    simple = {f: v for f, v in values.items() if f not in SECTOR_FIELDS}
    for field, value in simple.items():
        setattr(model, field, value)
    model.policy_version += 1
    model.save(update_fields=[*simple, "policy_version"])
    for field in SECTOR_FIELDS:
        if field in values:
            getattr(model, field).set(_sectors(values[field]))
    version = PolicyVersion.objects.create(
        gated_model=model,
        number=model.policy_version,
        snapshot=model.policy_snapshot(),
        change=change,
        applied_by=actor,
        reason=reason,
    )
    freshness.changed()  # restored sectors and status decide check answers
    return version


def _notify_cleared(model, template_key, event, **extra):
    from vetting.accounts.models import User

    members = User.objects.filter(
        is_active=True, organizations__in=affected_organizations(model)
    ).distinct()
    notification_enqueue(
        template_key=template_key,
        recipients=members,
        context={
            "gated_model": model.name,
            "gated_model_slug": model.slug,
            "url_path": "/apply/clearances/",
            **extra,
        },
        event_key=f"audit{event.pk}",
    )


def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationError({"reason": "A reason is required."})


def _announce_suspension(model, *, actor, before, reason, applicant_reason="", extra=None):
    event = audit_record(
        actor=actor,
        action="gated_model.suspended",
        obj=model,
        before=before,
        after=model.access_status,
        data={
            "reason": reason,
            "affected_organizations": affected_organizations(model).count(),
            **(extra or {}),
        },
    )
    _notify_cleared(
        model, "model_suspended", event, reason=applicant_reason or "Access was suspended by order."
    )
    webhook_model_event(model, "model.suspended", event)


def announce_policy_effects(model, *, before: dict, actor, reason: str, extra: dict) -> None:
    """After an approved policy change: a suspension or restoration is told to the
    cleared organizations and the webhooks, as the emergency path does; a change of
    restored sectors alone reaches the webhooks (gateways hold the sector list)."""
    was, now = before["access_status"], model.access_status
    if now == Status.SUSPENDED and was != Status.SUSPENDED:
        _announce_suspension(model, actor=actor, before=was, reason=reason, extra=extra)
        return
    sectors = sorted(model.restored_sectors.values_list("slug", flat=True))
    if was == Status.SUSPENDED and now != Status.SUSPENDED:
        event = audit_record(
            actor=actor,
            action="gated_model.restored",
            obj=model,
            before=was,
            after=now,
            data={"reason": reason, "sectors": sectors, **extra},
        )
        _notify_cleared(model, "model_restored", event, sectors=sectors)
        webhook_model_event(model, "model.restored", event)
    elif before["restored_sectors"] != sectors and now != Status.SUSPENDED:
        event = audit_record(
            actor=actor,
            action="gated_model.restored_sectors_changed",
            obj=model,
            before=",".join(before["restored_sectors"]),
            after=",".join(sectors),
            data={"reason": reason, "sectors": sectors, **extra},
        )
        webhook_model_event(model, "model.restored", event)


@transaction.atomic
def gated_model_suspend(
    *, actor, gated_model_id: int, reason: str, applicant_reason: str = ""
) -> GatedModel:
    """Emergency stop, one clearance officer, at once: every check for the model is
    denied. Side effects: a new policy version, audit event, email to every
    organization with an active clearance, webhooks."""
    require(actor, Action.MODEL_TIGHTEN)
    _require_reason(reason)
    model = lock(GatedModel, gated_model_id)
    if model.access_status == Status.SUSPENDED:
        raise InvalidState(f"{model.name} is already suspended.")
    before = model.access_status
    version = apply_values(model, {"access_status": Status.SUSPENDED}, actor=actor, reason=reason)
    _announce_suspension(
        model,
        actor=actor,
        before=before,
        reason=reason,
        applicant_reason=applicant_reason,
        extra={"policy_version": version.number},
    )
    return model


@transaction.atomic
def gated_model_close(*, actor, gated_model_id: int, reason: str) -> GatedModel:
    """Close an open model to new applications, one clearance officer, at once.
    Existing clearances keep working. Side effects: a new policy version, audit event."""
    require(actor, Action.MODEL_TIGHTEN)
    _require_reason(reason)
    model = lock(GatedModel, gated_model_id)
    if model.access_status != Status.OPEN:
        raise InvalidState(f"{model.name} is not open to applications.")
    version = apply_values(model, {"access_status": Status.CLOSED}, actor=actor, reason=reason)
    audit_record(
        actor=actor,
        action="gated_model.closed",
        obj=model,
        before=Status.OPEN,
        after=model.access_status,
        data={"reason": reason, "policy_version": version.number},
    )
    return model


@transaction.atomic
def gated_model_restore(
    *, actor, gated_model_id: int, reason: str, sector_ids=(), access_status: str = Status.CLOSED
) -> PolicyChange:
    """Propose restoring a suspended model, optionally only for clearances in
    ``sector_ids`` (tiered restoration; none means every admitted sector), reopening
    as ``access_status``. Nothing changes until a government official other than the
    proposer approves the returned PolicyChange (policy.policy_change_approve)."""
    require(actor, Action.POLICY_PROPOSE)
    _require_reason(reason)
    if access_status == Status.SUSPENDED:
        raise ValidationError({"access_status": "Restoring cannot leave the model suspended."})
    model = lock(GatedModel, gated_model_id)
    if model.access_status != Status.SUSPENDED:
        raise InvalidState(f"{model.name} is not suspended.")
    return policy.policy_change_propose(
        actor=actor,
        gated_model_id=model.pk,
        rationale=reason,
        access_status=access_status,
        restored_sectors=list(sector_ids),
    )
