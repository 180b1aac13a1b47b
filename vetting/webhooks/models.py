"""Webhook endpoints of model gateways, and an outbox of deliveries with every attempt."""

import secrets
import uuid

from django.db import models
from django.utils import timezone

from vetting.audit.history import ChangeHistory
from vetting.encryption import EncryptedTextField


class EventType(models.TextChoices):
    CLEARANCE_ISSUED = "clearance.issued"
    CLEARANCE_SUSPENDED = "clearance.suspended"
    CLEARANCE_REINSTATED = "clearance.reinstated"
    CLEARANCE_REVOKED = "clearance.revoked"
    CLEARANCE_EXPIRED = "clearance.expired"
    MODEL_SUSPENDED = "model.suspended"
    MODEL_RESTORED = "model.restored"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    name = models.CharField(max_length=120)
    url = models.URLField(max_length=500)
    # Stored encrypted (vetting.encryption): a copy of the database does not sign.
    secret = EncryptedTextField(
        default=new_secret,
        help_text="Shared with the receiver; it verifies the Vetting-Signature header with it.",
    )
    event_types = models.JSONField(
        default=list, blank=True, help_text="Events sent to this endpoint; empty means every event."
    )
    is_active = models.BooleanField(default=True)
    owner_emails = models.TextField(
        blank=True, help_text="One address per line; told when the endpoint is disabled."
    )
    # Set at the first failed attempt, cleared by any success: failing for
    # WEBHOOK_DISABLE_AFTER_SECONDS (a day) disables the endpoint.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = ChangeHistory(secret_fields=["secret"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types

    @property
    def owners(self) -> list[str]:
        return [
            line.strip()
            for line in self.owner_emails.replace(",", "\n").splitlines()
            if line.strip()
        ]


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, written with the change."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(help_text="Same for every endpoint told of one event.")
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    dedupe_key = models.CharField(max_length=255, unique=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint.name} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery, kept for the admin (append-only)."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    attempted_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error = models.TextField(blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        outcome = self.response_status or self.error[:40]
        return f"attempt {self.number} of {self.delivery_id}: {outcome}"
