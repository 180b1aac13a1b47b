"""Writing and verifying the audit trail."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from vetting import audit_verifier as trail
from vetting.observability import current_request_id

from . import checkpoints
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
    if event.object_type in CHECKPOINT_AFTER:
        transaction.on_commit(_checkpoint_soon, robust=True)
    return event


# Events on these are signed into a checkpoint as soon as they commit, not only by
# the periodic one: a clearance change is what a government relies on.
CHECKPOINT_AFTER = frozenset({"clearances.clearance"})


def _checkpoint_soon() -> None:
    from .tasks import write_checkpoint

    write_checkpoint.delay()


@dataclass
class ChainReport:
    ok: bool
    count: int
    broken_event_id: int | None = None
    problem: str = ""
    checkpoint: dict | None = None  # the newest checkpoint the chain was held to
    where: str = ""  # what the problem is found at, when not an event

    @property
    def location(self) -> str:
        return f"event #{self.broken_event_id}" if self.broken_event_id else self.where


_VALUE_FIELDS = ("id", "hash", "occurred_at", *trail.EVENT_FIELDS[1:], "request_id")


def event_rows(batch_size: int = 5000):
    """(id, canonical fields, stored hash) of every event in chain order, streamed."""
    rows = AuditEvent.objects.order_by("id").values_list(*_VALUE_FIELDS)
    for row in rows.iterator(chunk_size=batch_size):
        fields = dict(zip(_VALUE_FIELDS, row, strict=True))
        fields["occurred_at"] = fields["occurred_at"].isoformat()
        yield fields.pop("id"), fields, fields.pop("hash")


def audit_verify_chain(checkpoint_logs=None, batch_size: int = 5000) -> ChainReport:
    """Walk the chain in id order, holding it to every checkpoint of the local log and
    of ``checkpoint_logs`` ((source, checkpoints) pairs, e.g. an outside party's copy);
    report the first thing that does not fit."""
    verifier = trail.TrailVerifier()
    try:
        keys = checkpoints.public_keys()
        pins = trail.check_checkpoint_log(checkpoints.read_log(), keys, str(checkpoints.log_path()))
        for source, logged in checkpoint_logs or ():
            pins += trail.check_checkpoint_log(logged, keys, source)
        verifier = trail.TrailVerifier(pins)
        for event_id, fields, stored in event_rows(batch_size):
            verifier.add(event_id, fields, stored)
        verifier.finish()
    except trail.TrailBroken as broken:
        seq = broken.checkpoint_seq
        where = f"checkpoint #{seq}" if seq else "the trail"
        return ChainReport(False, verifier.count, broken.event_id, broken.problem, where=where)
    head = AuditChainHead.objects.filter(id=1).first()
    expected = (head.count, head.last_hash) if head else (0, GENESIS_HASH)
    if expected != (verifier.count, verifier.last_hash):
        return ChainReport(
            False,
            verifier.count,
            None,
            f"the chain head records {expected[0]} events ending in {expected[1][:12]}…, "
            f"but {verifier.count} events end in {verifier.last_hash[:12]}… "
            "(events at the end were deleted, or the head was moved)",
            where="chain head",
        )
    return ChainReport(True, verifier.count, checkpoint=verifier.newest)
