"""One test per attack on the audit trail by someone with the database owner's rights
(on PostgreSQL the test connection owns the tables, so it can switch triggers off):
each makes `audit_verify` fail naming what is wrong, once a signed checkpoint covers
the events attacked. The checkpoint log and its key are outside the database.

The one attack checkpoints cannot catch is appending well-formed forged events after
the newest checkpoint (the attacker can compute SHA-256 too): the next checkpoint
would sign them. The window is at most the checkpoint period (5 minutes), and every
clearance change is checkpointed as soon as it commits
(tests/audit/test_checkpoints.py shows both).
"""

import json

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from vetting import audit_verifier as trail
from vetting.audit import checkpoints
from vetting.audit.models import AuditEvent
from vetting.audit.services import audit_record, audit_verify_chain

from .attacks import edit_data, move_head, owner_cursor, owner_sql, rehash_from, tamper

# The attacker is the tables' owner; when the suite runs as the application role the
# owner works on a connection of its own, which sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)
REFUSED = (DatabaseError, psycopg.Error)  # through Django's connection, or the owner's


def broken_reason() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    return str(failure.value)


@pytest.fixture
def pinned(history):
    """The trail of one approval, signed into the checkpoint log."""
    written = checkpoints.write_checkpoint()
    assert written["count"] == len(history)
    assert audit_verify_chain().ok
    return history


def test_an_edited_event_is_named(pinned):
    edit_data(pinned[3], {"reason": "forged"})
    reason = broken_reason()
    assert f"BROKEN at event #{pinned[3].pk}" in reason
    assert "do not match its hash (the row was edited)" in reason


@pytest.mark.parametrize("position", ["first", "middle"])
def test_deleting_an_event_breaks_the_link_of_the_next(pinned, position):
    index = 0 if position == "first" else len(pinned) // 2
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [pinned[index].pk])
    reason = broken_reason()
    assert f"BROKEN at event #{pinned[index + 1].pk}" in reason
    assert "an event was deleted, inserted or reordered" in reason


def test_deleting_the_last_events_and_rolling_the_head_back_is_caught_by_the_checkpoint(
    pinned,
):
    for event in pinned[-2:]:
        tamper("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    move_head(len(pinned) - 2, pinned[-3].hash)
    reason = broken_reason()
    assert f"attests {len(pinned)} events, but the trail holds {len(pinned) - 2}" in reason
    assert "events at the end were deleted or the table was truncated" in reason


def test_truncating_the_table_and_resetting_the_head_is_caught(pinned):
    if connection.vendor == "postgresql":
        owner_sql(
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_truncate",
            "TRUNCATE audit_auditevent",
            "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_truncate",
        )
    else:
        tamper("DELETE FROM audit_auditevent")
    move_head(0, trail.GENESIS_HASH)
    assert AuditEvent.objects.count() == 0
    reason = broken_reason()
    assert f"attests {len(pinned)} events, but the trail holds 0" in reason


def test_an_inserted_event_breaks_the_chain(pinned):
    forged = AuditEvent.objects.get(pk=pinned[4].pk)
    tamper(
        "INSERT INTO audit_auditevent (occurred_at, actor_id, actor_label, action, "
        "object_type, object_id, before_state, after_state, data, request_id, prev_hash, hash) "
        "SELECT occurred_at, actor_id, actor_label, 'application.approved', object_type, "
        "object_id, before_state, after_state, data, request_id, prev_hash, %s "
        "FROM audit_auditevent WHERE id = %s",
        ["f" * 64, forged.pk],
    )
    reason = broken_reason()
    assert "BROKEN at event #" in reason
    assert "an event was deleted, inserted or reordered" in reason


def test_swapping_two_events_is_detected(pinned):
    a, b = pinned[2], pinned[3]
    tamper("UPDATE audit_auditevent SET id = -1 WHERE id = %s", [a.pk])
    tamper("UPDATE audit_auditevent SET id = %s WHERE id = %s", [a.pk, b.pk])
    tamper("UPDATE audit_auditevent SET id = %s WHERE id = -1", [b.pk])
    reason = broken_reason()
    assert f"BROKEN at event #{a.pk}" in reason
    assert "deleted, inserted or reordered" in reason


def test_an_edit_rehashed_with_plain_sha256_is_caught_by_the_checkpoint(pinned):
    """The chain alone is fooled: every link and the head fit again."""
    edit_data(pinned[3], {"reason": "forged"})
    rehash_from(3, pinned)
    reason = broken_reason()
    assert f"checkpoint #1 (signed {checkpoints.read_log()[0]['at']})" in reason
    assert f"attests that event {len(pinned)} has hash {pinned[-1].hash[:12]}" in reason
    assert "rewritten and re-hashed" in reason


def test_disabling_the_trigger_then_editing_is_caught(pinned):
    """The owner can switch the append-only trigger off (the application role cannot:
    tests/audit/test_database_roles.py); the edit still shows."""
    if connection.vendor == "postgresql":
        owner_sql(
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
            ("UPDATE audit_auditevent SET actor_label = 'x' WHERE id = %s", [pinned[0].pk]),
        )
    else:
        tamper("UPDATE audit_auditevent SET actor_label = 'x' WHERE id = %s", [pinned[0].pk])
    assert f"BROKEN at event #{pinned[0].pk}" in broken_reason()


# --- what PostgreSQL refuses before any checkpoint is needed ------------------


@pytest.mark.postgres
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditchainhead"])
def test_postgresql_refuses_to_truncate_the_audit_tables(pinned, table):
    with (
        pytest.raises(REFUSED, match="the audit trail cannot be truncated"),
        transaction.atomic(),
        owner_cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # else: "pending trigger events"
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.count() == len(pinned)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditchainhead SET count = count - 1",
        "UPDATE audit_auditchainhead SET last_hash = %s",
        "UPDATE audit_auditchainhead SET count = count + 1, last_hash = %s",
        "DELETE FROM audit_auditchainhead",
    ],
)
def test_postgresql_moves_the_chain_head_only_forward(pinned, sql):
    with (
        pytest.raises(REFUSED, match="audit chain head"),
        transaction.atomic(),
        owner_cursor() as cursor,
    ):
        cursor.execute(sql, ["0" * 64] if "%s" in sql else None)
    assert audit_verify_chain().ok


# --- the checkpoint log itself -----------------------------------------------


def _rewrite_log(lines: list[dict]) -> None:
    with open(checkpoints.log_path(), "w") as handle:
        handle.writelines(json.dumps(c, sort_keys=True) + "\n" for c in lines)


@pytest.fixture
def two_checkpoints(pinned, cast):
    with transaction.atomic():
        audit_record(actor=cast.officer, action="organization.noted", obj=cast.org)
    checkpoints.write_checkpoint()
    log = checkpoints.read_log()
    assert [c["seq"] for c in log] == [1, 2]
    return log


def test_replacing_the_last_checkpoint_with_an_earlier_one_is_detected(two_checkpoints):
    _rewrite_log([two_checkpoints[0], two_checkpoints[0]])
    assert "checkpoint #1 does not follow checkpoint #1" in broken_reason()


def test_a_checkpoint_edited_to_match_a_shorter_trail_fails_its_signature(two_checkpoints):
    forged = {**two_checkpoints[1], "count": two_checkpoints[0]["count"]}
    _rewrite_log([two_checkpoints[0], forged])
    assert "checkpoint #2: its signature does not verify" in broken_reason()


def test_a_checkpoint_signed_with_another_key_is_refused(two_checkpoints):
    other = Ed25519PrivateKey.generate()
    body = {k: v for k, v in two_checkpoints[1].items() if k != "sig"}
    body["kid"] = trail.key_id(trail.public_raw(other.public_key()))
    forged = {**body, "sig": trail.signature_text(other.sign(trail.checkpoint_body(body)))}
    _rewrite_log([two_checkpoints[0], forged])
    assert "which is not a trusted audit key" in broken_reason()


def test_an_outside_copy_catches_a_local_log_cut_short(two_checkpoints, tmp_path):
    """Dropping the newest line of the local log is not visible locally; the copy an
    outside party fetched from /api/v1/audit/checkpoints shows it."""
    copy = tmp_path / "government-copy.jsonl"
    copy.write_text("".join(json.dumps(c, sort_keys=True) + "\n" for c in two_checkpoints))
    last = AuditEvent.objects.order_by("-id").first()
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    move_head(last_count := two_checkpoints[0]["count"], two_checkpoints[0]["last_hash"])
    _rewrite_log(two_checkpoints[:1])
    assert audit_verify_chain().ok  # the local log alone is fooled
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", checkpoints=[str(copy)])
    assert f"but the trail holds {last_count}" in str(failure.value)
