"""Logs and error reports.

Every process (web, worker, beat, manage.py) logs through structlog's formatter on the
standard logging handlers: one JSON object per line in production (``LOG_FORMAT=json``,
for the log shipper), readable lines in development. django-structlog binds a
``request_id`` to each web request (nginx's ``X-Request-ID`` when a proxy is trusted,
else a new UUID) and carries it into the Celery tasks that request queues, so a
request's log lines, its tasks' lines and the audit events either writes share one id
(``vetting.audit.services.audit_record`` stores it). Errors go to Sentry only when
``SENTRY_DSN`` is set.
"""

import logging

import structlog

SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def logging_config(*, json: bool, level: str) -> dict:
    """The LOGGING setting; also configures structlog itself for structlog loggers."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer,
                ],
                # Lines from Django, Celery and libraries get the same fields.
                "foreign_pre_chain": [*SHARED, structlog.stdlib.ExtraAdder()],
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
    }


def current_request_id() -> str:
    """The id bound to this request or task, '' outside one."""
    return str(structlog.contextvars.get_contextvars().get("request_id", ""))[:64]


def bind_client_ip(request, **kwargs) -> None:
    """django-structlog's bind_extra_request_metadata receiver: the real client's
    address (behind the proxy), as the login lockout sees it."""
    from vetting.clientip import client_ip

    structlog.contextvars.bind_contextvars(ip=client_ip(request))


def init_sentry(dsn: str, *, environment: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        send_default_pii=False,  # no emails, cookies or bodies leave the system
        traces_sample_rate=traces_sample_rate,
    )
