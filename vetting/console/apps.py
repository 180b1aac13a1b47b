from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ConsoleAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, running on the console site instead of the default one."""

    default = False  # named explicitly in INSTALLED_APPS
    default_site = "vetting.console.site.ConsoleAdminSite"


class ConsoleConfig(AppConfig):
    default = True
    name = "vetting.console"
    label = "console"
    verbose_name = "Review console"
