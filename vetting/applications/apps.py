from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.applications"
    label = "applications"
    verbose_name = "Applications"

    def ready(self):
        from . import jobs  # noqa: F401 - registers this app's outbox jobs
