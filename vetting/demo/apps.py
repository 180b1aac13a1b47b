from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.demo"
    label = "demo"
