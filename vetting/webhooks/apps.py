from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
