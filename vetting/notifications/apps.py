from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.notifications"
    label = "notifications"
    verbose_name = "Notifications"
