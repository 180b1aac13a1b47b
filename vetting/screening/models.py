"""Restricted-party lists, screening results, the deny list and domain challenges."""

from django.conf import settings
from django.db import models

from vetting.audit.history import ChangeHistory
from vetting.organizations.models import Organization


class DeniedParty(models.Model):
    """An organization (by identifiers and name) or an email domain that may not
    be cleared. Checked on every application and by the clearance check."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", "Organization"
        EMAIL_DOMAIN = "email_domain", "Email domain"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The organization record, when the denied party is one of ours.",
    )
    legal_name = models.CharField(max_length=300, blank=True)
    uei = models.CharField("UEI", max_length=12, blank=True, db_index=True)
    ein = models.CharField("EIN", max_length=10, blank=True, db_index=True)
    cage = models.CharField("CAGE code", max_length=5, blank=True, db_index=True)
    email_domain = models.CharField(max_length=253, blank=True, db_index=True)
    reason = models.TextField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the system added it.",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    history = ChangeHistory()

    class Meta:
        ordering = ["-added_at"]
        verbose_name_plural = "denied parties"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="email_domain") & ~models.Q(email_domain=""))
                | (
                    models.Q(kind="organization")
                    & (
                        models.Q(organization__isnull=False)
                        | ~models.Q(legal_name="")
                        | ~models.Q(uei="")
                        | ~models.Q(ein="")
                        | ~models.Q(cage="")
                    )
                ),
                name="denied_party_identifies_someone",
                violation_error_message="Name the organization (record, name or an "
                "identifier) or the email domain.",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.EMAIL_DOMAIN:
            return f"@{self.email_domain}"
        return self.legal_name or str(self.organization) or self.uei or self.ein or self.cage


class ListVersion(models.Model):
    """One imported file of a restricted-party list."""

    class Format(models.TextChoices):
        CSL = "csl", "Consolidated Screening List (CSV)"
        SDN = "sdn", "Treasury SDN (sdn.csv)"

    source = models.CharField(max_length=10, choices=Format.choices)
    filename = models.CharField(max_length=255, blank=True)
    checksum = models.CharField(
        max_length=64,
        unique=True,
        help_text="SHA-256 of the file, or of its set (sdn.csv with alt.csv, add.csv).",
    )
    rows = models.PositiveIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk} ({self.rows} rows)"


class ListEntry(models.Model):
    """One party on a list version. The identifying details (dates and places of
    birth, nationalities, documents, gender) are as the list states them; their
    shapes are in docs/screening-list-entries.md."""

    version = models.ForeignKey(ListVersion, on_delete=models.CASCADE, related_name="entries")
    list_code = models.CharField(
        max_length=10, db_index=True, help_text="EL, DPL, SDN, ... (the code in the source)."
    )
    source_name = models.CharField(max_length=200, blank=True)
    record_id = models.CharField(
        max_length=100, blank=True, help_text="_id or entity number in the source file."
    )
    entry_type = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=500)
    aliases = models.JSONField(default=list)
    alias_types = models.JSONField(
        default=dict, blank=True, help_text='Alias -> "aka", "fka" or "nka", for each alias.'
    )
    programs = models.JSONField(default=list)
    countries = models.JSONField(
        default=list,
        blank=True,
        help_text="Every country tied to the entry: nationalities, and for the SDN "
        "the countries of its addresses (ISO codes, or the text when unknown).",
    )
    dates_of_birth = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"text", "year", "month", "day", "circa", "earliest", "latest"}]',
    )
    places_of_birth = models.JSONField(default=list, blank=True, help_text="As written.")
    nationalities = models.JSONField(
        default=list,
        blank=True,
        help_text="Nationalities and citizenships: ISO 3166 alpha-2 codes, or the text when "
        "it names no country we know.",
    )
    identifiers = models.JSONField(
        default=list, blank=True, help_text='[{"type", "number", "country"}]: passports, IDs, ...'
    )
    gender = models.CharField(max_length=10, blank=True, help_text='"Male", "Female" or empty.')
    source_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["version", "id"]
        verbose_name_plural = "list entries"

    def __str__(self) -> str:
        return f"{self.name} ({self.list_code})"


class ScreeningRun(models.Model):
    class Trigger(models.TextChoices):
        SUBMISSION = "submission", "Application submitted"
        RESCREEN = "rescreen", "New list version"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="screening_runs"
    )
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="screening_runs",
    )
    clearance = models.ForeignKey(
        "clearances.Clearance",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="screening_runs",
    )
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    versions = models.ManyToManyField(ListVersion, related_name="runs", blank=True)
    threshold = models.FloatField()
    subjects = models.PositiveIntegerField(default=0)
    ran_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"Screening of {self.organization} at {self.ran_at:%Y-%m-%d %H:%M}"


class ScreeningHit(models.Model):
    """A possible match: a reason for a person to look, never a determination."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting adjudication"
        FALSE_POSITIVE = "false_positive", "False positive"
        TRUE_MATCH = "true_match", "True match"

    class Subject(models.TextChoices):
        ORGANIZATION = "organization", "Organization"
        PERSON = "person", "Declared person"

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="hits")
    subject_kind = models.CharField(max_length=20, choices=Subject.choices)
    subject_name = models.CharField(max_length=300)
    declaration = models.ForeignKey(
        "applications.PersonnelDeclaration",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="hits")
    matched_name = models.CharField(max_length=500)
    matched_alias = models.BooleanField(
        default=False, help_text="The matched name is one of the entry's aliases."
    )
    score = models.FloatField(
        help_text="The name score raised or lowered by the declared person's identifiers."
    )
    name_score = models.FloatField(null=True, blank=True, help_text="The names' score alone.")
    normalizations = models.JSONField(default=list)
    explanation = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"query", "listed", "rule", "similarity"}]: which word matched which.',
    )
    identifiers = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"identifier", "declared", "listed", "outcome", "effect"}]',
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    rationale = models.TextField(blank=True)
    adjudicated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adjudicated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]

    def __str__(self) -> str:
        return f"{self.subject_name} ~ {self.matched_name} ({self.score:.0f})"


class DomainChallenge(models.Model):
    """A DNS TXT challenge proving an organization controls its email domain."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="domain_challenges"
    )
    domain = models.CharField(max_length=253)
    token_hash = models.CharField(max_length=64, help_text="SHA-256 of the token.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        state = "verified" if self.verified_at else "pending"
        return f"_vetting-challenge.{self.domain} ({state})"
