from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.audit"
    label = "audit"
    verbose_name = "Audit trail"
