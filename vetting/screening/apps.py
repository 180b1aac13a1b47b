from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "vetting.screening"
    verbose_name = "Screening and verification"
