from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.db import models
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

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()
    # Role grants are the groups; the password hash is kept only as a digest.
    history = ChangeHistory(
        m2m_fields=["groups"], secret_fields=["password"], quiet_fields=["last_login"]
    )

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


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
