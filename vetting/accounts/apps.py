from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.accounts"
    label = "accounts"
    verbose_name = "People"

    def ready(self):
        from . import signals

        signals.connect()
