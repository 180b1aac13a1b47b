"""Staff second factors (django-otp): passkeys (django-otp-webauthn), TOTP devices,
backup codes, the demo's known secrets; and the one rule of which factor a console
session needs (``console_verified``).

A passkey is phishing-resistant (OMB M-22-09): the browser signs only for this site's
origin. Where ``STAFF_PASSKEY_REQUIRED`` is on (production's default), government
officials and clearance officers must verify every console session with one: their
TOTP codes and backup codes are refused, and a lost passkey is replaced through a new
enrollment link. Other staff may use either, and backup codes to recover.
"""

import base64
import hashlib
import io
import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from vetting.audit.services import audit_record

from .roles import Role, has_role

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


PRIMARY_FACTORS = (WebAuthnCredential, TOTPDevice)  # backup codes only recover
PASSKEY_ROLES = (Role.GOVERNMENT_OFFICIAL, Role.CLEARANCE_OFFICER)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no script, no image request)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def has_confirmed_device(user) -> bool:
    """Has ``user`` a primary factor (a passkey or an authenticator app)?"""
    return any(m.objects.filter(user=user, confirmed=True).exists() for m in PRIMARY_FACTORS)


def own_factors(user) -> list:
    """``user``'s confirmed primary factors, passkeys first, newest first."""
    return [
        device
        for model in PRIMARY_FACTORS
        for device in model.objects.filter(user=user, confirmed=True).order_by("-pk")
    ]


def is_last_factor(device) -> bool:
    """Is ``device`` the only confirmed primary factor of its staff owner? (Removing it
    would leave an account usable with a password alone, or not at all.)"""
    if not (isinstance(device, PRIMARY_FACTORS) and device.confirmed and device.user.is_staff):
        return False
    return not any(
        m.objects.filter(user_id=device.user_id, confirmed=True)
        .exclude(pk=device.pk if isinstance(device, m) else None)
        .exists()
        for m in PRIMARY_FACTORS
    )


def passkey_required(user) -> bool:
    """Must ``user`` verify console sessions with a passkey?"""
    return settings.STAFF_PASSKEY_REQUIRED and any(has_role(user, r) for r in PASSKEY_ROLES)


def device_satisfies(user, device) -> bool:
    """May ``device`` verify a console session of ``user``?"""
    if device is None or device.user_id != user.pk or not device.confirmed:
        return False
    return isinstance(device, WebAuthnCredential) or not passkey_required(user)


def session_verified(user) -> bool:
    """Was this signed-in session verified with a second factor? (Only a request's user
    knows; an actor from a shell or a task never was.)"""
    return bool(user.is_authenticated and getattr(user, "is_verified", lambda: False)())


def console_verified(user) -> bool:
    """Is this signed-in staff session verified with a factor its owner's roles accept?
    The console's every page asks (ConsoleAdminSite.has_permission), and so does adding
    a passkey (vetting.console.passkey_views): a session verified with a code cannot
    add a passkey where a passkey is required."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.is_verified()
        and device_satisfies(user, user.otp_device)
    )


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
