"""Queueing, running, sweeping and re-driving durable jobs (``models.Job``)."""

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vetting import permissions
from vetting.audit.services import audit_record
from vetting.errors import InvalidState
from vetting.permissions import Action

from . import registry
from .lease import Queue, backoff_seconds
from .models import ConsistencyReport, Job

log = logging.getLogger(__name__)
Status = Job.Status


def _lease_seconds() -> float:
    longest = max((h.time_limit for h in registry.JOBS.values()), default=600)
    return longest * 1.5 + 1


JOBS = Queue(
    name="Jobs",
    model=Job,
    working=Status.RUNNING,
    lease_seconds=_lease_seconds,
    sweep_after_seconds=lambda: settings.OUTBOX_SWEEP_AFTER_SECONDS,
)


def job_enqueue(kind: str, *, key: str | None = None, **args) -> None:
    """Write a job row in the current transaction; after commit, hand it to a worker.

    ``key`` names its cause (a submission, a list version): the same kind and key
    never queue a second job. ``args`` are JSON keyword arguments of the handler.
    A broker that is down at commit only delays the job (the sweep re-dispatches).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("jobs are written in the transaction that causes them")
    if registry.handler(kind) is None:
        raise ValueError(f"no job is registered as {kind!r}")
    dedupe_key = f"{kind}:{key or uuid.uuid4().hex}"[:255]
    job, created = Job.objects.get_or_create(
        dedupe_key=dedupe_key, defaults={"kind": kind, "args": args}
    )
    if created:
        transaction.on_commit(lambda: dispatch([job.pk]), robust=True)


def dispatch(ids) -> None:
    """Queue one run task per id, with its handler's time limit; stop at the first
    broker error (the sweep picks up the rest, so an outage costs one timeout, not
    one per row)."""
    from .tasks import run_job

    kinds = dict(Job.objects.filter(pk__in=list(ids)).values_list("pk", "kind"))
    for pk in ids:
        handler = registry.handler(kinds.get(pk, ""))
        limit = handler.time_limit if handler else 60
        try:
            run_job.apply_async((pk,), time_limit=limit, soft_time_limit=max(limit - 10, 1))
        except Exception:  # kombu raises several types for "broker unreachable"
            log.warning("broker unreachable; %d job(s) left to the sweep", len(ids), exc_info=True)
            return


def job_run(*, job_id: int) -> str:
    """Run one due job if nobody else holds it. Returns ``done``, ``retry``,
    ``failed`` or ``skipped``. Side effects: the handler's, and the row's status;
    a failure is retried with backoff, and after the handler's ``max_attempts``
    the row stays ``failed`` (the dead letter) until an officer re-drives it."""
    claimed_at, claimed = JOBS.claim([job_id])
    if not claimed:
        return "skipped"
    job = Job.objects.get(pk=job_id)
    mine = JOBS.mine(job.pk, claimed_at)
    handler = registry.handler(job.kind)
    if handler is None:
        JOBS.give_up(mine, error=f"No job is registered as {job.kind!r}.")
        return "failed"
    try:
        handler.run(**job.args)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        log.warning("job %s (%s) failed on attempt %s", job.pk, job.kind, job.attempts)
        if job.attempts >= handler.max_attempts:
            JOBS.give_up(mine, error=error)
            log.error("job %s (%s) is dead after %s attempts", job.pk, job.kind, job.attempts)
            return "failed"
        delay = backoff_seconds(job.attempts, base=handler.retry_base_seconds)
        JOBS.retry_later(mine, delay=delay, error=error)
        _schedule(job.pk, delay)
        return "retry"
    mine.update(status=Status.DONE, finished_at=timezone.now(), last_error="")
    return "done"


def _schedule(pk: int, delay: float) -> None:
    from .tasks import run_job

    try:
        handler = registry.handler(Job.objects.get(pk=pk).kind)
        run_job.apply_async(
            (pk,),
            countdown=delay,
            time_limit=handler.time_limit,
            soft_time_limit=max(handler.time_limit - 10, 1),
        )
    except Exception:  # the sweep finds the row when it is due
        log.warning("could not schedule retry of job %s", pk, exc_info=True)


def jobs_sweep() -> dict:
    """Recover jobs a dead worker left running, dispatch those whose task was lost.
    Idempotent. Returns the counts."""
    killed = 0
    for kind, handler in registry.JOBS.items():  # a job that kills its worker each time
        killed += (
            JOBS.stale()
            .filter(kind=kind, attempts__gte=handler.max_attempts)
            .update(
                status=Status.FAILED,
                last_error="The worker stopped before it finished; no attempts left.",
            )
        )
    result = JOBS.sweep()
    result["failed"] += killed
    for pk in Job.objects.filter(pk__in=result["due"], attempts__gte=1).values_list("pk"):
        log.info("job %s re-dispatched by the sweep", pk[0])
    dispatch(result["due"])
    return {"failed": result["failed"], "recovered": result["recovered"], "due": len(result["due"])}


def consistency_sweep() -> ConsistencyReport:
    """Run every registered consistency check (work the domain expected to be done
    and is not: an application still submitted, a list version not re-screened)
    plus the outbox's own; each re-drives what it finds. Side effect: a report row
    (the last 100 are kept)."""
    found = {}
    for name, check in sorted(registry.CHECKS.items()):
        try:
            found[name] = int(check())
        except Exception:
            log.exception("consistency check %s failed", name)
            found[name] = -1
    report = ConsistencyReport.objects.create(found=found)
    old = ConsistencyReport.objects.values_list("pk", flat=True)[100:]
    ConsistencyReport.objects.filter(pk__in=list(old)).delete()
    return report


@registry.consistency_check("outbox.jobs_past_lease_or_lost")
def _jobs_stuck() -> int:
    result = jobs_sweep()
    return result["recovered"] + result["due"]


def periodic_enqueue(kind: str) -> None:
    """What beat's task for a periodic job does: queue today's run (once a day)."""
    with transaction.atomic():
        job_enqueue(kind, key=timezone.now().strftime("%Y-%m-%d"))


@registry.consistency_check("outbox.periodic_runs_missed")
def _periodic_missed() -> int:
    """Periodic jobs whose scheduled time passed since their last run without a new
    one (beat could not reach the broker then): queue the run now."""
    missed = 0
    for kind, entry in sorted(registry.PERIODIC.items()):
        schedule = settings.CELERY_BEAT_SCHEDULE[entry]["schedule"]
        last = (
            Job.objects.filter(kind=kind)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if last is not None and schedule.is_due(last).is_due:
            periodic_enqueue(kind)
            missed += 1
    return missed


@transaction.atomic
def job_redrive(*, actor, job_id: int) -> Job:
    """Give a dead-lettered job its attempts back and queue it (an officer, from the
    console). Side effects: audit event; after commit, a run task."""
    permissions.require(actor, Action.OUTBOX_REDRIVE)
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.status != Status.FAILED:
        raise InvalidState(f"Only failed jobs can be re-driven; this one is {job.status}.")
    audit_record(
        actor=actor,
        action="outbox.job_redriven",
        obj=job,
        data={"kind": job.kind, "attempts": job.attempts, "last_error": job.last_error[:500]},
    )
    job.status, job.attempts, job.claimed_at = Status.PENDING, 0, None
    job.next_attempt_at = timezone.now()
    job.save(update_fields=["status", "attempts", "claimed_at", "next_attempt_at"])
    transaction.on_commit(lambda: dispatch([job.pk]), robust=True)
    return job
