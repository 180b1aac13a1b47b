"""What an attacker holding the database owner's rights can do to the audit trail."""

import hashlib
import json

from django.db import connection

from vetting import audit_verifier as trail
from vetting.audit.models import AuditEvent


def tamper(sql: str, params=()) -> None:
    """Raw SQL as an attacker holding the table owner's rights: on PostgreSQL they
    can switch the append-only trigger off first."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # Deferred foreign-key checks queued by this test's inserts would make
            # ALTER TABLE refuse ("pending trigger events"); run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if postgres:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def rehash_from(index: int, events: list[AuditEvent]) -> str:
    """Re-link and re-hash every event from ``events[index]`` on with plain SHA-256,
    as the attacker would after editing one, and move the chain head to match."""
    prev = events[index - 1].hash if index else trail.GENESIS_HASH
    for event in AuditEvent.objects.filter(pk__gte=events[index].pk).order_by("id"):
        event.prev_hash = prev
        forged = hashlib.sha256(event.canonical()).hexdigest()
        tamper(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, forged, event.pk],
        )
        prev = forged
    move_head(AuditEvent.objects.count(), prev)
    return prev


def move_head(count: int, last_hash: str) -> None:
    """Set the chain head; on PostgreSQL its forward-only trigger is switched off first
    (the owner can; tests/audit/test_tamper.py shows the trigger refusing otherwise)."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE audit_auditchainhead DISABLE TRIGGER audit_head_forward_only"
            )
        cursor.execute(
            "UPDATE audit_auditchainhead SET count = %s, last_hash = %s WHERE id = 1",
            [count, last_hash],
        )
        if postgres:
            cursor.execute(
                "ALTER TABLE audit_auditchainhead ENABLE TRIGGER audit_head_forward_only"
            )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def edit_data(event: AuditEvent, data: dict) -> None:
    tamper("UPDATE audit_auditevent SET data = %s WHERE id = %s", [json.dumps(data), event.pk])
