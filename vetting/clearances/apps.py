from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.clearances"
    label = "clearances"
    verbose_name = "Clearances"

    def ready(self):
        from . import reminders  # noqa: F401 - registers this app's outbox jobs
