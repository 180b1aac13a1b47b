from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from vetting.applications.models import Application
from vetting.gated_models.models import GatedModel
from vetting.organizations.models import Organization, Sector


class ClearanceState(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class DenialReason(models.TextChoices):
    """Machine-readable reasons a caller is not cleared now."""

    NO_CLEARANCE = "no_clearance"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    MODEL_SUSPENDED = "model_suspended"
    DENIED_PARTY = "denied_party"


class Clearance(models.Model):
    """Permission for one organization to use one gated model, issued on approval."""

    serial = models.CharField(max_length=32, unique=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="clearances"
    )
    gated_model = models.ForeignKey(GatedModel, on_delete=models.PROTECT, related_name="clearances")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="clearance"
    )
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+")
    state = FSMField(
        max_length=20, choices=ClearanceState.choices, default=ClearanceState.ACTIVE, db_index=True
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    seats = models.PositiveIntegerField()
    conditions = models.TextField(blank=True)
    # The gated model's policy version the clearance was issued under.
    policy_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Why the clearance is suspended, revoked or expired: one reason for the
    # record (internal) and one written for the applicant.
    state_reason = models.TextField(blank=True)
    applicant_reason = models.TextField(blank=True)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state_changed_at = models.DateTimeField()
    # Position of this clearance's bit in the signed status list (GET /api/v1/status-list);
    # set to the primary key on first save, so it is unique and never reused.
    status_index = models.PositiveBigIntegerField(
        unique=True, null=True, blank=True, editable=False
    )
    # Last time anything about the clearance changed, for the gateways' sync
    # (GET /api/v1/clearances?changed_since=...). Services list it in update_fields.
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [
            models.Index(fields=["organization", "gated_model", "state"]),
            models.Index(fields=["gated_model", "state"]),
            models.Index(fields=["changed_at", "id"], name="clearance_changed_cursor"),
        ]

    def __str__(self) -> str:
        return f"{self.serial} {self.organization} / {self.gated_model} ({self.state})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.status_index is None:
            self.status_index = self.pk
            type(self).objects.filter(pk=self.pk).update(status_index=self.pk)

    @transition(field=state, source=ClearanceState.ACTIVE, target=ClearanceState.SUSPENDED)
    def suspend(self):
        pass

    @transition(field=state, source=ClearanceState.SUSPENDED, target=ClearanceState.ACTIVE)
    def reinstate(self):
        pass

    @transition(
        field=state,
        source=[ClearanceState.ACTIVE, ClearanceState.SUSPENDED],
        target=ClearanceState.REVOKED,
    )
    def revoke(self):
        pass

    @transition(field=state, source=ClearanceState.ACTIVE, target=ClearanceState.EXPIRED)
    def expire(self):
        pass
