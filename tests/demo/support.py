"""The README's first command, run for real: ``manage.py rundemo`` on the embedded
defaults (its own SQLite file and filesystem broker in a fresh VETTING_VAR_DIR),
with its email going to an SMTP sink on loopback."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from tests.notifications.support import ROOT, free_port, wait_for

# What the suite's own run may have set; the demo runs on its embedded defaults.
NOT_INHERITED = ("DATABASE_URL", "DATABASE_OWNER_URL", "CELERY_BROKER_URL", "REDIS_URL")

ENQUEUER = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
import django
django.setup()
from django.db import transaction
from vetting.notifications.services import notification_enqueue

name, seconds = sys.argv[1], float(sys.argv[2])
deadline, count = time.monotonic() + seconds, 0
while time.monotonic() < deadline:
    with transaction.atomic():
        notification_enqueue(
            template_key="model_suspended",
            recipients=[f"{name}-{count}@stress.example"],
            context={"gated_model": "Frontier Cyber", "reason": "Stress.", "url_path": "/apply/"},
            event_key=f"stress-{name}-{count}",
        )
    count += 1
    time.sleep(float(os.environ.get("ENQUEUE_PAUSE", "0.2")))
print(count)
"""


class Demo:
    def __init__(self, var_dir: Path, smtp_port: int, **env):
        self.var_dir = var_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        self.env.update(
            VETTING_VAR_DIR=str(var_dir),
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            EMAIL_USE_TLS="false",
            EMAIL_TIMEOUT="5",
            WORKER_HEARTBEAT_SECONDS="2",
            **{k: str(v) for k, v in env.items()},
        )
        self.output: list[str] = []
        self.process = None

    def start(self) -> "Demo":
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our command
            [sys.executable, "manage.py", "rundemo", "--addrport", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._drain, daemon=True).start()
        wait_for(lambda: self.get("/healthz") == 200, timeout=180, what="the demo's web server")
        wait_for(self.worker_pid, timeout=60, what="the demo's worker")
        wait_for(
            lambda: self.readyz_workers() == "1 running", timeout=60, what="a worker heartbeat"
        )
        return self

    def _drain(self):
        for line in self.process.stdout:
            self.output.append(line)

    def lines(self, pattern: str) -> list[str]:
        return [line for line in list(self.output) if re.search(pattern, line)]

    def worker_pid(self) -> int | None:
        started = self.lines(r"system \| worker started \(pid \d+\)")
        return int(re.search(r"pid (\d+)", started[-1]).group(1)) if started else None

    def get(self, path: str) -> int:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0

    def readyz_workers(self) -> str | None:
        import json

        try:
            with urllib.request.urlopen(self.url + "/readyz", timeout=10) as response:  # noqa: S310
                return json.load(response)["workers"]
        except (OSError, ValueError, KeyError):
            return None

    def enqueue(self, name: str, seconds: float) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 - our interpreter, our script
            [sys.executable, "-c", ENQUEUER, name, str(seconds)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            text=True,
        )

    def notification_statuses(self) -> Counter:
        with sqlite3.connect(self.var_dir / "vetting.sqlite3", timeout=20) as db:
            rows = db.execute(
                "SELECT status, COUNT(*) FROM notifications_notification"
                " WHERE recipient_email LIKE '%@stress.example' GROUP BY status"
            ).fetchall()
        return Counter(dict(rows))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # what Ctrl-C in its terminal sends
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode


def page_loop(demo: Demo, paths: list[str], stop: threading.Event, answers: Counter) -> None:
    """Fetch the demo's pages one after another until ``stop``: what people using it do."""
    while not stop.is_set():
        for path in paths:
            answers[demo.get(path)] += 1
        time.sleep(0.05)
