"""The Celery application; every setting comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")

app = Celery("vetting")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def _one_beat_at_a_time(sender=None, **kwargs):
    """Before beat sends anything: wait for the beat lock (vetting.beat_lock)."""
    from vetting import beat_lock

    beat_lock.acquire()
