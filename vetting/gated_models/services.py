"""Model-wide emergency suspension and (tiered) restoration."""

from django.core.exceptions import ValidationError
from django.db import transaction

from vetting.accounts.roles import Role, has_role
from vetting.audit.services import audit_record
from vetting.core import lock
from vetting.errors import InvalidState, NotPermitted
from vetting.notifications.services import notification_enqueue
from vetting.organizations.models import Organization
from vetting.webhooks.services import webhook_model_event

from .models import GatedModel

Status = GatedModel.AccessStatus


def affected_organizations(model: GatedModel):
    """Organizations holding an active clearance for ``model``: the ones that lose access."""
    return Organization.objects.filter(
        clearances__gated_model=model, clearances__state="active"
    ).distinct()


def _require_officer(actor, what):
    if not has_role(actor, Role.CLEARANCE_OFFICER):
        raise NotPermitted(f"Only a clearance officer may {what}.")


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


@transaction.atomic
def gated_model_suspend(
    *, actor, gated_model_id: int, reason: str, applicant_reason: str = ""
) -> GatedModel:
    """Emergency stop: every check for the model is denied at once. Side effects:
    audit event, email to every organization with an active clearance."""
    _require_officer(actor, "suspend a model")
    if not reason.strip():
        raise ValidationError({"reason": "A reason is required."})
    model = lock(GatedModel, gated_model_id)
    if model.access_status == Status.SUSPENDED:
        raise InvalidState(f"{model.name} is already suspended.")
    before = model.access_status
    model.access_status = Status.SUSPENDED
    model.save(update_fields=["access_status"])
    event = audit_record(
        actor=actor,
        action="gated_model.suspended",
        obj=model,
        before=before,
        after=model.access_status,
        data={"reason": reason, "affected_organizations": affected_organizations(model).count()},
    )
    _notify_cleared(
        model, "model_suspended", event, reason=applicant_reason or "Access was suspended by order."
    )
    webhook_model_event(model, "model.suspended", event)
    return model


@transaction.atomic
def gated_model_restore(
    *, actor, gated_model_id: int, reason: str, sector_ids=(), access_status: str = Status.CLOSED
) -> GatedModel:
    """Restore a suspended model, optionally only for clearances in ``sector_ids``
    (tiered restoration); the model reopens as ``access_status``."""
    _require_officer(actor, "restore a model")
    if not reason.strip():
        raise ValidationError({"reason": "A reason is required."})
    if access_status == Status.SUSPENDED:
        raise ValidationError({"access_status": "Restoring cannot leave the model suspended."})
    model = lock(GatedModel, gated_model_id)
    if model.access_status != Status.SUSPENDED:
        raise InvalidState(f"{model.name} is not suspended.")
    before = model.access_status
    model.access_status = access_status
    model.save(update_fields=["access_status"])
    model.restored_sectors.set(sector_ids)
    sectors = sorted(model.restored_sectors.values_list("slug", flat=True))
    event = audit_record(
        actor=actor,
        action="gated_model.restored",
        obj=model,
        before=before,
        after=model.access_status,
        data={"reason": reason, "sectors": sectors},
    )
    _notify_cleared(model, "model_restored", event, sectors=sectors)
    webhook_model_event(model, "model.restored", event)
    return model
