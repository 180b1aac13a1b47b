from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "vetting.api"
    label = "api"
    verbose_name = "Gateway API"

    def connect_signals(self):
        from . import signals

        signals.connect()

    def ready(self):
        self.connect_signals()
