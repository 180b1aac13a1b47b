from django.conf import settings
from django.db import models

from vetting.audit.history import ChangeHistory
from vetting.gated_models.models import GatedModel


class GatewayKey(models.Model):
    """A machine client's API key. Only the SHA-256 of the secret is stored; the
    prefix (shown in the admin and in the key itself) tells keys apart."""

    class Kind(models.TextChoices):
        GATEWAY = "gateway", "Model gateway (check, certificates, status list, sync)"
        AUDITOR = "auditor", "Auditor (partner list)"

    name = models.CharField(max_length=120, help_text="Who holds the key, e.g. 'Lab A gateway'.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GATEWAY)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    gated_models = models.ManyToManyField(
        GatedModel,
        related_name="gateway_keys",
        blank=True,
        help_text="The models this key may ask about (gateway keys).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Written at most once a minute per key (see keys.note_use), not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = ChangeHistory(
        m2m_fields=["gated_models"], secret_fields=["secret_hash"], quiet_fields=["last_used_at"]
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "gateway API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class PartnerListVersion(models.Model):
    """One published version of the partner list (active clearances), kept so each
    version can state what changed since the one before."""

    number = models.PositiveIntegerField(unique=True)
    generated_at = models.DateTimeField()
    digest = models.CharField(max_length=64)
    entries = models.JSONField()

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Partner list v{self.number}"
