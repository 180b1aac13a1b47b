"""What the outbox can run, registered by the apps that own the work.

``@job("applications.start_review")`` on a function of keyword arguments makes it
a durable job (``services.job_enqueue``); ``@consistency_check("...")`` on a
function returning how many things it found stuck (and re-drove) makes it part
of the periodic consistency sweep. Both are imported by each app's ``ready()``,
so the outbox imports no domain code.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Handler:
    kind: str
    run: Callable[..., object]
    max_attempts: int = 5
    time_limit: int = 600  # seconds; the lease is longer
    retry_base_seconds: float = 30.0


JOBS: dict[str, Handler] = {}
CHECKS: dict[str, Callable[[], int]] = {}
# kind -> the CELERY_BEAT_SCHEDULE entry (a crontab) that queues it daily: the
# consistency sweep queues a run beat missed (the broker was down at its time).
PERIODIC: dict[str, str] = {}


def job(kind: str, *, beat_entry: str | None = None, **options):
    def register(run):
        JOBS[kind] = Handler(kind=kind, run=run, **options)
        if beat_entry:
            PERIODIC[kind] = beat_entry
        return run

    return register


def consistency_check(name: str):
    def register(check):
        CHECKS[name] = check
        return check

    return register


def handler(kind: str) -> Handler | None:
    return JOBS.get(kind)
