"""Reading an Ed25519 private key from settings (shared by the gateway's certificate
keys and the audit trail's checkpoint key)."""

import base64
import binascii

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured


def load_private_key(kid: str, material: str) -> Ed25519PrivateKey:
    material = material.strip()
    if material.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(material.replace("\\n", "\n").encode(), None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured(f"Signing key {kid!r} is not an Ed25519 key.")
        return key
    try:
        seed = base64.b64decode(material.replace("-", "+").replace("_", "/") + "==")
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"Signing key {kid!r} is not valid base64.") from exc
    if len(seed) != 32:
        raise ImproperlyConfigured(f"Signing key {kid!r} must be a 32-byte Ed25519 seed.")
    return Ed25519PrivateKey.from_private_bytes(seed)
