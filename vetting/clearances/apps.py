from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.clearances"
    label = "clearances"
    verbose_name = "Clearances"
