from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "vetting.screening"
    verbose_name = "Screening and verification"

    def ready(self):
        from . import jobs  # noqa: F401 - registers this app's outbox jobs
