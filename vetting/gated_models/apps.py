from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.gated_models"
    label = "gated_models"
    verbose_name = "Gated models"
