import hashlib

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_countries.fields import CountryField

from vetting.audit.history import ChangeHistory

from . import identifiers


class Sector(models.Model):
    """A US critical-infrastructure sector (NSM-22); rows come from a data migration."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    # Sector Risk Management Agencies, e.g. ["DHS", "GSA"].
    srma = models.JSONField(default=list)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    class Kind(models.TextChoices):
        FEDERAL_AGENCY = "federal_agency", "Federal agency"
        SLTT_GOVERNMENT = "sltt_government", "State, local, tribal or territorial government"
        PRIVATE_COMPANY = "private_company", "Private company"
        NON_PROFIT = "non_profit", "Non-profit"

    legal_name = models.CharField(max_length=300, validators=[identifiers.validate_legal_name])
    name_key = models.CharField(
        max_length=300,
        editable=False,
        db_index=True,
        blank=True,
        help_text="The legal name as the deny list compares it (identifiers.name_key).",
    )
    uei = models.CharField(
        "UEI",
        max_length=12,
        blank=True,
        validators=[identifiers.validate_uei],
        help_text="SAM.gov Unique Entity ID: 12 letters and digits.",
    )
    ein = models.CharField(
        "EIN",
        max_length=10,
        blank=True,
        validators=[identifiers.validate_ein],
        help_text="Employer Identification Number, written NN-NNNNNNN.",
    )
    cage = models.CharField(
        "CAGE code",
        max_length=5,
        blank=True,
        validators=[identifiers.validate_cage],
        help_text="5 letters or digits.",
    )
    domain = models.CharField(
        "web domain",
        max_length=253,
        validators=[identifiers.validate_domain],
        help_text="The domain your staff's email addresses use, e.g. example.com.",
    )
    country = CountryField(default="US")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sectors = models.ManyToManyField(Sector, related_name="organizations", blank=True)
    require_mfa = models.BooleanField(
        "two-step sign-in required",
        default=False,
        help_text="Members must sign in with a passkey or an authenticator app before "
        "they submit an application or manage members.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organizations",
    )

    history = ChangeHistory(m2m_fields=["sectors"])

    class Meta:
        ordering = ["legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["uei"], condition=~models.Q(uei=""), name="organization_unique_uei"
            ),
            models.UniqueConstraint(
                fields=["ein"], condition=~models.Q(ein=""), name="organization_unique_ein"
            ),
        ]
        indexes = [models.Index(Lower("legal_name"), name="organization_lower_name")]

    def __str__(self) -> str:
        return self.legal_name

    def save(self, *args, **kwargs):
        self.name_key = identifiers.name_key(self.legal_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "legal_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def clean(self):
        self.uei = identifiers.normalize_uei(self.uei)
        self.ein = identifiers.normalize_ein(self.ein) if self.ein else ""
        self.cage = identifiers.normalize_cage(self.cage)
        self.domain = identifiers.normalize_domain(self.domain)


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "Administrator"
        MEMBER = "member", "Member"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    history = ChangeHistory()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"


class Invitation(models.Model):
    """An invitation to join an organization, sent by email as a link.

    The link carries a random token (``secrets.token_urlsafe(32)``); only its SHA-256
    hex digest is stored, so the table never holds a usable link. An invitation is
    used at most once, expires ``settings.INVITATION_MAX_AGE`` seconds after it was
    made, and can be revoked by an administrator (removing a member revokes the
    pending invitations to them and those they sent). The signed links of earlier
    versions (django.core.signing, never consumed) are not honoured any more: they
    are answered "not valid" like any unknown token.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "email"], name="invitation_org_email")]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organization_id} ({self.role})"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()

    @classmethod
    def pending_q(cls, now=None) -> models.Q:
        """The rows whose ``state`` is pending, as a query filter."""
        return models.Q(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now or timezone.now(),
        )

    @property
    def state(self) -> "Invitation.State":
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return self.state.label
