"""Verification of Vetting's audit trail against signed checkpoints, with no database.

This module has no Django dependency: an auditor copies this one file, installs only
``cryptography`` and runs::

    python audit_verifier.py trail.jsonl --key <public key> [--checkpoints copy.jsonl]

``trail.jsonl`` is an export (``manage.py audit_export``); the public key is the one
published at ``/api/v1/audit/keys`` (take it from there once and keep it: a key read
from the export itself proves nothing). ``--checkpoints`` adds checkpoint logs kept
elsewhere (copies fetched from ``/api/v1/audit/checkpoints``). Exit status 0: intact,
1: tampered (the reason is printed), 2: the input cannot be read.

The trail is a hash chain: each event carries the previous event's hash and its own
SHA-256 over a canonical JSON form. A chain alone can be rewritten by whoever holds
the database (edit an event, re-hash every later one), so checkpoints — (number of
events, hash of the last one, time), signed with an Ed25519 key the database never
holds — pin it: each checkpoint names its predecessor's digest, so the checkpoint log
cannot be edited, reordered or have a line replaced either. Verifying means the chain
is internally sound and passes through every checkpoint's (count, hash).

The Django application uses this module for its own ``manage.py audit_verify``, so
the rules live here once.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

GENESIS_HASH = "0" * 64
EXPORT_FORMAT = "vetting-audit-export/1"
CHECKPOINT_VERSION = 1
EVENT_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "before_state",
    "after_state",
    "data",
    "prev_hash",
)


def _canonical_json(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_canonical(fields: dict) -> bytes:
    """The bytes an event's hash is taken over. ``occurred_at`` is the ISO 8601 text
    of the time; ``request_id`` is part of it only when not empty."""
    payload = {name: fields[name] for name in EVENT_FIELDS}
    if fields.get("request_id"):
        payload["request_id"] = fields["request_id"]
    return _canonical_json(payload)


def event_hash(fields: dict) -> str:
    return hashlib.sha256(event_canonical(fields)).hexdigest()


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def parse_public_key(text: str) -> tuple[str, Ed25519PublicKey]:
    """A public key as base64 of its 32 raw bytes (what /api/v1/audit/keys gives)."""
    try:
        raw = base64.b64decode(text.strip().replace("-", "+").replace("_", "/") + "==")
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not base64: {text!r}") from exc
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return key_id(raw), Ed25519PublicKey.from_public_bytes(raw)


def public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def checkpoint_body(checkpoint: dict) -> bytes:
    """What a checkpoint's signature covers: every field but ``sig``."""
    return _canonical_json({k: v for k, v in checkpoint.items() if k != "sig"})


def checkpoint_digest(checkpoint: dict) -> str:
    """The ``prev`` the next checkpoint must carry."""
    return hashlib.sha256(checkpoint_body(checkpoint)).hexdigest()


def signature_text(signature: bytes) -> str:
    return base64.urlsafe_b64encode(signature).rstrip(b"=").decode()


def _signature_bytes(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signature_valid(keys: dict[str, Ed25519PublicKey], kid: str, body: bytes, sig: str) -> bool:
    key = keys.get(kid)
    if key is None:
        return False
    try:
        key.verify(_signature_bytes(sig), body)
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True


class TrailBroken(Exception):
    """The trail or a checkpoint log does not verify; the message says where and why."""

    def __init__(self, problem: str, *, event_id=None, checkpoint_seq=None):
        super().__init__(problem)
        self.problem = problem
        self.event_id = event_id
        self.checkpoint_seq = checkpoint_seq


def check_checkpoint_log(
    checkpoints: Iterable[dict], keys: dict[str, Ed25519PublicKey], source: str
) -> list[dict]:
    """The checkpoints of one log, each shown signed by a trusted key and following its
    predecessor (seq + 1, prev = its digest, count and time never going back)."""
    out: list[dict] = []
    prev = None
    for checkpoint in checkpoints:
        seq = checkpoint.get("seq")
        where = f"{source}: checkpoint #{seq}"
        try:
            body = checkpoint_body(checkpoint)
            valid = signature_valid(keys, checkpoint["kid"], body, checkpoint["sig"])
        except (KeyError, TypeError) as exc:
            raise TrailBroken(f"{where} is malformed ({exc})", checkpoint_seq=seq) from exc
        if checkpoint["kid"] not in keys:
            raise TrailBroken(
                f"{where} is signed by key {checkpoint['kid']}, which is not a trusted audit key",
                checkpoint_seq=seq,
            )
        if not valid:
            raise TrailBroken(
                f"{where}: its signature does not verify (the checkpoint was edited or forged)",
                checkpoint_seq=seq,
            )
        expected_seq = 1 if prev is None else prev["seq"] + 1
        expected_prev = GENESIS_HASH if prev is None else checkpoint_digest(prev)
        if seq != expected_seq or checkpoint.get("prev") != expected_prev:
            raise TrailBroken(
                f"{where} does not follow checkpoint #{expected_seq - 1} (a checkpoint was "
                "removed, replaced or reordered)",
                checkpoint_seq=seq,
            )
        if prev is not None and (
            checkpoint["count"] < prev["count"] or checkpoint["at"] < prev["at"]
        ):
            raise TrailBroken(f"{where} goes back in count or time", checkpoint_seq=seq)
        out.append(checkpoint)
        prev = checkpoint
    return out


@dataclass
class TrailVerifier:
    """Feed events in chain order (``add``), then ``finish``; both raise TrailBroken.
    Memory is one entry per checkpoint, whatever the number of events."""

    checkpoints: list[dict] = field(default_factory=list)
    count: int = 0
    last_hash: str = GENESIS_HASH

    def __post_init__(self):
        self._pins: dict[int, dict] = {}
        for checkpoint in self.checkpoints:
            pinned = self._pins.get(checkpoint["count"])
            if pinned is not None and pinned["last_hash"] != checkpoint["last_hash"]:
                raise TrailBroken(
                    f"checkpoint logs disagree about event {checkpoint['count']}: "
                    f"{pinned['last_hash'][:12]}… and {checkpoint['last_hash'][:12]}…",
                    checkpoint_seq=checkpoint["seq"],
                )
            self._pins[checkpoint["count"]] = checkpoint
        self.newest = max(self.checkpoints, key=lambda c: c["count"], default=None)
        self._check_pin()

    def add(self, event_id, fields: dict, stored_hash: str) -> None:
        if fields["prev_hash"] != self.last_hash:
            raise TrailBroken(
                "its prev_hash does not match the hash of the event before it "
                "(an event was deleted, inserted or reordered)",
                event_id=event_id,
            )
        if event_hash(fields) != stored_hash:
            raise TrailBroken(
                "its contents do not match its hash (the row was edited)", event_id=event_id
            )
        self.count += 1
        self.last_hash = stored_hash
        self._check_pin(event_id)

    def _check_pin(self, event_id=None) -> None:
        pinned = self._pins.get(self.count)
        if pinned is not None and pinned["last_hash"] != self.last_hash:
            raise TrailBroken(
                f"checkpoint #{pinned['seq']} (signed {pinned['at']}) attests that event "
                f"{self.count} has hash {pinned['last_hash'][:12]}…, but the trail's is "
                f"{self.last_hash[:12]}… (events up to it were rewritten and re-hashed)",
                event_id=event_id,
                checkpoint_seq=pinned["seq"],
            )

    def finish(self) -> None:
        if self.newest is not None and self.newest["count"] > self.count:
            raise TrailBroken(
                f"checkpoint #{self.newest['seq']} (signed {self.newest['at']}) attests "
                f"{self.newest['count']} events, but the trail holds {self.count} "
                "(events at the end were deleted or the table was truncated)",
                checkpoint_seq=self.newest["seq"],
            )


def read_jsonl(lines: Iterable[str], source: str) -> Iterator[dict]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{source} line {number} is not JSON: {exc.msg}") from exc


def open_source(source: str, api_key: str | None = None) -> Iterator[str]:
    """Lines of a local file, or of an http(s) URL (``Authorization: Bearer api_key``)."""
    if source.startswith(("http://", "https://")):
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        request = urllib.request.Request(source, headers=headers)  # noqa: S310 (http(s) only)
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            yield from (line.decode() for line in response)
        return
    with open(source, encoding="utf-8") as handle:
        yield from handle


def _verifier(checkpoints, keys, extra_logs) -> TrailVerifier:
    pins = check_checkpoint_log(checkpoints, keys, "export")
    for source, logged in extra_logs:
        pins += check_checkpoint_log(logged, keys, source)
    return TrailVerifier(pins)


def verify_export(
    lines: Iterable[str], keys: dict[str, Ed25519PublicKey], extra_logs=()
) -> tuple[int, str]:
    """Verify an export (a header line, its checkpoint lines, its events in chain
    order, a signature line over all of them), streamed: against its checkpoints and
    any ``extra_logs`` ((source, checkpoints) pairs). Returns (events, last hash);
    raises TrailBroken or ValueError."""
    digest = hashlib.sha256()
    header = trailer = verifier = None
    checkpoints: list[dict] = []
    for number, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"export line {number} is not JSON: {exc.msg}") from exc
        if trailer is not None:
            raise TrailBroken("the export goes on after its signature line")
        kind = record.get("type")
        if kind == "signature":
            trailer = record
            continue
        digest.update(line.rstrip("\n").encode() + b"\n")
        if kind == "header":
            header = record
        elif kind == "checkpoint" and verifier is None:
            checkpoints.append(record["checkpoint"])
        elif kind == "event":
            if header is None or header.get("format") != EXPORT_FORMAT:
                raise ValueError(f"not a {EXPORT_FORMAT} export (no header line first)")
            if verifier is None:
                verifier = _verifier(checkpoints, keys, extra_logs)
            verifier.add(record["id"], record, record["hash"])
        else:
            raise ValueError(f"export line {number}: unexpected {kind!r} line")
    if header is None or header.get("format") != EXPORT_FORMAT:
        raise ValueError(f"not a {EXPORT_FORMAT} export (no header line)")
    if trailer is None:
        raise TrailBroken("the export has no signature line (it was cut short)")
    body = _canonical_json({k: v for k, v in trailer.items() if k != "sig"})
    if trailer.get("sha256") != digest.hexdigest() or not signature_valid(
        keys, trailer.get("kid", ""), body, trailer.get("sig", "")
    ):
        raise TrailBroken("the export's signature does not verify (the file was altered)")
    if verifier is None:  # no events at all
        verifier = _verifier(checkpoints, keys, extra_logs)
    verifier.finish()
    if (verifier.count, verifier.last_hash) != (trailer["count"], trailer["last_hash"]):
        raise TrailBroken("the export's events do not end where its signature says")
    return verifier.count, verifier.last_hash


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify an exported Vetting audit trail.")
    parser.add_argument("export", help="the .jsonl file from manage.py audit_export")
    parser.add_argument("--key", action="append", required=True, help="trusted public key")
    parser.add_argument("--checkpoints", action="append", default=[], help="file or URL")
    parser.add_argument("--api-key", help="auditor API key for a --checkpoints URL")
    args = parser.parse_args(argv)
    try:
        keys = dict(parse_public_key(text) for text in args.key)
        extra = [
            (src, list(read_jsonl(open_source(src, args.api_key), src))) for src in args.checkpoints
        ]
        with open(args.export, encoding="utf-8") as handle:
            count, last = verify_export(handle, keys, extra)
    except TrailBroken as broken:
        where = f"event #{broken.event_id}: " if broken.event_id else ""
        print(f"BROKEN: {where}{broken.problem}")
        return 1
    except (OSError, ValueError, KeyError) as exc:
        print(f"cannot verify: {exc}", file=sys.stderr)
        return 2
    print(f"OK: {count} audit events, chain intact, ending in {last}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
