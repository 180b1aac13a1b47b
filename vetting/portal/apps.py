from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "vetting.portal"
    verbose_name = "Applicant portal"
