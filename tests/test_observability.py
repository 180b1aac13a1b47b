"""Structured logs and error reports, in real processes: ``manage.py shell`` serving a
request through the whole middleware stack, with the environment production sets."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

REQUEST = """
from django.test import Client
client = Client(raise_request_exception=False)
client.get("/no-such-page/", HTTP_X_FORWARDED_FOR="198.51.100.7",
           HTTP_X_REQUEST_ID="nginx-7f3a")
"""


def run(code: str, tmp_path, **env) -> subprocess.CompletedProcess:
    environ = {
        **os.environ,
        "VETTING_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "vetting.settings",
        **env,
    }
    environ.pop("DATABASE_URL", None)  # the shell needs no database here
    return subprocess.run(  # noqa: S603 - fixed argv: this interpreter running manage.py
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_production_logs_are_json_with_the_proxy_request_id_and_the_real_client(tmp_path):
    result = run(REQUEST, tmp_path, LOG_FORMAT="json", TRUSTED_PROXY_HOPS="1")
    lines = json_lines(result.stderr)
    finished = [line for line in lines if line.get("event") == "request_finished"]
    assert finished, result.stderr
    assert finished[0]["request_id"] == "nginx-7f3a"
    assert finished[0]["ip"] == "198.51.100.7"
    assert finished[0]["code"] == 404
    assert finished[0]["request"] == "GET /no-such-page/"
    assert "timestamp" in finished[0] and finished[0]["level"] == "warning"


def test_without_a_trusted_proxy_the_request_id_is_made_here(tmp_path):
    result = run(REQUEST, tmp_path, LOG_FORMAT="json", TRUSTED_PROXY_HOPS="0")
    line = next(x for x in json_lines(result.stderr) if x.get("event") == "request_finished")
    assert line["request_id"] != "nginx-7f3a" and len(line["request_id"]) == 36
    assert line["ip"] == "127.0.0.1"


class Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        Collector.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_an_error_reaches_sentry_only_when_a_dsn_is_set(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Collector.received.clear()
    boom = """
import logging
logging.getLogger("vetting.test").error("the check could not reach the database")
"""
    try:
        dsn = f"http://public@127.0.0.1:{server.server_port}/42"
        assert run(boom, tmp_path).returncode == 0
        assert Collector.received == []  # no DSN: nothing leaves the machine
        result = run(boom, tmp_path, SENTRY_DSN=dsn)
        assert result.returncode == 0, result.stderr
    finally:
        server.shutdown()
    paths = {path for path, _ in Collector.received}
    assert paths == {"/api/42/envelope/"}, paths
    body = b"".join(body for _, body in Collector.received).decode(errors="replace")
    event = next(json.loads(line) for line in body.splitlines() if '"level"' in line)
    assert event["logentry"]["message"] == "the check could not reach the database"
    assert event["level"] == "error" and event["environment"] == "development"
