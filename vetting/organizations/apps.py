from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.organizations"
    label = "organizations"
    verbose_name = "Organizations"
