"""Staff second factors (django-otp): TOTP devices, backup codes, the demo's known secrets."""

import base64
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vetting.audit.services import audit_record

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


BACKUP_CODES = 10
BACKUP_DEVICE_NAME = "Backup codes"


@transaction.atomic
def backup_codes_issue(user) -> list[str]:
    """Ten new single-use backup codes for ``user`` (the old ones stop working), to be
    shown once. Side effect: audit event."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    audit_record(
        actor=user, action="user.backup_codes_issued", obj=user, data={"codes": len(codes)}
    )
    return codes


@transaction.atomic
def backup_code_used(user, device: StaticDevice) -> int:
    """Record that a backup code opened a session: audit event, and an email to the
    owner (it may not have been them). Returns how many codes are left."""
    from vetting.notifications.services import notification_enqueue

    left = device.token_set.count()
    event = audit_record(
        actor=user, action="user.backup_code_used", obj=user, data={"codes_left": left}
    )
    notification_enqueue(
        template_key="backup_code_used",
        recipients=[user],
        context={
            "name": user.display_name,
            "codes_left": left,
            "url_path": "/admin/",
            "url": f"{settings.BASE_URL}/admin/",
        },
        event_key=f"audit{event.pk}",
    )
    return left
