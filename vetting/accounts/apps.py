from django.apps import AppConfig


class Config(AppConfig):
    name = "vetting.accounts"
    label = "accounts"
