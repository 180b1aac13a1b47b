from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django_countries.fields import CountryField

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

    legal_name = models.CharField(max_length=300)
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
        help_text="The domain your staff's email addresses use.",
    )
    country = CountryField(default="US")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sectors = models.ManyToManyField(Sector, related_name="organizations", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organizations",
    )

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

    def clean(self):
        self.uei = identifiers.normalize_uei(self.uei)
        self.ein = identifiers.normalize_ein(self.ein) if self.ein else ""
        self.cage = identifiers.normalize_cage(self.cage)
        self.domain = self.domain.strip().lower().rstrip(".")


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

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"
