"""The outbox engine on its own table: queue in the transaction, run once, retry
with backoff, dead-letter, sweep, and re-drive by an officer only."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tests.factories import Cast, make_user
from vetting.accounts.roles import Role
from vetting.audit.models import AuditEvent
from vetting.errors import InvalidState, NotPermitted
from vetting.outbox import registry
from vetting.outbox.models import Job
from vetting.outbox.services import JOBS, job_enqueue, job_redrive, job_run, jobs_sweep

pytestmark = pytest.mark.django_db

RAN: list[dict] = []


@pytest.fixture(autouse=True)
def test_jobs():
    """Two handlers of this test's own: one that works, one that always fails."""
    RAN.clear()

    def works(**args):
        RAN.append(args)

    def breaks(**args):
        raise RuntimeError("the list server answered 503")

    registry.job("tests.works")(works)
    registry.job("tests.breaks", max_attempts=3, retry_base_seconds=0.01)(breaks)
    yield
    registry.JOBS.pop("tests.works")
    registry.JOBS.pop("tests.breaks")


def enqueue(kind, key=None, **args) -> Job:
    with transaction.atomic():
        job_enqueue(kind, key=key, **args)
    return Job.objects.filter(kind=kind).latest("id")


@pytest.mark.django_db(transaction=True)
def test_a_job_is_written_only_inside_the_transaction_that_causes_it():
    with pytest.raises(RuntimeError, match="in the transaction"):
        job_enqueue("tests.works", x=1)
    unknown = pytest.raises(ValueError, match="no job is registered as 'tests.nothing'")
    with unknown, transaction.atomic():
        job_enqueue("tests.nothing")
    assert not Job.objects.exists()


def test_a_rolled_back_cause_leaves_no_job():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        job_enqueue("tests.works", x=1)
        1 / 0  # noqa: B018 - the cause fails after queueing
    assert not Job.objects.exists()


def test_the_same_cause_queues_one_job():
    enqueue("tests.works", key="submission-7", x=1)
    enqueue("tests.works", key="submission-7", x=2)
    assert Job.objects.get().args == {"x": 1}


def test_a_job_runs_once_with_its_arguments():
    job = enqueue("tests.works", x=1)
    assert job_run(job_id=job.pk) == "done"
    assert job_run(job_id=job.pk) == "skipped"  # a redelivered task
    job.refresh_from_db()
    assert (job.status, job.attempts, RAN) == ("done", 1, [{"x": 1}])
    assert job.finished_at is not None


def test_a_failing_job_retries_with_backoff_then_is_dead_lettered():
    job = enqueue("tests.breaks")
    assert job_run(job_id=job.pk) == "retry"
    job.refresh_from_db()
    assert job.status == "pending" and "503" in job.last_error
    assert job.next_attempt_at > timezone.now() - timedelta(seconds=1)
    assert job_run(job_id=job.pk) in {"retry", "skipped"}  # not due yet, or due
    Job.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
    while job_run(job_id=job.pk) != "failed":
        Job.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 3)
    assert job_run(job_id=job.pk) == "skipped"  # dead stays dead


def test_a_job_of_a_kind_no_longer_registered_fails_with_the_reason():
    job = enqueue("tests.works")
    Job.objects.filter(pk=job.pk).update(kind="tests.gone")
    assert job_run(job_id=job.pk) == "failed"
    assert "No job is registered as 'tests.gone'" in Job.objects.get(pk=job.pk).last_error


def test_the_sweep_recovers_a_dead_workers_claim_and_finds_lost_tasks(settings):
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 0
    running = enqueue("tests.works", key="a")
    lost = enqueue("tests.works", key="b")
    long_ago = timezone.now() - timedelta(seconds=JOBS.lease_seconds() + 5)
    Job.objects.filter(pk=running.pk).update(status="running", claimed_at=long_ago, attempts=1)
    Job.objects.filter(pk=lost.pk).update(next_attempt_at=long_ago)
    assert jobs_sweep() == {"failed": 0, "recovered": 1, "due": 2}
    assert Job.objects.get(pk=running.pk).status == "pending"
    # A live claim (within its lease) is never taken over.
    Job.objects.filter(pk=running.pk).update(status="running", claimed_at=timezone.now())
    assert jobs_sweep()["recovered"] == 0


def test_only_an_officer_re_drives_a_dead_job_and_it_is_audited():
    cast = Cast()
    job = enqueue("tests.breaks")
    Job.objects.filter(pk=job.pk).update(status="failed", attempts=3, last_error="503")
    for outsider in (cast.auditor, cast.applicant, make_user(role=Role.EXPORT_CONTROL_REVIEWER)):
        with pytest.raises(NotPermitted):
            job_redrive(actor=outsider, job_id=job.pk)
    assert Job.objects.get(pk=job.pk).status == "failed"
    job_redrive(actor=cast.officer, job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("pending", 0)
    event = AuditEvent.objects.get(action="outbox.job_redriven")
    assert event.actor == cast.officer and event.data["last_error"] == "503"
    with pytest.raises(InvalidState, match="Only failed jobs"):
        job_redrive(actor=cast.officer, job_id=job.pk)
