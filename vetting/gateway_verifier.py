"""Offline verification of Vetting clearance certificates, for model gateways.

This module has no Django dependency: a gateway copies this one file and installs
only ``pyjwt`` and ``cryptography`` (``pip install "pyjwt[crypto]"``).

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

import jwt

ALGORITHMS = ["EdDSA"]
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


class Verifier:
    """Holds the service's public keys and the latest status list."""

    def __init__(self, jwks: dict, *, issuer: str | None = None, leeway: int = 30):
        self.keys = {}
        for jwk in jwks.get("keys", []):
            if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and jwk.get("kid"):
                self.keys[jwk["kid"]] = jwt.PyJWK(jwk, algorithm="EdDSA")
        self.issuer = issuer
        self.leeway = leeway
        self.status_list: StatusList | None = None

    def _decode(self, token: str, typ: str, *, required: list[str]) -> dict:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise NotCleared("malformed", str(exc)) from exc
        key = self.keys.get(header.get("kid"))
        if key is None:
            raise NotCleared("unknown_key", f"no published key has kid {header.get('kid')!r}")
        if header.get("alg") not in ALGORITHMS or header.get("typ") != typ:
            raise NotCleared("malformed", f"expected an EdDSA {typ} token")
        try:
            return jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": required},
            )
        except jwt.ExpiredSignatureError as exc:
            raise NotCleared("expired", str(exc)) from exc
        except jwt.PyJWTError as exc:
            raise NotCleared("bad_signature", str(exc)) from exc

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
        claims = self._decode(
            token, CERTIFICATE_TYP, required=["exp", "iat", "serial", "model", "status"]
        )
        if model is not None and claims["model"] != model:
            raise NotCleared("wrong_model", f"certificate is for {claims['model']!r}")
        status = self.status_list
        now = time.time() if now is None else now
        if status is None or status.expires_at + self.leeway < now:
            raise NotCleared("no_status_list", "fetch a current status list first")
        index = claims["status"].get("idx") if isinstance(claims["status"], dict) else None
        if not isinstance(index, int) or status.is_set(index):
            raise NotCleared("revoked", "the status list marks this clearance not valid now")
        return claims


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
