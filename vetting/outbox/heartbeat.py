"""Workers say they are alive: a worker bootstep writes its row in
``WorkerHeartbeat`` when it starts and every WORKER_HEARTBEAT_SECONDS from the
worker's timer thread, and removes it when it stops cleanly. A worker killed
outright stops writing; ``workers_status`` then reports it silent after
WORKER_SILENT_AFTER_SECONDS (the console's background panel and /readyz)."""

import logging
import os
from datetime import timedelta

from celery import bootsteps
from django.conf import settings
from django.db import connection
from django.utils import timezone

log = logging.getLogger(__name__)


def heartbeat_write(hostname: str, pid: int, started_at) -> None:
    from .models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname,
        defaults={"pid": pid, "started_at": started_at, "seen_at": timezone.now()},
    )


def workers_status(now=None) -> dict:
    """``{"alive": [...], "last_seen": datetime|None, "silent": bool}``: silent when
    no worker has written for WORKER_SILENT_AFTER_SECONDS."""
    from .models import WorkerHeartbeat

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.WORKER_SILENT_AFTER_SECONDS)
    beats = list(WorkerHeartbeat.objects.all()[:50])
    alive = [beat for beat in beats if beat.seen_at >= cutoff]
    return {
        "alive": alive,
        "last_seen": beats[0].seen_at if beats else None,
        "silent": not alive,
    }


class Heartbeat(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None
        self.started_at = None

    def start(self, worker):
        self.started_at = timezone.now()
        self._beat(worker)
        self.tref = worker.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, self._beat, (worker,), priority=10
        )

    def stop(self, worker):
        from .models import WorkerHeartbeat

        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
        try:
            WorkerHeartbeat.objects.filter(hostname=worker.hostname).delete()
        except Exception:  # noqa: BLE001 - shutting down: the row then just goes silent
            log.warning("heartbeat: could not remove %s", worker.hostname, exc_info=True)

    def _beat(self, worker):
        try:
            heartbeat_write(worker.hostname, os.getpid(), self.started_at)
        except Exception:  # noqa: BLE001 - the database is down: try again next beat
            log.warning("heartbeat: could not write for %s", worker.hostname, exc_info=True)
        finally:
            connection.close()  # the timer thread's own connection; not kept between beats
