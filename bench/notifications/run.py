"""Notification delivery benchmark: queue 10,000 outbox rows, deliver them with a
real Celery worker (prefork, 2 processes) through Redis to a local SMTP sink, and
print throughput, delivered / lost / duplicated counts and peak worker memory.

    uv run python bench/notifications/run.py            # 10,000 messages
    BENCH_QUICK=1 uv run python bench/notifications/run.py   # 1,000 (CI)

Environment: BENCH_BROKER_URL (default redis://127.0.0.1:6379/4), DATABASE_URL
(default: a fresh SQLite file under a temporary directory), BENCH_CONCURRENCY (2).
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOTAL = 1_000 if os.environ.get("BENCH_QUICK") else 10_000
CHUNK = 500
HEADER = re.compile(rb"X-Vetting-Notification: (\d+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Counting:
    def __init__(self):
        self.seen = Counter()
        self.last_at = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        match = HEADER.search(envelope.content)
        with self.lock:
            self.seen[int(match.group(1)) if match else -1] += 1
            self.last_at = time.monotonic()
        return "250 OK"


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (the pool), from /proc."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, AttributeError):
            continue
    return total


def environment(var: Path, smtp_port: int) -> dict:
    env = {
        **os.environ,
        "VETTING_VAR_DIR": str(var),
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/4"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{var / 'bench.sqlite3'}"),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
    }
    os.environ.update(env)
    return env


def start_worker(env: dict) -> subprocess.Popen:
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "vetting",
            "worker",
            "-l",
            "info",
            "-c",
            os.environ.get("BENCH_CONCURRENCY", "2"),
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "-n",
            "bench@%h",
        ],
        cwd=ROOT,
        env={**env, "LOG_LEVEL": "INFO"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    log = open(Path(env["VETTING_VAR_DIR"]) / "worker.log", "w")  # noqa: SIM115
    for line in worker.stdout:
        log.write(line)
        if " ready." in line:
            break
    threading.Thread(target=lambda: log.writelines(worker.stdout), daemon=True).start()
    return worker


def enqueue_all() -> float:
    from django.db import transaction

    from vetting.notifications.services import notification_enqueue

    started = time.monotonic()
    for offset in range(0, TOTAL, CHUNK):
        with transaction.atomic():
            notification_enqueue(
                template_key="model_suspended",
                recipients=[f"bench{i}@sink.example" for i in range(offset, offset + CHUNK)],
                context={
                    "gated_model": "Bench Model",
                    "reason": "Benchmark.",
                    "url_path": "/apply/clearances/",
                },
                event_key=f"bench{offset}",
            )
    return started


def main() -> None:
    from aiosmtpd.controller import Controller

    var = Path(tempfile.mkdtemp(prefix="vetting-bench-"))
    sink, port = Counting(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = environment(var, port)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
    import django

    django.setup()
    from vetting.celery import app
    from vetting.notifications.models import Notification

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    worker = start_worker(env)
    peak = tree_rss_kib(worker.pid)
    try:
        started = enqueue_all()
        queued_in = time.monotonic() - started
        deadline = started + 60 + TOTAL / 10
        while len(sink.seen) < TOTAL and time.monotonic() < deadline:
            time.sleep(0.25)
            peak = max(peak, tree_rss_kib(worker.pid))
        time.sleep(2)  # anything that would arrive twice arrives now
        elapsed = sink.last_at - started
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
        controller.stop()
    ids = set(Notification.objects.values_list("pk", flat=True))
    delivered = len(ids & set(sink.seen))
    duplicated = sum(count - 1 for count in sink.seen.values() if count > 1)
    statuses = Counter(Notification.objects.values_list("status", flat=True))
    print(f"notifications queued:   {TOTAL} (enqueue took {queued_in:.1f} s)")
    print(
        f"broker / database:      {env['CELERY_BROKER_URL']} / "
        f"{env['DATABASE_URL'].split('://')[0]}"
    )
    print(f"delivered:              {delivered}")
    print(f"lost:                   {TOTAL - delivered}")
    print(f"duplicated:             {duplicated}")
    print(
        f"throughput:             {delivered / elapsed:.0f} deliveries/s "
        f"({elapsed:.1f} s from first commit to last delivery)"
    )
    print(f"peak worker memory:     {peak / 1024:.0f} MiB RSS (main process + pool)")
    print(f"outbox statuses:        {dict(statuses)}")
    sys.exit(0 if delivered == TOTAL and not duplicated else 1)


if __name__ == "__main__":
    main()
