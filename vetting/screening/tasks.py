"""Background screening work. Tasks take ids and call services."""

from celery import shared_task

from . import domains


@shared_task(time_limit=300, soft_time_limit=270)
def recheck_verified_domains() -> int:
    """Periodic: resolve every verified domain's challenge again; a record that is gone
    un-verifies the domain. Side effects: those of domain_challenge_check."""
    return domains.recheck_verified_domains()
