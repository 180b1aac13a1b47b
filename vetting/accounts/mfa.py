"""TOTP devices for staff (django-otp): enrollment helpers and the demo's known secrets."""

import base64
import hashlib
import secrets

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


def ensure_totp_device(user, key_hex: str) -> TOTPDevice:
    """Give ``user`` one confirmed TOTP device with the secret ``key_hex`` (40 hex
    digits = 20 bytes). Idempotent; ``seed_demo`` uses it so demo staff have a known
    secret. Side effect: replaces the user's other TOTP devices."""
    bytes.fromhex(key_hex)  # refuse a malformed secret early, with a clear ValueError
    with transaction.atomic():  # the devices and their audit events (accounts.signals)
        device = TOTPDevice.objects.filter(user=user).order_by("id").first()
        if device is None:
            device = TOTPDevice(user=user, name=DEVICE_NAME)
        device.key = key_hex.lower()
        device.confirmed = True
        device.last_t = -1
        device.save()
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device an enrolling user is setting up (created on first visit,
    so reloading the enrollment page keeps the same secret)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=DEVICE_NAME, confirmed=False, key=secrets.token_hex(20)
        )
    return device


def base32_secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app wants it typed in by hand."""
    return base64.b32encode(device.bin_key).decode()


def otpauth_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI (what the QR code encodes), with the site as issuer."""
    return device.config_url


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def demo_totp_key(email: str) -> str:
    """A stable, publicly known secret per demo account (seed_demo prints it). Demo only:
    anyone who reads this function can compute it."""
    return hashlib.sha1(f"vetting-demo-totp:{email}".encode()).hexdigest()  # noqa: S324
