"""Real servers for the background benchmarks: a counting SMTP sink (aiosmtpd), a
counting webhook receiver (HTTP/1.1, keep-alive), and Celery worker processes
that can be SIGKILLed and started again."""

import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADER = re.compile(rb"X-Vetting-Notification: (\d+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """Counts every accepted message by its outbox id."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.seen = Counter()
        self.last_at = 0.0
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        match = HEADER.search(envelope.content)
        with self.lock:
            self.seen[int(match.group(1)) if match else -1] += 1
            self.last_at = time.monotonic()
        return "250 OK"

    def reset(self):
        with self.lock:
            self.seen.clear()


class WebhookSink:
    """Answers 200 to every POST and counts deliveries by their Vetting-Delivery id."""

    def __init__(self):
        self.seen = Counter()
        self.last_at = 0.0
        self.lock = threading.Lock()
        self.port = free_port()
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: the sender reuses connections

            def setup(self):
                super().setup()  # answer without waiting for delayed ACKs (Nagle)
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                json.loads(body)
                with sink.lock:
                    sink.seen[self.headers["Vetting-Delivery"]] += 1
                    sink.last_at = time.monotonic()
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


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


class Worker:
    """``celery -A vetting worker`` (prefork) in its own process group."""

    def __init__(self, env: dict, name: str, concurrency: int = 1):
        self.env, self.name, self.concurrency = env, name, concurrency
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
                "-c",
                str(self.concurrency),
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "-n",
                f"{self.name}{time.time_ns()}@%h",
            ],
            cwd=ROOT,
            env={**self.env, "LOG_LEVEL": "INFO"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        log = open(Path(self.env["VETTING_VAR_DIR"]) / f"{self.name}.log", "a")  # noqa: SIM115
        for line in self.process.stdout:
            log.write(line)
            if " ready." in line:
                break
        threading.Thread(target=lambda: log.writelines(self.process.stdout), daemon=True).start()
        return self

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
