from django.conf import settings
from django.db import models
from django.utils import timezone

from vetting.audit.history import ChangeHistory
from vetting.organizations.models import Sector


class ReviewStep(models.TextChoices):
    """The review steps, in the order an application walks them."""

    EXPORT_CONTROL = "export_control", "Export-control check"
    SECTOR = "sector", "Sector verification"
    GOVERNMENT = "government", "Government sign-off"


STEP_ORDER = [ReviewStep.EXPORT_CONTROL, ReviewStep.SECTOR, ReviewStep.GOVERNMENT]

# A model's access policy: read-only in the admin, changed only by proposal and a
# second person's approval (vetting.gated_models.policy).
POLICY_LABELS = {
    "access_status": "Access status",
    "requires_export_control": "Export-control check",
    "requires_sector": "Sector verification",
    "requires_government": "Government sign-off",
    "admitted_sectors": "Admitted sectors",
    "restored_sectors": "Restored sectors (tiered restoration)",
    "cap": "Cap on active clearances",
    "max_seats": "Most seats for one organization",
    "clearance_validity_days": "Clearance validity (days)",
    "default_conditions": "Default conditions",
    "export_classification": "Export classification",
}
POLICY_FIELDS = tuple(POLICY_LABELS)
SECTOR_FIELDS = ("admitted_sectors", "restored_sectors")


class GatedModel(models.Model):
    """The AI model being gated, and the rules for who may use it."""

    class AccessStatus(models.TextChoices):
        OPEN = "open", "Open to applications"
        CLOSED = "closed_to_new_applications", "Closed to new applications"
        SUSPENDED = "suspended", "Suspended"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    access_status = models.CharField(
        max_length=30, choices=AccessStatus.choices, default=AccessStatus.CLOSED
    )
    cap = models.PositiveIntegerField(
        help_text="Most active clearances allowed at once.", default=100
    )
    max_seats = models.PositiveIntegerField(
        "most seats for one organization",
        default=100,
        help_text="The most seats one organization may request and be granted.",
    )
    requires_export_control = models.BooleanField(default=True)
    requires_sector = models.BooleanField(default=True)
    requires_government = models.BooleanField(default=True)
    admitted_sectors = models.ManyToManyField(Sector, related_name="gated_models", blank=True)
    # After a tiered restoration only clearances in these sectors are honoured;
    # empty means every admitted sector.
    restored_sectors = models.ManyToManyField(Sector, related_name="+", blank=True)
    clearance_validity_days = models.PositiveIntegerField(default=365)
    export_classification = models.CharField(
        max_length=200, blank=True, help_text="Set by counsel, e.g. an ECCN."
    )
    default_conditions = models.TextField(
        blank=True, help_text="Conditions attached to every clearance for this model."
    )
    # Bumped by every applied policy change (vetting.gated_models.policy); each
    # decision and clearance records the version it was made under.
    policy_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = ChangeHistory(m2m_fields=["admitted_sectors", "restored_sectors"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requires_export_control=True)
                | models.Q(requires_sector=True)
                | models.Q(requires_government=True),
                name="gated_model_requires_a_step",
                violation_error_message="A gated model must require at least one review step.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def requires(self, step: str) -> bool:
        return {
            ReviewStep.EXPORT_CONTROL: self.requires_export_control,
            ReviewStep.SECTOR: self.requires_sector,
            ReviewStep.GOVERNMENT: self.requires_government,
        }[ReviewStep(step)]

    def required_steps(self) -> list[ReviewStep]:
        return [step for step in STEP_ORDER if self.requires(step)]

    @property
    def is_open(self) -> bool:
        return self.access_status == self.AccessStatus.OPEN

    def policy_snapshot(self) -> dict:
        """Every policy field as JSON-ready values (sectors: sorted lists of slugs)."""
        data = {f: getattr(self, f) for f in POLICY_FIELDS if f not in SECTOR_FIELDS}
        for field in SECTOR_FIELDS:
            data[field] = sorted(getattr(self, field).values_list("slug", flat=True))
        return data


class PolicyChange(models.Model):
    """A proposed change to a gated model's access policy (vetting.gated_models.policy):
    applied only when a government official other than the proposer approves it."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPLIED = "applied", "Applied"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    gated_model = models.ForeignKey(
        GatedModel, on_delete=models.PROTECT, related_name="policy_changes"
    )
    # The model's policy_version when proposed; approving a change whose base
    # version is no longer current is refused (it was reviewed against another policy).
    base_version = models.PositiveIntegerField()
    # {field: [before, after]}; sectors as sorted lists of slugs.
    changes = models.JSONField()
    rationale = models.TextField()
    loosening = models.BooleanField(
        default=False, help_text="Widens who may use the model, or on easier terms."
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["gated_model", "state"])]

    def __str__(self) -> str:
        return f"Policy change #{self.pk} to {self.gated_model}"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PROPOSED

    @property
    def is_stale(self) -> bool:
        """Pending, but the model's policy moved since: it can no longer be approved."""
        return self.is_pending and self.gated_model.policy_version != self.base_version


class PolicyVersion(models.Model):
    """A snapshot of a gated model's whole access policy, one row per version.
    Version 1 (or the version a model had when its first change was applied) has
    no ``change``; so do versions made by an officer's emergency tightening."""

    gated_model = models.ForeignKey(
        GatedModel, on_delete=models.PROTECT, related_name="policy_versions"
    )
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    applied_at = models.DateTimeField(default=timezone.now)
    change = models.OneToOneField(
        PolicyChange, null=True, blank=True, on_delete=models.PROTECT, related_name="version"
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["gated_model", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["gated_model", "number"], name="policy_version_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gated_model} policy v{self.number}"
