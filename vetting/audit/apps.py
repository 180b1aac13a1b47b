from django.apps import AppConfig
from django.db.models.signals import post_migrate


class Config(AppConfig):
    name = "vetting.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from .db_roles import grant_after_migrate

        # Sent for this app once each migrate has run every migration.
        post_migrate.connect(grant_after_migrate, sender=self)
