"""Webhook events: outbox rows written with the change, and endpoint management.

``webhook_clearance_event`` / ``webhook_model_event`` are called by the clearance
and gated-model services inside their transaction, so an event exists exactly
when the change committed. Delivery is in ``delivery.py``.
"""

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vetting import permissions
from vetting.audit.services import audit_record
from vetting.notifications.services import notification_enqueue
from vetting.permissions import Action

from .models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)


def clearance_payload(clearance) -> dict:
    return {
        "clearance": {
            "serial": clearance.serial,
            "state": clearance.state,
            "organization": {
                "id": clearance.organization_id,
                "legal_name": clearance.organization.legal_name,
                "uei": clearance.organization.uei or None,
            },
            "gated_model": clearance.gated_model.slug,
            "sector": clearance.sector.slug,
            "seats": clearance.seats,
            "issued_at": clearance.issued_at.isoformat(),
            "expires_at": clearance.expires_at.isoformat(),
        }
    }


def model_payload(model) -> dict:
    return {
        "gated_model": {
            "slug": model.slug,
            "name": model.name,
            "access_status": model.access_status,
            "restored_sectors": sorted(model.restored_sectors.values_list("slug", flat=True)),
        }
    }


def webhook_event_record(*, event_type: str, data: dict, event_key: str) -> list:
    """Write one delivery per active endpoint that wants ``event_type``. Must run in
    the transaction of the change. Side effect: after commit, delivery tasks."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("webhook events are written in the transaction that causes them")
    now = timezone.now()
    event_id = uuid.uuid5(uuid.NAMESPACE_URL, f"vetting:{event_type}:{event_key}")
    body = {"id": str(event_id), "type": event_type, "created_at": now.isoformat(), "data": data}
    rows = [
        WebhookDelivery(
            endpoint=endpoint,
            event_id=event_id,
            event_type=event_type,
            payload=body,
            dedupe_key=f"{endpoint.pk}:{event_type}:{event_key}",
        )
        for endpoint in WebhookEndpoint.objects.filter(is_active=True)
        if endpoint.wants(event_type)
    ]
    if not rows:
        return []
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = [
        str(pk)
        for pk in WebhookDelivery.objects.filter(
            dedupe_key__in=[r.dedupe_key for r in rows], attempts=0
        ).values_list("pk", flat=True)
    ]
    transaction.on_commit(lambda: dispatch(ids), robust=True)
    return rows


def webhook_clearance_event(clearance, event_type: str, event) -> None:
    """The webhook for a clearance change recorded as audit ``event``."""
    webhook_event_record(
        event_type=event_type, data=clearance_payload(clearance), event_key=f"audit{event.pk}"
    )


def webhook_model_event(model, event_type: str, event) -> None:
    webhook_event_record(
        event_type=event_type, data=model_payload(model), event_key=f"audit{event.pk}"
    )


def dispatch(ids) -> None:
    """Queue delivery tasks of up to WEBHOOK_BATCH_SIZE deliveries each; on a broker
    error leave the rest to the sweeper."""
    from .tasks import deliver_webhooks

    ids = [str(pk) for pk in ids]
    size = max(settings.WEBHOOK_BATCH_SIZE, 1)
    for start in range(0, len(ids), size):
        try:
            deliver_webhooks.delay(ids[start : start + size])
        except Exception:  # kombu raises several types for "broker unreachable"
            log.warning("broker unreachable; webhook deliveries left to the sweeper", exc_info=True)
            return


@transaction.atomic
def webhook_endpoint_disable(*, endpoint_id: int, reason: str) -> bool:
    """Disable an endpoint (it failed continuously for too long). Idempotent: returns
    False if it was already disabled. Side effects: its pending deliveries are
    marked failed; its owners get an email."""
    now = timezone.now()
    if not WebhookEndpoint.objects.filter(pk=endpoint_id, is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason
    ):
        return False
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    # The conditional UPDATE decided who disables it; this save (same values) is what
    # writes the change to the endpoint's history (signals, audit/history.py).
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    WebhookDelivery.objects.filter(
        endpoint=endpoint,
        status=WebhookDelivery.Status.PENDING,
    ).update(status=WebhookDelivery.Status.FAILED, last_error=f"Endpoint disabled: {reason}")
    notification_enqueue(
        template_key="webhook_endpoint_disabled",
        recipients=endpoint.owners,
        context={
            "endpoint": endpoint.name,
            "endpoint_url": endpoint.url,
            "reason": reason,
            "url_path": f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/",
        },
        event_key=f"endpoint{endpoint.pk}:{now:%Y%m%d%H%M%S}",
    )
    return True


@transaction.atomic
@transaction.atomic
def webhook_redeliver(*, actor, delivery_id) -> WebhookDelivery:
    """Queue a failed delivery again (from the admin). Side effects: audit event;
    after commit, a task."""
    permissions.require(actor, Action.WEBHOOK_REDELIVER)
    row = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    if row.status == WebhookDelivery.Status.FAILED:
        row.status = WebhookDelivery.Status.PENDING
        row.next_attempt_at = timezone.now()
        row.save(update_fields=["status", "next_attempt_at"])
        audit_record(
            actor=actor,
            action="webhook.redelivered",
            obj=row,
            data={"event_id": str(row.event_id), "endpoint_id": row.endpoint_id},
        )
        transaction.on_commit(lambda: dispatch([row.pk]), robust=True)
    return row
