"""The transactional outbox: a row per message, written in the transaction that caused it."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipient_email = models.EmailField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    template_key = models.CharField(max_length=80)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The same event never produces the same message twice for the same person.
    dedupe_key = models.CharField(max_length=255, unique=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the row may next be tried; the sweeper re-dispatches pending rows past it.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When the recipient opened it in the portal's inbox (vetting.notifications.inbox);
    # delivery never touches it.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
            # The inbox and its unread count: one person's rows, unread first.
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.template_key} → {self.recipient_email} ({self.status})"


class EmailPreference(models.Model):
    """Which optional emails a person receives (see ``kinds.KINDS``). No row means all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    application_progress = models.BooleanField(default=True)
    review_queue = models.BooleanField(default=True)
    review_digest = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Email preferences of {self.user}"
