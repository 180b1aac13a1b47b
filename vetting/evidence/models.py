"""Documents an applicant uploads: proof of sector, answers to reviewers' questions.

Files live in the ``STORAGES["evidence"]`` storage (``vetting.evidence.storage``:
private files on this host, or a private S3 bucket) with names the server makes
up; the original name is kept only as text, and they are served only through an
access-checked view.
"""

from django.conf import settings
from django.db import models


class Evidence(models.Model):
    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG image"
        JPEG = "image/jpeg", "JPEG image"

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="evidence"
    )
    # Set when the file answers a reviewer's request for information.
    information_request = models.ForeignKey(
        "applications.InformationRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence",
    )
    description = models.CharField(max_length=300, blank=True)
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=40, choices=ContentType.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_content_type_display()})"
