"""Audit trail benchmark, on PostgreSQL.

1. Append rate: 20 threads, each with its own connection, append events (one
   transaction each, as the services do) while a checkpoint is signed and fsynced
   into the log every 0.2 s (beat does it every 5 minutes; this is much harsher).
   Printed beside the same run without checkpoints.
2. `audit_verify` over a long trail: the time per event and the resident memory at
   half and at the whole trail (streamed: the memory must not grow with it).
   Target: 1,000,000 events under 60 s. BENCH_QUICK=1 (CI) verifies 100,000 and
   projects to 1M.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetting_bench \\
     VETTING_VAR_DIR=/tmp/bench-audit uv run python bench/audit/run.py
(it works in a scratch database <name>_audit).
"""

import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
os.environ.setdefault("VETTING_VAR_DIR", tempfile.mkdtemp(prefix="bench-audit-"))

QUICK = os.environ.get("BENCH_QUICK") == "1"
WRITERS = 20
APPEND_SECONDS = 3 if QUICK else 10
VERIFY_EVENTS = 100_000 if QUICK else 1_000_000
TARGET_1M_SECONDS = 60.0


def scratch_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench/audit needs DATABASE_URL=postgres://... (20 concurrent writers)")
    import dj_database_url
    import psycopg
    from psycopg import sql

    cfg = dj_database_url.parse(url)
    name = f"{cfg['NAME']}_audit"
    with psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name


def append_rate(checkpointing: bool) -> tuple[float, int]:
    from django.db import connection, transaction

    from vetting.audit import checkpoints
    from vetting.audit.services import audit_record
    from vetting.organizations.models import Sector

    sector = Sector.objects.order_by("pk").first()
    stop = threading.Event()
    counts = [0] * WRITERS
    written = []

    def writer(slot: int) -> None:
        try:
            while not stop.is_set():
                with transaction.atomic():
                    audit_record(actor=None, action="bench.appended", obj=sector, data={"n": slot})
                counts[slot] += 1
        finally:
            connection.close()

    def checkpointer() -> None:
        try:
            while not stop.is_set():
                if checkpoints.write_checkpoint():
                    written.append(1)
                time.sleep(0.2)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    if checkpointing:
        threads.append(threading.Thread(target=checkpointer))
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(APPEND_SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started), len(written)


def build_trail(total: int) -> None:
    """A valid chain of ``total`` events written in bulk (the ORM's save is bypassed
    as a restore would; each hash is computed as audit_record computes it)."""
    from django.db import connection
    from django.utils import timezone

    from vetting.audit.models import AuditChainHead, AuditEvent

    head = AuditChainHead.objects.get(id=1)
    prev, count = head.last_hash, head.count
    now = timezone.now()
    batch = []
    for n in range(total):
        event = AuditEvent(
            occurred_at=now,
            actor_label="system",
            action="bench.bulk",
            object_type="organizations.sector",
            object_id=str(n % 50),
            data={"n": n, "reason": "benchmark trail"},
            prev_hash=prev,
        )
        event.hash = event.compute_hash()
        prev = event.hash
        batch.append(event)
        if len(batch) == 10_000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    with connection.cursor() as cursor:  # as a restore by the owner: trigger off
        cursor.execute("ALTER TABLE audit_auditchainhead DISABLE TRIGGER audit_head_forward_only")
        cursor.execute(
            "UPDATE audit_auditchainhead SET count = %s, last_hash = %s WHERE id = 1",
            [count + total, prev],
        )
        cursor.execute("ALTER TABLE audit_auditchainhead ENABLE TRIGGER audit_head_forward_only")


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    scratch_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    log = Path(os.environ["VETTING_VAR_DIR"]) / "bench-checkpoints.jsonl"
    log.unlink(missing_ok=True)  # the scratch database is new: so is its log
    settings.AUDIT_CHECKPOINT_LOG = str(log)
    from vetting.audit import checkpoints
    from vetting.audit.services import audit_verify_chain

    plain, _ = append_rate(checkpointing=False)
    signed, written = append_rate(checkpointing=True)
    print(f"append, {WRITERS} writers, no checkpoints:            {plain:8.0f} events/s")
    print(
        f"append, {WRITERS} writers, checkpoint every 0.2 s:     {signed:8.0f} events/s "
        f"({written} checkpoints signed; {signed / plain:.2f}x of without)"
    )

    half = VERIFY_EVENTS // 2
    runs = []
    for size in (half, VERIFY_EVENTS - half):
        build_trail(size)
        checkpoints.write_checkpoint()
        before = rss_mb()
        started = time.perf_counter()
        report = audit_verify_chain()
        runs.append((report.count, time.perf_counter() - started, rss_mb() - before))
        assert report.ok, report.problem
    (half_count, half_seconds, half_growth), (count, seconds, growth) = runs
    per_million = seconds / count * 1_000_000
    verdict = "met" if per_million < TARGET_1M_SECONDS else "MISSED"
    print(
        f"audit_verify {count:,} events: {seconds:.1f} s ({count / seconds:,.0f} events/s; "
        f"1M events: {per_million:.1f} s, target < {TARGET_1M_SECONDS:.0f} s: {verdict})"
    )
    print(
        f"audit_verify memory growth while verifying: {half_growth:+.1f} MB for "
        f"{half_count:,} events ({half_seconds:.1f} s), {growth:+.1f} MB for {count:,}"
    )


if __name__ == "__main__":
    main()
