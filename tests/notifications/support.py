"""Real servers for background tests: an SMTP sink (aiosmtpd) on loopback and a
Celery worker process on the configured broker and the test database."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection

from tests.waiting import wait_for  # noqa: F401 - where the background tests import it from
from vetting.celery import app

BASE_URL = "https://vetting.test"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SinkHandler:
    """Records every accepted message. ``data_replies[address]`` scripts error answers
    to DATA for that recipient (one consumed per try), ``refuse[address]`` answers
    every RCPT for it with an error; the RCPT numbered ``stall_at_rcpt`` is
    answered only after 5 s, with ``stalled`` set, so a test can kill a worker
    while it is in the middle of sending a message."""

    def __init__(self):
        self.messages = []
        self.data_replies: dict[str, list[str]] = {}
        self.refuse: dict[str, str] = {}
        self.stall_at_rcpt = 0
        self.rcpt_count = 0
        self.stalled = threading.Event()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpt_count += 1
        if address in self.refuse:
            return self.refuse[address]
        if self.rcpt_count == self.stall_at_rcpt:
            self.stalled.set()
            await asyncio.sleep(5)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            scripted = self.data_replies.get(envelope.rcpt_tos[0])
            if scripted:
                return scripted.pop(0)
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def with_subject(self, text: str) -> list:
        return [m for m in list(self.messages) if text in m["Subject"]]


class Sink(SinkHandler):
    def __init__(self):
        super().__init__()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)


def worker_database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def purge_queue() -> None:
    """Drop tasks other tests left on the broker (their rows no longer exist)."""
    with app.connection_for_write() as conn:
        conn.default_channel.queue_declare(queue="celery", durable=True, auto_delete=False)
        conn.default_channel.queue_purge("celery")


class Worker:
    """``celery -A vetting worker`` in its own process group."""

    def __init__(self, smtp_port: int, *, concurrency: int = 1, beat: bool = False, **env):
        self.env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_TIMEOUT": "5",
            "VETTING_BASE_URL": BASE_URL,
            "NOTIFICATION_RETRY_BASE_SECONDS": "0.2",
            "OUTBOX_SWEEP_AFTER_SECONDS": "0",
            "WEBHOOK_RETRY_BASE_SECONDS": "0.2",
            "WEBHOOK_ALLOW_LOOPBACK": "true",  # the test receivers listen on 127.0.0.1
            "LOG_LEVEL": "INFO",
            **{k: str(v) for k, v in env.items()},
        }
        self.concurrency = concurrency
        self.beat = beat  # embed beat (-B): the periodic sweeps run as in production
        self.output: list[str] = []
        self.ready = threading.Event()
        self.process = None

    def start(self) -> "Worker":
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "vetting",
                "worker",
                "-l",
                "info",
                "--pool",
                "prefork",
                "-c",
                str(self.concurrency),
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "-n",
                f"test{time.time_ns()}@%h",
                *(["-B"] if self.beat else []),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._drain, daemon=True).start()
        if not self.ready.wait(60):
            self.stop()
            raise AssertionError("worker did not start:\n" + "".join(self.output[-40:]))
        return self

    def _drain(self):
        for line in self.process.stdout:
            self.output.append(line)
            if " ready." in line:
                self.ready.set()

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children) at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
