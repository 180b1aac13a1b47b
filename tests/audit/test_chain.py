"""The audit trail is append-only and tamper-evident: `audit_verify` finds an
edited, deleted or reordered row, and the ORM (and on PostgreSQL the database)
refuses to change history."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from vetting.applications.models import State
from vetting.audit.models import AppendOnlyError, AuditEvent
from vetting.audit.services import audit_verify_chain

from .attacks import owner_cursor, tamper

# Tampering is the owner's work; when the suite runs as the application role it is done
# on the owner's own connection, which sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue().strip()


def test_an_empty_trail_verifies(db):
    assert verify().startswith("OK: 0 audit events, chain intact;")


def test_an_intact_trail_verifies_with_its_count(history):
    assert verify().startswith(f"OK: {len(history)} audit events, chain intact;")


def test_each_event_points_at_the_hash_of_the_one_before(history):
    for earlier, later in zip(history, history[1:], strict=False):
        assert later.prev_hash == earlier.hash
    assert history[0].prev_hash == "0" * 64


def test_editing_one_row_is_detected_and_names_the_event(history):
    victim = history[4]
    tamper("UPDATE audit_auditevent SET after_state = %s WHERE id = %s", ["approved", victim.pk])

    with pytest.raises(CommandError) as exc:
        verify()

    assert str(exc.value) == (
        f"BROKEN at event #{victim.pk} after 4 valid events: its "
        "contents do not match its hash (the row was edited)"
    )
    assert exc.value.returncode == 1


def test_editing_the_actor_is_detected(history):
    victim = history[-1]
    tamper(
        "UPDATE audit_auditevent SET actor_label = %s WHERE id = %s",
        ["someone-else@example.org", victim.pk],
    )

    report = audit_verify_chain()

    assert (report.ok, report.broken_event_id) == (False, victim.pk)


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(history):
    victim, following = history[3], history[4]
    victim.data = {"reason": "nothing to see"}
    forged = victim.compute_hash()
    tamper(
        "UPDATE audit_auditevent SET data = %s, hash = %s WHERE id = %s",
        ['{"reason": "nothing to see"}', forged, victim.pk],
    )

    with pytest.raises(
        CommandError,
        match=f"BROKEN at event #{following.pk} after 4 valid events: its prev_hash does not match",
    ):
        verify()


def test_deleting_a_row_in_the_middle_is_detected(history):
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [history[2].pk])

    with pytest.raises(
        CommandError,
        match=f"BROKEN at event #{history[3].pk} after 2 valid events: .*an event was deleted",
    ):
        verify()


def test_deleting_the_last_row_is_detected(history):
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [history[-1].pk])

    with pytest.raises(CommandError) as exc:
        verify()

    assert str(exc.value).startswith(
        f"BROKEN at chain head after {len(history) - 1} valid events: the chain head "
        f"records {len(history)} events"
    )
    assert "(events at the end were deleted, or the head was moved)" in str(exc.value)


# --- the ORM refuses -----------------------------------------------------------


def test_the_orm_refuses_to_update_events(history):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=history[0].pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(actor_label="nobody")
    assert AuditEvent.objects.get(pk=history[0].pk).action == history[0].action


def test_the_orm_refuses_to_save_an_existing_event(history):
    event = AuditEvent.objects.get(pk=history[0].pk)
    event.actor_label = "nobody"

    with pytest.raises(AppendOnlyError):
        event.save()
    # bulk_update opens an atomic block without a savepoint; give it one.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["actor_label"])

    assert AuditEvent.objects.get(pk=event.pk).actor_label == history[0].actor_label


def test_the_orm_refuses_to_delete_events(history):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.get(pk=history[0].pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.count() == len(history)
    assert verify().startswith("OK")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_event_cannot_be_written_outside_the_change_it_records():
    from tests.factories import make_org
    from vetting.audit.services import audit_record

    organization = make_org()

    with pytest.raises(RuntimeError, match="inside the transaction it records"):
        audit_record(actor=None, action="organization.renamed", obj=organization)

    assert AuditEvent.objects.count() == 0


# --- the database refuses (PostgreSQL) -----------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_raw_changes_to_events(history, sql):
    with (
        pytest.raises((DatabaseError, psycopg.Error), match="audit events are append-only"),
        transaction.atomic(),
        owner_cursor() as cursor,
    ):
        cursor.execute(sql, [history[0].pk])

    assert AuditEvent.objects.count() == len(history)
    assert verify().startswith(f"OK: {len(history)} audit events, chain intact;")


# --- the real command, as an operator runs it ---------------------------------


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    return f"postgres://{user}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"


def _run_audit_verify() -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "AUDIT_CHECKPOINT_LOG": django_settings.AUDIT_CHECKPOINT_LOG,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "audit_verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_command_exits_non_zero_naming_the_edited_event():
    from tests.factories import Cast

    Cast().walk_to(State.APPROVED)
    events = list(AuditEvent.objects.order_by("id"))
    intact = _run_audit_verify()
    assert intact.returncode == 0
    assert intact.stdout.startswith(f"OK: {len(events)} audit events, chain intact;")

    tamper(
        "UPDATE audit_auditevent SET data = %s WHERE id = %s",
        ['{"reason": "edited"}', events[1].pk],
    )
    broken = _run_audit_verify()

    assert broken.returncode == 1
    assert f"BROKEN at event #{events[1].pk} after 1 valid events" in broken.stderr
