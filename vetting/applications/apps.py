from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.applications"
    label = "applications"
    verbose_name = "Applications"

    def ready(self):
        from . import digests, jobs  # noqa: F401 - register this app's outbox jobs
