"""Durable jobs: a row per piece of background work, written with the change that needs it."""

from django.db import models
from django.utils import timezone


class Job(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed (dead letter)"

    kind = models.CharField(max_length=80, help_text="What runs it (vetting.outbox.registry).")
    args = models.JSONField(default=dict, blank=True)
    # The same cause never queues the same job twice (e.g. one submission).
    dedupe_key = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["kind", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class ConsistencyReport(models.Model):
    """What one run of the consistency sweep found and re-drove (the newest is shown
    on /readyz and the console's index)."""

    ran_at = models.DateTimeField(default=timezone.now, db_index=True)
    found = models.JSONField(default=dict)

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"consistency sweep at {self.ran_at:%Y-%m-%d %H:%M:%S}"

    @property
    def total(self) -> int:
        return sum(self.found.values())


class WorkerHeartbeat(models.Model):
    """A running Celery worker, as it last said (vetting.outbox.heartbeat): the console
    and /readyz say when none has been heard from for WORKER_SILENT_AFTER_SECONDS."""

    hostname = models.CharField(max_length=255, unique=True)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self):
        return self.hostname
