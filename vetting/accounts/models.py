from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.db import models
from django.db.models import F
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from vetting.audit.history import ChangeHistory, track


class EmailUserManager(UserManager):
    """Users sign in with their email address; there is no separate username."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # Part of every session's auth hash, which Django checks on each request: raising
    # it (sign_out_everywhere) ends all of the account's sessions at once.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()
    # Role grants are the groups; the password hash is kept only as a digest.
    history = ChangeHistory(
        m2m_fields=["groups"],
        secret_fields=["password"],
        quiet_fields=["last_login", "session_epoch"],
    )

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    def get_session_auth_hash(self) -> str:
        return self._session_hash(None)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret)

    def _session_hash(self, secret) -> str:
        # Django's (an HMAC of the password hash) with the epoch in it.
        value = f"{self.password}:{self.session_epoch}"
        return salted_hmac(_SESSION_SALT, value, secret=secret, algorithm="sha256").hexdigest()


_SESSION_SALT = "vetting.accounts.User.session_auth_hash"


class Enrollment(models.Model):
    """A one-time link that lets a staff member set their password and register their
    first second factor (vetting.accounts.enrollment). Only the SHA-256 of the link's
    secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrollments")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Enrollment of {self.user} ({self.created_at:%Y-%m-%d %H:%M})"


def sign_out_everywhere(user_ids) -> None:
    """End every session of these accounts (a factor removed, a role revoked): the
    next request of each is anonymous."""
    User.objects.filter(pk__in=list(user_ids)).update(session_epoch=F("session_epoch") + 1)


# A role's permissions, and every staff member's second factor (never its secret; the
# counters django-otp moves at each sign-in are not changes).
track(Group, app="vetting.accounts", m2m_fields=["permissions"])
track(
    TOTPDevice,
    app="vetting.accounts",
    secret_fields=["key"],
    quiet_fields=[
        "last_t",
        "drift",
        "last_used_at",
        "throttling_failure_timestamp",
        "throttling_failure_count",
    ],
)
