from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ConsoleAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, running on the console site instead of the default one."""

    default = False  # named explicitly in INSTALLED_APPS
    default_site = "vetting.console.site.ConsoleAdminSite"

    def ready(self):
        super().ready()  # autodiscover: every app's admin module
        from django.contrib import admin

        from . import related_links
        from .third_party import harden

        harden(admin.site)
        related_links.install()


class ConsoleConfig(AppConfig):
    default = True
    name = "vetting.console"
    label = "console"
    verbose_name = "Review console"
