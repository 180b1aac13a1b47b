from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.applications"
    label = "applications"
    verbose_name = "Applications"
