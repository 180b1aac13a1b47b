"""Writing and verifying the audit trail."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from vetting.observability import current_request_id

from .models import GENESIS_HASH, AuditChainHead, AuditEvent

SYSTEM_LABEL = "system"


def actor_label(actor) -> str:
    if actor is None:
        return SYSTEM_LABEL
    return str(actor)


def audit_record(
    *,
    actor,
    action: str,
    obj,
    before: str = "",
    after: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the transaction of the change
    it records; it locks the chain head until that transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the transaction it records")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before_state=before or "",
        after_state=after or "",
        data=data or {},
        request_id=current_request_id(),
        prev_hash=head.last_hash,
    )
    event.hash = event.compute_hash()
    event.save()
    head.last_hash = event.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    return event


@dataclass
class ChainReport:
    ok: bool
    count: int
    broken_event_id: int | None = None
    problem: str = ""


def audit_verify_chain(batch_size: int = 2000) -> ChainReport:
    """Walk the chain in id order and report the first event that does not fit."""
    prev = GENESIS_HASH
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev:
            return ChainReport(
                False,
                count,
                event.pk,
                "its prev_hash does not match the hash of the event before it "
                "(an event was deleted, inserted or reordered)",
            )
        if event.compute_hash() != event.hash:
            return ChainReport(
                False, count, event.pk, "its contents do not match its hash (the row was edited)"
            )
        prev = event.hash
        count += 1
    head = AuditChainHead.objects.filter(id=1).first()
    expected_hash = head.last_hash if head else GENESIS_HASH
    expected_count = head.count if head else 0
    if (expected_hash, expected_count) != (prev, count):
        return ChainReport(
            False,
            count,
            None,
            f"the chain head records {expected_count} events ending in "
            f"{expected_hash[:12]}…, but {count} events end in {prev[:12]}… "
            "(events at the end were deleted)",
        )
    return ChainReport(True, count)
