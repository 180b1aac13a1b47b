"""Signed checkpoints of the audit trail, kept outside the database.

A checkpoint states how many events the chain holds and the hash of the last one,
at a time, signed with the Ed25519 audit key. The key comes from the environment
(``AUDIT_SIGNING_KEY``: a 32-byte seed in base64 or a PKCS#8 PEM) or a key file
(``AUDIT_SIGNING_KEY_FILE``), never from the database, so whoever owns the database
can rewrite the events but not the checkpoints that pin them. In development
without either, a key derived from SECRET_KEY is used; production refuses it.

Checkpoints are appended (with fsync) to ``AUDIT_CHECKPOINT_LOG``, a JSON-lines file
under the var directory, by the ``write_checkpoint`` task: beat runs it every few
minutes and every clearance event queues it. ``/api/v1/audit/checkpoints`` serves
the log so outside parties keep their own copies; ``/api/v1/audit/keys`` publishes
the public key. The format and the verification rules are in
``vetting.audit_verifier`` (no Django there, so auditors can run it alone).
"""

import fcntl
import hashlib
import json
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from vetting import audit_verifier as trail
from vetting.ed25519 import load_private_key

from .models import GENESIS_HASH, AuditChainHead


@cache
def _signing_key(material: str, path: str, production: bool, secret: str) -> Ed25519PrivateKey:
    if path:
        try:
            material = Path(path).read_text()
        except OSError as exc:
            raise ImproperlyConfigured(f"AUDIT_SIGNING_KEY_FILE cannot be read: {exc}") from exc
    if material.strip():
        return load_private_key("audit", material)
    if production:
        raise ImproperlyConfigured(
            "AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE must be set in production."
        )
    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"vetting-dev-audit:{secret}".encode()).digest()
    )


def signing_key() -> Ed25519PrivateKey:
    return _signing_key(
        settings.AUDIT_SIGNING_KEY,
        settings.AUDIT_SIGNING_KEY_FILE,
        settings.PRODUCTION,
        settings.SECRET_KEY,
    )


def public_keys() -> dict:
    """kid -> public key: the signing key's, then retired ones still trusted
    (``AUDIT_RETIRED_PUBLIC_KEYS``, base64, comma-separated) after a rotation."""
    current = signing_key().public_key()
    keys = {trail.key_id(trail.public_raw(current)): current}
    for text in filter(None, (t.strip() for t in settings.AUDIT_RETIRED_PUBLIC_KEYS.split(","))):
        kid, key = trail.parse_public_key(text)
        keys.setdefault(kid, key)
    return keys


def published_keys() -> list[dict]:
    return [
        {
            "kid": kid,
            "alg": "Ed25519",
            "public_key": trail.base64.b64encode(trail.public_raw(key)).decode(),
            "current": index == 0,
        }
        for index, (kid, key) in enumerate(public_keys().items())
    ]


def sign(payload: dict) -> dict:
    key = signing_key()
    signed = {**payload, "kid": trail.key_id(trail.public_raw(key.public_key()))}
    body = trail.checkpoint_body(signed)
    return {**signed, "sig": trail.signature_text(key.sign(body))}


def log_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_LOG)


def read_log(path: Path | None = None) -> list[dict]:
    path = path or log_path()
    try:
        with open(path, encoding="utf-8") as handle:
            return list(trail.read_jsonl(handle, str(path)))
    except FileNotFoundError:
        return []


def _last_line(handle) -> dict | None:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    if size == 0:
        return None
    chunk = min(size, 64 * 1024)
    handle.seek(size - chunk)
    lines = [line for line in handle.read(chunk).splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


def write_checkpoint(*, force: bool = False) -> dict | None:
    """Sign the chain as it stands and append it to the log (unless nothing was added
    since the last checkpoint and not ``force``). Safe to run from several processes:
    the log is locked while a line is added."""
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        last = _last_line(handle)
        head = AuditChainHead.objects.filter(id=1).first()
        count, last_hash = (head.count, head.last_hash) if head else (0, GENESIS_HASH)
        if last is not None and last["count"] == count and not force:
            return None
        checkpoint = sign(
            {
                "v": trail.CHECKPOINT_VERSION,
                "seq": 1 if last is None else last["seq"] + 1,
                "count": count,
                "last_hash": last_hash,
                "at": timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "prev": trail.GENESIS_HASH if last is None else trail.checkpoint_digest(last),
            }
        )
        handle.seek(0, os.SEEK_END)
        handle.write(json.dumps(checkpoint, sort_keys=True).encode() + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    if created:
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    return checkpoint
