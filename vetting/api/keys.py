"""Gateway API keys: create (shown once), revoke, authenticate.

A key reads ``vk_<prefix>_<secret>``: the prefix (8 hex digits) identifies it in
the admin and in logs, the secret carries 256 bits from ``secrets``. Only the
SHA-256 of the whole key is stored; a fast hash is enough for a random secret of
that size (no dictionary to guess from), and the lookup by hash is an indexed
equality, then compared again in constant time.
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from vetting import permissions
from vetting.audit.services import audit_record
from vetting.core import lock
from vetting.errors import InvalidState
from vetting.permissions import Action

from . import freshness
from .compiled import Compiled
from .models import GatewayKey

KEY_PREFIX = "vk_"
_USE_NOTE_SECONDS = 60


@dataclass(frozen=True)
class KeyInfo:
    id: int
    kind: str
    secret_hash: str
    model_ids: frozenset[int]


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _require_key_admin(actor) -> None:
    permissions.require(actor, Action.GATEWAY_KEY_MANAGE)


@transaction.atomic
def gateway_key_create(
    *, actor, name: str, kind: str = GatewayKey.Kind.GATEWAY, gated_model_ids=()
) -> tuple[GatewayKey, str]:
    """Create a key and return it with its raw value, which is never stored or shown
    again. Side effects: audit event ``gateway_key.created``."""
    _require_key_admin(actor)
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = GatewayKey.objects.create(
        name=name.strip(), kind=kind, prefix=prefix, secret_hash=hash_key(raw), created_by=actor
    )
    key.gated_models.set(gated_model_ids)
    audit_record(
        actor=actor,
        action="gateway_key.created",
        obj=key,
        data={
            "prefix": prefix,
            "kind": kind,
            "gated_models": sorted(int(i) for i in gated_model_ids),
        },
    )
    return key, raw


@transaction.atomic
def gateway_key_revoke(*, actor, key_id: int) -> GatewayKey:
    """Revoke a key: requests with it get 401 within freshness.MAX_AGE of the commit.
    Side effects: audit event ``gateway_key.revoked``."""
    _require_key_admin(actor)
    key = lock(GatewayKey, key_id)
    if key.revoked_at is not None:
        raise InvalidState(f"Key {key.prefix} is already revoked.")
    key.revoked_at = timezone.now()
    key.revoked_by = actor
    key.save(update_fields=["revoked_at", "revoked_by"])
    freshness.changed()
    audit_record(actor=actor, action="gateway_key.revoked", obj=key, data={"prefix": key.prefix})
    return key


def parse_authorization(header: str | None) -> str | None:
    """The raw key from ``Authorization: Bearer vk_...``, or None if absent/malformed."""
    if not header or len(header) > 200:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(KEY_PREFIX) or not token.isascii():
        return None
    return token


def authenticate(raw: str | None) -> KeyInfo | None:
    """The key's facts if ``raw`` is a live key, else None."""
    return None if raw is None else authenticate_hash(hash_key(raw))


# One row per model the live key is scoped to (None: scoped to none).
_KEY = Compiled(
    lambda digest: GatewayKey.objects.filter(
        secret_hash=digest, revoked_at__isnull=True
    ).values_list("id", "kind", "secret_hash", "gated_models"),
    "SENTINEL-DIGEST",
)


def _read_key(digest: str) -> KeyInfo | bool:
    rows = _KEY.rows(digest)
    if not rows:
        return False
    key_id, kind, secret_hash, _ = rows[0]
    model_ids = frozenset(row[3] for row in rows if row[3] is not None)
    return KeyInfo(key_id, kind, secret_hash, model_ids)


def authenticate_hash(digest: str) -> KeyInfo | None:
    """The facts of the live key whose SHA-256 is ``digest``, else None. Kept at most
    freshness.MAX_AGE, so a revocation is seen within it (at once in this process)."""
    info = freshness.fetch(("key", digest), lambda: _read_key(digest))
    if info is False or not hmac.compare_digest(info.secret_hash, digest):
        return None
    note_use(info)
    return info


_last_noted: dict[int, float] = {}


def use_note_due(key: KeyInfo) -> bool:
    """True when this process has not recorded the key's use in the last minute."""
    last = _last_noted.get(key.id, -_USE_NOTE_SECONDS)
    return time.monotonic() - last >= _USE_NOTE_SECONDS


def note_use(key: KeyInfo) -> None:
    """Record last use at most once a minute per key across all processes: a
    per-process clock, then a cache ``add`` as the cross-process latch."""
    if not use_note_due(key):
        return
    key_id, latch = key.id, key.secret_hash[:16]
    _last_noted[key_id] = time.monotonic()
    try:
        if cache.add(f"vetting:api:key-used:{key_id}:{latch}", 1, timeout=_USE_NOTE_SECONDS):
            GatewayKey.objects.filter(pk=key_id).update(last_used_at=timezone.now())
    except Exception:  # noqa: S110 - bookkeeping only; the request itself must not fail
        pass
