"""Staff enrollment by a one-time emailed link.

A staff account is never usable with a password alone: an administrator sends an
enrollment link (``enrollment_send``: single use, valid ``STAFF_ENROLLMENT_HOURS``),
and the person who opens it sets the password, then registers the first second factor
(a passkey, or an authenticator app where the roles allow one), which completes it
(vetting.console.mfa_views, vetting.console.passkey_views). Sending a link resets the account: its
password becomes unusable and its second factors are removed (each removal an audit
event, and every session of the account ends), so a link is also how a lost factor
is replaced. A newer link makes the older ones worthless.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from vetting.audit.services import audit_record
from vetting.errors import InvalidState
from vetting.notifications.services import notification_enqueue

from .mfa import backup_codes_issue
from .models import Enrollment, User

PATH = "/admin/enroll/{token}/"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def enrollment_send(*, actor, user: User) -> str:
    """Reset ``user``'s password and second factors and email a new enrollment link;
    returns the link's path. Side effects: audit event, outbox row, older links end."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_staff:
        raise InvalidState(f"{user.email} is not staff: applicants sign up themselves.")
    now = timezone.now()
    Enrollment.objects.filter(user=user, used_at=None, expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    hours = settings.STAFF_ENROLLMENT_HOURS
    Enrollment.objects.create(
        user=user,
        token_digest=_digest(token),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
        sent_by=actor,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    for device in [
        *TOTPDevice.objects.filter(user=user),
        *WebAuthnCredential.objects.filter(user=user),
    ]:
        device.delete()  # audited, and ends the account's sessions (accounts.signals)
    StaticDevice.objects.filter(user=user).delete()  # its backup codes
    event = audit_record(
        actor=actor, action="user.enrollment_sent", obj=user, data={"user": user.email}
    )
    path = PATH.format(token=token)
    notification_enqueue(
        template_key="staff_enrollment",
        recipients=[user],
        context={
            "name": user.display_name,
            "hours": hours,
            "url_path": path,
            "url": f"{settings.BASE_URL}{path}",
        },
        event_key=f"audit{event.pk}",
    )
    return path


def open_enrollment(token: str, *, lock: bool = False) -> Enrollment:
    """The unused, unexpired enrollment of ``token``; InvalidState otherwise."""
    rows = Enrollment.objects.select_related("user")
    if lock:
        rows = rows.select_for_update()
    enrollment = rows.filter(token_digest=_digest(token)).first()
    if (
        enrollment is None
        or enrollment.used_at is not None
        or enrollment.expires_at <= timezone.now()
        or not enrollment.user.is_active
        or not enrollment.user.is_staff
    ):
        raise InvalidState(
            "This enrollment link is not valid: it was used, replaced by a newer one, or "
            "has expired. Ask an administrator for a new link."
        )
    return enrollment


@transaction.atomic
def enrollment_complete(*, token: str, password_hash: str, device):
    """Set the password (``password_hash``, chosen and checked on the link's page),
    confirm the first factor and issue backup codes, once. ``device`` is the passkey
    just registered, or the unconfirmed TOTP device whose code the caller checked.
    Returns (user, backup codes to show once). The email address is verified by then
    (the link reached it), so the portal pages staff open from the console (evidence
    downloads) serve them. Side effects: audit events (enrolled, the factor's
    user.mfa_enrolled, the codes), the link is used up."""
    enrollment = open_enrollment(token, lock=True)
    user = enrollment.user
    if device.user_id != user.pk:
        raise InvalidState("This device does not belong to the account being enrolled.")
    user.password = password_hash
    fields = ["password"]
    if user.email_verified_at is None:  # the link was emailed to it: the address works
        user.email_verified_at = timezone.now()
        fields.append("email_verified_at")
    user.save(update_fields=fields)
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    enrollment.used_at = timezone.now()
    enrollment.save(update_fields=["used_at"])
    audit_record(actor=user, action="user.enrolled", obj=user, data={"user": user.email})
    return user, backup_codes_issue(user)
