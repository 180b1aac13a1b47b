"""Background work on the audit trail."""

from celery import shared_task

from . import checkpoints


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def write_checkpoint() -> int | None:
    """Sign the chain head into the checkpoint log (nothing if no event was added since
    the last checkpoint). Returns the new checkpoint's number."""
    written = checkpoints.write_checkpoint()
    return written["seq"] if written else None
