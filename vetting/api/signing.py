"""Ed25519 signing keys, from settings only (never the database).

``VETTING_SIGNING_KEYS`` lists keys as ``kid:seed`` separated by commas, where
seed is the 32-byte Ed25519 private seed in base64 (standard or url-safe) or a
PKCS#8 PEM with its newlines written as ``\\n``. The first key signs; the others
are only published in the JWKS so that certificates they signed stay verifiable.
Rotate by putting a new key first and keeping the old one listed until the last
certificate it signed has expired (at most the longest clearance validity).

In development, without the variable, a key derived from SECRET_KEY is used;
production refuses to sign with it.
"""

import base64
import hashlib
from dataclasses import dataclass
from functools import cache

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from vetting.ed25519 import load_private_key

ALGORITHM = "EdDSA"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey

    def public_jwk(self) -> dict:
        raw = self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "alg": ALGORITHM,
            "use": "sig",
            "kid": self.kid,
            "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
        }


def parse_keys(spec: str) -> list[SigningKey]:
    keys = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        kid, sep, material = item.partition(":")
        if not sep or not kid.strip():
            raise ImproperlyConfigured("VETTING_SIGNING_KEYS entries look like kid:base64seed.")
        keys.append(SigningKey(kid.strip(), load_private_key(kid.strip(), material)))
    if len({k.kid for k in keys}) != len(keys):
        raise ImproperlyConfigured("VETTING_SIGNING_KEYS has the same kid twice.")
    return keys


def _development_key() -> SigningKey:
    seed = hashlib.sha256(f"vetting-dev-signing:{settings.SECRET_KEY}".encode()).digest()
    kid = "dev-" + hashlib.sha256(seed).hexdigest()[:8]
    return SigningKey(kid, Ed25519PrivateKey.from_private_bytes(seed))


@cache
def _keys_for(spec: str, production: bool, secret: str) -> tuple[SigningKey, ...]:
    keys = parse_keys(spec)
    if not keys:
        if production:
            raise ImproperlyConfigured(
                "VETTING_SIGNING_KEYS must be set in production (no development key)."
            )
        keys = [_development_key()]
    return tuple(keys)


def keys() -> tuple[SigningKey, ...]:
    """All configured keys, the signing one first (re-read if settings change)."""
    return _keys_for(settings.VETTING_SIGNING_KEYS, settings.PRODUCTION, settings.SECRET_KEY)


def sign(claims: dict, *, typ: str = "JWT") -> str:
    key = keys()[0]
    return jwt.encode(
        claims, key.private, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": typ}
    )


def jwks() -> dict:
    return {"keys": [key.public_jwk() for key in keys()]}
