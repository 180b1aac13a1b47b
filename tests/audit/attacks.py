"""What an attacker holding the database owner's rights can do to the audit trail."""

import hashlib
import json
from contextlib import contextmanager

import dj_database_url
import psycopg
from django.conf import settings
from django.db import connection

from vetting import audit_verifier as trail
from vetting.audit.models import AuditEvent


@contextmanager
def owner_cursor():
    """A cursor with the tables' owner's rights. When the suite runs as the application
    role (DATABASE_OWNER_URL set, `.ci/run`), a connection of the owner's own, in
    autocommit: the tests that use it are transactional so it sees their rows."""
    if not settings.DATABASE_OWNER_URL or connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    owner = dj_database_url.parse(settings.DATABASE_OWNER_URL)
    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=owner["USER"],
        password=owner["PASSWORD"] or None,
        dbname=s["NAME"],
        autocommit=True,
    ) as conn:
        yield conn.cursor()


def owner_sql(*statements) -> None:
    """Statements run as the owner, with deferred foreign-key checks queued by the
    test's inserts run first (else ALTER TABLE refuses: "pending trigger events")."""
    with owner_cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            if isinstance(statement, tuple):
                cursor.execute(*statement)
            else:
                cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def tamper(sql: str, params=()) -> None:
    """Raw SQL as an attacker holding the table owner's rights: on PostgreSQL they
    can switch the append-only trigger off first."""
    if connection.vendor != "postgresql":
        owner_sql((sql, params))
        return
    owner_sql(
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
        (sql, params),
        "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only",
    )


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
    update = (
        "UPDATE audit_auditchainhead SET count = %s, last_hash = %s WHERE id = 1",
        [count, last_hash],
    )
    if connection.vendor != "postgresql":
        owner_sql(update)
        return
    owner_sql(
        "ALTER TABLE audit_auditchainhead DISABLE TRIGGER audit_head_forward_only",
        update,
        "ALTER TABLE audit_auditchainhead ENABLE TRIGGER audit_head_forward_only",
    )


def edit_data(event: AuditEvent, data: dict) -> None:
    tamper("UPDATE audit_auditevent SET data = %s WHERE id = %s", [json.dumps(data), event.pk])
