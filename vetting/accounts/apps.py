from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.accounts"
    label = "accounts"
    verbose_name = "People"

    def ready(self):
        from . import sessions, signals  # noqa: F401 - sessions connects on import

        signals.connect()
