"""Background work of the outbox. Running a job is idempotent (a conditional
claim; handlers leave done work alone), so tasks acknowledge late."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=600, soft_time_limit=590)
def run_job(job_id: int) -> str:
    """Run one job (``services.job_run``); dispatch sets the handler's own time limit."""
    return services.job_run(job_id=job_id)


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def consistency_sweep() -> dict:
    """Every minute: recover abandoned and lost jobs, then find work nobody queued
    (applications left submitted, list versions not re-screened) and re-drive it.
    Side effects: job rows, run tasks, a report row."""
    return services.consistency_sweep().found
