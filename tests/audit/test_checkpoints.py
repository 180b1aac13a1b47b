"""Signed checkpoints: written by the worker after a clearance change and by beat's
schedule, kept in a log outside the database; the signed export verifies offline."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction

from tests.factories import Cast
from tests.waiting import wait_for
from vetting import audit_verifier as trail
from vetting.audit import checkpoints
from vetting.audit.export import export_lines
from vetting.audit.models import AuditChainHead, AuditEvent
from vetting.clearances.services import clearance_suspend

ROOT = Path(__file__).resolve().parents[2]


def test_a_checkpoint_signs_the_head_and_chains_to_the_one_before(history, cast):
    first = checkpoints.write_checkpoint()
    assert checkpoints.write_checkpoint() is None  # nothing new: no line
    with transaction.atomic():
        cast.walk_to("approved")
    second = checkpoints.write_checkpoint()
    head = AuditChainHead.objects.get()
    assert (second["seq"], second["count"], second["last_hash"]) == (2, head.count, head.last_hash)
    assert second["prev"] == trail.checkpoint_digest(first)
    keys = checkpoints.public_keys()
    assert trail.check_checkpoint_log(checkpoints.read_log(), keys, "log") == [first, second]
    assert Path(settings.AUDIT_CHECKPOINT_LOG).read_text().count("\n") == 2


def test_beat_schedules_a_checkpoint_every_five_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]
    assert entry["task"] == "vetting.audit.tasks.write_checkpoint"
    assert entry["schedule"] == 300.0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_clearance_change_is_checkpointed_by_the_worker_when_it_commits():
    from vetting.celery import app

    cast = Cast()
    with transaction.atomic():
        clearance = cast.walk_to("approved").clearance
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        clearance_suspend(actor=cast.officer, clearance_id=clearance.pk, reason="Inquiry")
        head = AuditChainHead.objects.get()
        log = wait_for(
            lambda: (log := checkpoints.read_log()) and log[-1]["count"] == head.count and log,
            what="a checkpoint covering the suspension",
        )
    assert log[-1]["last_hash"] == head.last_hash
    assert AuditEvent.objects.get(hash=head.last_hash).action == "clearance.suspended"


def test_production_refuses_the_development_key(settings):
    settings.PRODUCTION, settings.AUDIT_SIGNING_KEY = True, ""
    with pytest.raises(ImproperlyConfigured, match="AUDIT_SIGNING_KEY"):
        checkpoints.signing_key()


def test_the_key_comes_from_a_key_file(settings, tmp_path):
    seed = "a" * 43 + "="
    key_file = tmp_path / "audit.key"
    key_file.write_text(seed)
    settings.AUDIT_SIGNING_KEY_FILE = str(key_file)
    from_file = checkpoints.published_keys()[0]["public_key"]
    settings.AUDIT_SIGNING_KEY_FILE, settings.AUDIT_SIGNING_KEY = "", seed
    assert checkpoints.published_keys()[0]["public_key"] == from_file


# --- the export and the offline verifier ----------------------------------------


def _offline(export: Path, *extra: str) -> subprocess.CompletedProcess:
    """vetting/audit_verifier.py run as an auditor would: a plain script, no Django."""
    key = checkpoints.published_keys()[0]["public_key"]
    return subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-I", str(ROOT / "vetting" / "audit_verifier.py"), str(export)]
        + ["--key", key, *extra],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def export(history, tmp_path):
    checkpoints.write_checkpoint()
    path = tmp_path / "trail.jsonl"
    call_command("audit_export", str(path))
    return path


def test_an_export_verifies_offline(export, history):
    result = _offline(export)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == (
        f"OK: {len(history)} audit events, chain intact, ending in {history[-1].hash}"
    )


def test_an_edited_export_is_refused_offline(export):
    lines = export.read_text().splitlines(keepends=True)
    record = json.loads(lines[3])
    record["actor_label"] = "someone else"
    lines[3] = json.dumps(record, sort_keys=True) + "\n"
    export.write_text("".join(lines))
    result = _offline(export)
    assert result.returncode == 1
    assert "BROKEN" in result.stdout


def test_an_export_cut_short_is_refused_offline(export):
    lines = export.read_text().splitlines(keepends=True)
    export.write_text("".join(lines[:-2]))
    result = _offline(export)
    assert (result.returncode, result.stdout.strip()) == (
        1,
        "BROKEN: the export has no signature line (it was cut short)",
    )


def test_an_export_checked_with_another_key_is_refused(export):
    other = trail.base64.b64encode(b"\x01" * 32).decode()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-I", str(ROOT / "vetting" / "audit_verifier.py"), str(export)]
        + ["--key", other],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "is not a trusted audit key" in result.stdout


def test_an_export_is_held_to_an_outside_checkpoint_copy(export, tmp_path, cast):
    """An auditor's own copy of a later checkpoint shows the export left events out."""
    with transaction.atomic():
        cast.walk_to("approved")
    later = checkpoints.write_checkpoint()
    copy = tmp_path / "copy.jsonl"
    copy.write_text("".join(json.dumps(c) + "\n" for c in checkpoints.read_log()))
    result = _offline(export, "--checkpoints", str(copy))
    assert result.returncode == 1
    assert f"attests {later['count']} events" in result.stdout


def test_the_export_streams_in_chain_order(history):
    lines = [json.loads(line) for line in export_lines()]
    assert [r["type"] for r in lines[:1]] == ["header"]
    events = [r for r in lines if r["type"] == "event"]
    assert [e["id"] for e in events] == [e.pk for e in history]
    assert lines[-1]["type"] == "signature" and lines[-1]["count"] == len(history)
