"""Offline verification of Vetting clearance certificates, for model gateways.

This module has no Django dependency: a gateway copies this one file and installs
only ``cryptography`` (``pip install cryptography``). Signatures are checked with
it directly (each published key parsed once), the status list is decoded once
per fetch, and a certificate whose signature this verifier has already checked is
not checked again (its claims are kept; expiry, model and status are re-checked on
every call), so a gateway that sees the same certificate on every request pays
one Ed25519 verification for it.

A certificate is an EdDSA (Ed25519) JWT from ``GET /api/v1/clearances/<serial>/certificate``
(or downloaded by the organization in the portal). It says what a clearance
grants; whether it still holds is told by the status list, a signed JWT from
``GET /api/v1/status-list`` with one bit per clearance (1 = not valid now: revoked,
suspended, expired, model suspended, or organization on the deny list).

Typical use::

    from gateway_verifier import Verifier, fetch_jwks, fetch_status_list

    verifier = Verifier(fetch_jwks(BASE_URL), issuer=BASE_URL)
    status = fetch_status_list(BASE_URL, API_KEY)       # poll every few seconds
    verifier.load_status_list(status.token)
    claims = verifier.verify(certificate, model="cyber-model")   # raises NotCleared
    print(claims["organization"]["legal_name"], claims["seats"])

``verify`` fails closed: a bad signature, an unknown key id, an expired
certificate, a certificate for another model, a missing or expired status list,
or a set bit all raise ``NotCleared`` with a reason.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import time
import urllib.request
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ALGORITHMS = ["EdDSA"]
MAX_TOKEN_LENGTH = 1_000_000  # a status list of millions of clearances fits
_KEPT_CERTIFICATES = 10_000
_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
CERTIFICATE_TYP = "vetting-clearance+jwt"
STATUS_LIST_TYP = "statuslist+jwt"


class NotCleared(Exception):
    """Verification failed; ``reason`` is machine-readable."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class StatusList:
    bits: bytes
    issued_at: int
    expires_at: int

    def is_set(self, index: int) -> bool:
        byte = index // 8
        if index < 0 or byte >= len(self.bits):
            return True  # outside the list: nothing vouches for it
        return bool(self.bits[byte] & (0x80 >> (index % 8)))


@dataclass(frozen=True)
class Fetched:
    token: str | None  # None when the server answered 304 Not Modified
    etag: str | None


def _b64url(segment: str) -> bytes:
    """Strict base64url without padding (RFC 7515): any other character is refused."""
    if not _B64URL.issuperset(segment):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _number(claims: dict, name: str) -> float:
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NotCleared("bad_signature", f"the {name} claim must be a number")
    return value


class Verifier:
    """Holds the service's public keys and the latest status list."""

    def __init__(self, jwks: dict, *, issuer: str | None = None, leeway: int = 30):
        self.keys = {}
        for jwk in jwks.get("keys", []):
            if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and jwk.get("kid"):
                try:
                    raw = _b64url(jwk.get("x", ""))
                    self.keys[jwk["kid"]] = Ed25519PublicKey.from_public_bytes(raw)
                except (ValueError, TypeError, binascii.Error):
                    continue  # an unusable key vouches for nothing
        self.issuer = issuer
        self.leeway = leeway
        self.status_list: StatusList | None = None
        self._checked: dict[str, dict] = {}  # certificate -> claims, signature checked

    def _signed_claims(self, token: str, typ: str) -> dict:
        """The claims of ``token`` once its header and signature are checked."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
            raise NotCleared("malformed", "not a token of a plausible size")
        parts = token.split(".")
        if len(parts) != 3:
            raise NotCleared("malformed", "a JWS has three parts")
        try:
            header = json.loads(_b64url(parts[0]))
        except (ValueError, binascii.Error) as exc:
            raise NotCleared("malformed", "the header cannot be decoded") from exc
        if not isinstance(header, dict):
            raise NotCleared("malformed", "the header is not an object")
        key = self.keys.get(header.get("kid")) if isinstance(header.get("kid"), str) else None
        if key is None:
            raise NotCleared("unknown_key", f"no published key has kid {header.get('kid')!r}")
        if header.get("alg") not in ALGORITHMS or header.get("typ") != typ:
            raise NotCleared("malformed", f"expected an EdDSA {typ} token")
        try:
            signature = _b64url(parts[2])
            key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
        except (ValueError, binascii.Error, InvalidSignature, UnicodeEncodeError) as exc:
            raise NotCleared("bad_signature", "the signature does not verify") from exc
        try:
            claims = json.loads(_b64url(parts[1]))
        except (ValueError, binascii.Error) as exc:
            raise NotCleared("malformed", "the payload cannot be decoded") from exc
        if not isinstance(claims, dict):
            raise NotCleared("malformed", "the payload is not an object")
        return claims

    def _check_claims(self, claims: dict, required: list[str], now: float) -> dict:
        """RFC 7519's time and issuer checks, as PyJWT makes them (but numbers only)."""
        missing = [name for name in required if name not in claims]
        if missing:
            raise NotCleared("bad_signature", f"the token lacks the {missing[0]} claim")
        if "iat" in claims and _number(claims, "iat") > now + self.leeway:
            raise NotCleared("bad_signature", "the token is not yet valid (iat)")
        if "nbf" in claims and _number(claims, "nbf") > now + self.leeway:
            raise NotCleared("bad_signature", "the token is not yet valid (nbf)")
        if "exp" in claims and _number(claims, "exp") <= now - self.leeway:
            raise NotCleared("expired", "the token has expired")
        if self.issuer is not None and claims.get("iss") != self.issuer:
            raise NotCleared("bad_signature", "the token is from another issuer")
        if claims.get("aud"):
            raise NotCleared("bad_signature", "the token names an audience")
        return claims

    def _decode(self, token: str, typ: str, *, required: list[str], now=None) -> dict:
        now = time.time() if now is None else now
        return self._check_claims(self._signed_claims(token, typ), required, now)

    def load_status_list(self, token: str) -> StatusList:
        """Verify and keep a status list token (from fetch_status_list)."""
        claims = self._decode(token, STATUS_LIST_TYP, required=["iat", "exp"])
        try:
            encoded = claims["status_list"]["lst"]
            bits = gzip.decompress(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        except (KeyError, TypeError, binascii.Error, OSError, EOFError) as exc:
            raise NotCleared("malformed", "the status list cannot be decoded") from exc
        self.status_list = StatusList(bits, claims["iat"], claims["exp"])
        return self.status_list

    def verify(self, token: str, *, model: str | None = None, now: float | None = None) -> dict:
        """The certificate's claims if it is genuine, unexpired, for ``model`` and
        not flagged in the loaded status list; otherwise raises NotCleared."""
        now = time.time() if now is None else now
        claims = self._checked.get(token) if isinstance(token, str) else None
        if claims is None:
            claims = self._signed_claims(token, CERTIFICATE_TYP)
            if len(self._checked) >= _KEPT_CERTIFICATES:
                self._checked.clear()
            self._checked[token] = claims
        self._check_claims(claims, ["exp", "iat", "serial", "model", "status"], now)
        if model is not None and claims["model"] != model:
            raise NotCleared("wrong_model", f"certificate is for {claims['model']!r}")
        status = self.status_list
        if status is None or status.expires_at + self.leeway < now:
            raise NotCleared("no_status_list", "fetch a current status list first")
        index = claims["status"].get("idx") if isinstance(claims["status"], dict) else None
        if not isinstance(index, int) or isinstance(index, bool) or status.is_set(index):
            raise NotCleared("revoked", "the status list marks this clearance not valid now")
        return dict(claims)  # a copy: the kept claims stay as signed


def _get(url: str, headers: dict, timeout: float) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - the operator's URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return 304, b"", dict(exc.headers)
        raise


def fetch_jwks(base_url: str, timeout: float = 5) -> dict:
    """GET {base_url}/api/v1/jwks (no key needed)."""
    _, body, _ = _get(f"{base_url.rstrip('/')}/api/v1/jwks", {}, timeout)
    return json.loads(body)


def fetch_status_list(
    base_url: str, api_key: str, etag: str | None = None, timeout: float = 5
) -> Fetched:
    """GET {base_url}/api/v1/status-list; pass the last ETag to get 304 when unchanged."""
    headers = {"Authorization": f"Bearer {api_key}"}
    if etag:
        headers["If-None-Match"] = etag
    status, body, response_headers = _get(
        f"{base_url.rstrip('/')}/api/v1/status-list", headers, timeout
    )
    new_etag = response_headers.get("ETag", etag)
    if status == 304:
        return Fetched(None, new_etag)
    return Fetched(json.loads(body)["status_list"], new_etag)
