"""Account services: sign-up, email verification, password-reset mail.

Emails go through the notification outbox, in the transaction that causes them.
"""

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import transaction
from django.utils import timezone

from vetting.audit.services import audit_record
from vetting.errors import InvalidState
from vetting.notifications.services import notification_enqueue

VERIFY_SALT = "vetting.accounts.verify-email"


def verification_token(user) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFY_SALT)


def _enqueue_verification(user, event) -> None:
    path = f"/accounts/verify/{verification_token(user)}/"
    notification_enqueue(
        template_key="account_verification",
        recipients=[user],
        context={"name": user.display_name, "url_path": path, "url": f"{settings.BASE_URL}{path}"},
        event_key=f"audit{event.pk}",
    )


def user_sign_up(*, email: str, password: str, first_name: str = "", last_name: str = ""):
    """Sign up without saying whether the address has an account: a new address gets
    an unverified account and its verification email (user_register); an address
    with an account gets an email to its owner instead (a new verification link if
    it is not verified yet), after the same password checks and the same hashing,
    so the two take the same time. Raises ValidationError for a bad password."""
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()
    existing = User.objects.filter(email=email).first()
    if existing is None:
        user_register(email=email, password=password, first_name=first_name, last_name=last_name)
        return
    stranger = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    password_validation.validate_password(password, stranger)
    make_password(password)  # the hashing a new account costs, so the answer takes as long
    with transaction.atomic():
        if existing.email_verified_at is None:
            event = audit_record(actor=None, action="account.verification_resent", obj=existing)
            _enqueue_verification(existing, event)
            return
        event = audit_record(actor=None, action="account.signup_for_existing", obj=existing)
        notification_enqueue(
            template_key="account_exists",
            recipients=[existing],
            context={
                "name": existing.display_name,
                "url_path": "/accounts/password/reset/",
                "url": f"{settings.BASE_URL}/accounts/password/reset/",
            },
            event_key=f"audit{event.pk}",
        )


def verification_resend_for(email: str) -> None:
    """A new verification link to the account of ``email`` if it has one that is not
    verified yet; nothing otherwise (the caller answers the same either way)."""
    user = get_user_model().objects.filter(email=email.strip().lower()).first()
    if user is not None:
        user_resend_verification(user=user)


@transaction.atomic
def user_register(*, email: str, password: str, first_name: str = "", last_name: str = ""):
    """Create an unverified account. Side effects: audit event, verification email
    (outbox) with a signed link valid for settings.EMAIL_VERIFICATION_MAX_AGE."""
    User = get_user_model()
    user = User(
        email=User.objects.normalize_email(email).lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    event = audit_record(actor=user, action="account.registered", obj=user)
    _enqueue_verification(user, event)
    return user


@transaction.atomic
def user_resend_verification(*, user) -> None:
    """Queue a fresh verification link. Side effects: audit event, outbox row."""
    if user.email_verified_at is not None:
        return
    event = audit_record(actor=user, action="account.verification_resent", obj=user)
    _enqueue_verification(user, event)


@transaction.atomic
def user_verify_email(*, token: str):
    """Mark the email in the token verified. Raises InvalidState on a bad or old link.
    Side effects: audit event (first time only)."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvalidState("This verification link has expired; ask for a new one.") from exc
    except signing.BadSignature as exc:
        raise InvalidState("This verification link is not valid.") from exc
    User = get_user_model()
    user = User.objects.select_for_update().filter(pk=data["user"]).first()
    if user is None or user.email != data["email"]:
        raise InvalidState("This verification link is not valid.")
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        audit_record(actor=user, action="account.email_verified", obj=user)
    return user


@transaction.atomic
def password_reset_enqueue(*, user, url_path: str) -> None:
    """Queue the password-reset email. Side effects: outbox row, audit event."""
    event = audit_record(actor=None, action="account.password_reset_requested", obj=user)
    notification_enqueue(
        template_key="password_reset",
        recipients=[user],
        context={
            "name": user.display_name,
            "url_path": url_path,
            "url": f"{settings.BASE_URL}{url_path}",
        },
        event_key=f"audit{event.pk}",
    )
