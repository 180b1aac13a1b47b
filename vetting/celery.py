"""The Celery application; every setting comes from Django settings (``CELERY_*``)."""

import logging.config
import os

from celery import Celery
from celery.signals import beat_init, setup_logging
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")

app = Celery("vetting")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Binds each task's request_id (sent by the web request that queued it) to its logs.
app.steps["worker"].add(DjangoStructLogInitStep)


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
