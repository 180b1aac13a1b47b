from django.db import models

from vetting.organizations.models import Sector


class ReviewStep(models.TextChoices):
    """The review steps, in the order an application walks them."""

    EXPORT_CONTROL = "export_control", "Export-control check"
    SECTOR = "sector", "Sector verification"
    GOVERNMENT = "government", "Government sign-off"


STEP_ORDER = [ReviewStep.EXPORT_CONTROL, ReviewStep.SECTOR, ReviewStep.GOVERNMENT]


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
