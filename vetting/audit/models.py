"""The append-only, hash-chained audit trail.

Each event stores the previous event's hash and its own hash over a canonical
serialization, so editing, deleting or reordering rows is detectable
(``manage.py audit_verify``). The ORM refuses updates and deletes; on
PostgreSQL a trigger refuses them too (migration 0002).
"""

import hashlib

from django.conf import settings
from django.db import models

from vetting import audit_verifier as trail

GENESIS_HASH = trail.GENESIS_HASH
event_fields_without_time = (*trail.EVENT_FIELDS[1:], "request_id")


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only and cannot be updated")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only and cannot be deleted")


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept apart from the FK so the record reads the same if the user is renamed.
    actor_label = models.CharField(max_length=300)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    before_state = models.CharField(max_length=40, blank=True)
    after_state = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The web request (or the task it queued) that made the change: its log lines
    # carry the same id (vetting.observability). Hashed only when set, so events
    # from before the field keep their hashes.
    request_id = models.CharField(max_length=64, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id} by {self.actor_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("Audit events are append-only and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only and cannot be deleted")

    def canonical(self) -> bytes:
        """The bytes the hash covers (vetting.audit_verifier holds the format)."""
        fields = {name: getattr(self, name) for name in event_fields_without_time}
        fields["occurred_at"] = self.occurred_at.isoformat()
        return trail.event_canonical(fields)

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


class AuditChainHead(models.Model):
    """One row: the hash and count of the last event. Locking it serializes appends
    (so the chain never forks) and lets verification notice a deleted tail."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain head ({self.count} events)"
