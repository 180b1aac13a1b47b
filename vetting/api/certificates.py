"""Signed clearance certificates (JWT, EdDSA/Ed25519) and the signed status list.

A certificate states what a clearance grants; whether it still holds is told by
the status list: one bit per clearance at its ``status_index``, 1 = not valid now
(suspended, revoked, expired, model suspended or restricted, organization denied),
gzip-compressed and base64url-encoded, in the spirit of the W3C Bitstring Status
List. Verifiers combine the two offline (see vetting/gateway_verifier.py).
"""

import base64
import gzip
import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from vetting.clearances.models import Clearance

from . import decision, freshness, signing

log = logging.getLogger(__name__)

CERTIFICATE_TYP = "vetting-clearance+jwt"
STATUS_LIST_TYP = "statuslist+jwt"
# 131,072 bits (16 KiB before compression), the W3C minimum, so one list hides
# which clearance a verifier is looking up.
MIN_STATUS_BITS = 131_072
STATUS_LIST_LIFETIME = timedelta(hours=1)
STATUS_LIST_RESIGN_AFTER = timedelta(minutes=10)


def status_list_url() -> str:
    return f"{settings.BASE_URL}/api/v1/status-list"


def certificate_claims(clearance: Clearance) -> dict:
    org = clearance.organization
    return {
        "iss": settings.BASE_URL,
        "sub": f"organization:{org.pk}",
        "jti": clearance.serial,
        "iat": int(clearance.issued_at.timestamp()),
        "nbf": int(clearance.issued_at.timestamp()),
        "exp": int(clearance.expires_at.timestamp()),
        "organization": {"id": org.pk, "legal_name": org.legal_name, "uei": org.uei or None},
        "model": clearance.gated_model.slug,
        "serial": clearance.serial,
        "seats": clearance.seats,
        "conditions": clearance.conditions,
        "sector": clearance.sector.slug,
        "status": {"idx": clearance.status_index, "uri": status_list_url()},
    }


def certificate_mint(clearance: Clearance) -> str:
    """The clearance's certificate, signed with the current key. Deterministic in
    the clearance's fields except for the key in use."""
    return signing.sign(certificate_claims(clearance), typ=CERTIFICATE_TYP)


def _bits(key) -> bytearray:
    """Bit i (most significant bit first in each byte) set = clearance with
    status_index i is not valid now, as ``decide`` answers ``key`` about it."""
    rows = list(
        Clearance.objects.exclude(status_index=None).only(
            "state",
            "issued_at",
            "expires_at",
            "sector_id",
            "gated_model_id",
            "organization_id",
            "status_index",
        )
    )
    size = max([MIN_STATUS_BITS, *[c.status_index + 1 for c in rows]])
    bits = bytearray((size + 7) // 8)
    for clearance, answer in decision.decide_each(key, "status_list", rows):
        if not answer.cleared:
            bits[clearance.status_index // 8] |= 0x80 >> (clearance.status_index % 8)
    return bits


def encode_bits(bits: bytes) -> str:
    compressed = gzip.compress(bytes(bits), mtime=0)
    return base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def status_list_document(key) -> tuple[str, str]:
    """(signed token, ETag) for ``key`` (admitted to the status list). The bitstring
    is recomputed at most every freshness.MAX_AGE per process (the status list
    names no key: any admitted key gets the same bits); the signed token is shared
    through the cache by content, so every worker serves the same bytes and ETag,
    and re-signed (new iat/exp) after 10 minutes, so a verifier never holds an
    expired list while the service is up. With the cache down, each worker signs
    its own (the bits are the same; the ETag then differs between workers)."""
    encoded = freshness.fetch(("status_bits",), lambda: encode_bits(_bits(key)))
    # Keyed by signing key too: after a rotation the list is re-signed at once.
    digest = hashlib.sha256(encoded.encode()).hexdigest()
    shared_key = f"vetting:api:status-list:{signing.keys()[0].kid}:{digest}"
    now = timezone.now()
    entry = _shared(cache.get, shared_key)
    if entry is None or now.timestamp() - entry[2] >= STATUS_LIST_RESIGN_AFTER.total_seconds():
        claims = {
            "iss": settings.BASE_URL,
            "sub": status_list_url(),
            "iat": int(now.timestamp()),
            "exp": int((now + STATUS_LIST_LIFETIME).timestamp()),
            "ttl": 5,
            "status_list": {"bits": 1, "lst": encoded, "statusPurpose": "validity"},
        }
        token = signing.sign(claims, typ=STATUS_LIST_TYP)
        etag = '"' + hashlib.sha256(token.encode()).hexdigest()[:32] + '"'
        entry = (token, etag, now.timestamp())
        _shared(cache.set, shared_key, entry, timeout=int(STATUS_LIST_LIFETIME.total_seconds()))
    return entry[0], entry[1]


def _shared(operation, *args, **kwargs):
    """A cache call whose failure costs only sharing (None then)."""
    try:
        return operation(*args, **kwargs)
    except Exception:  # noqa: BLE001 - any cache-client error: sign locally
        log.warning("the shared cache is unavailable; signing the status list locally")
        return None
