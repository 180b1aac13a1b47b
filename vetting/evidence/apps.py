from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "vetting.evidence"
    verbose_name = "Evidence"
