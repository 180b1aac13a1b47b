"""The Celery application; every setting comes from Django settings (``CELERY_*``)."""

import logging.config
import os

from celery import Celery
from celery.signals import beat_init, setup_logging
from django_structlog.celery.steps import DjangoStructLogInitStep
from kombu.transport import TRANSPORT_ALIASES

# filesystem:// (the embedded default) is kombu's filesystem transport with atomic
# writes (vetting.broker); the transport follows the URL, whatever sets it.
TRANSPORT_ALIASES["filesystem"] = "vetting.broker:Transport"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")

app = Celery("vetting")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Binds each task's request_id (sent by the web request that queued it) to its logs.
app.steps["worker"].add(DjangoStructLogInitStep)
# Writes the worker's heartbeat row (the console says when no worker is heard from).
app.steps["worker"].add("vetting.outbox.heartbeat:Heartbeat")


@setup_logging.connect
def _log_as_django_does(**kwargs):
    """Workers and beat log with Django's LOGGING (structured, vetting.observability)
    instead of Celery's own format."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@beat_init.connect
def _one_beat_at_a_time(sender=None, **kwargs):
    """Before beat sends anything: wait for the beat lock (vetting.beat_lock)."""
    from vetting import beat_lock

    beat_lock.acquire()
