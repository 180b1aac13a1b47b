"""A real S3-compatible server on loopback for the evidence tests: moto's
standalone server, run as a child process on a free port."""

import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from vetting.evidence.storage import evidence_storage_settings

ACCESS_KEY, SECRET_KEY = "vetting-test-key", "vetting-test-secret"
PREFIX = "vetting"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_listening(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto server exited: {log.read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto server did not listen on {port}: {log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 - fixed argv: this interpreter running moto
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(proc, port, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Bucket:
    name: str
    client: object  # a boto3 S3 client, as the operator's tools would see the bucket

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return [entry["Key"] for entry in listing.get("Contents", [])]

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def evidence_bucket(s3_endpoint, settings, monkeypatch):
    """A fresh bucket, and STORAGES["evidence"] pointed at it the way production
    does it: from the EVIDENCE_S3_* variables, credentials in the environment."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    name = f"evidence-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    environ = {
        "EVIDENCE_S3_BUCKET": name,
        "EVIDENCE_S3_ENDPOINT_URL": s3_endpoint,
        "EVIDENCE_S3_PREFIX": PREFIX,
    }
    settings.STORAGES = {**settings.STORAGES, "evidence": evidence_storage_settings(environ)}
    return Bucket(name=name, client=client)
