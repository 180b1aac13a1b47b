from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.outbox"
    label = "outbox"
    verbose_name = "Background jobs"
