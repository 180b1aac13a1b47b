from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "vetting.portal"
    verbose_name = "Applicant portal"

    def ready(self):
        from django_structlog.signals import bind_extra_request_metadata

        from vetting.observability import bind_client_ip

        bind_extra_request_metadata.connect(bind_client_ip)
