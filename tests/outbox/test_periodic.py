"""Daily jobs (expiry reminders, the review-deadline digest) are outbox jobs: beat's
task queues today's run once, and a day beat missed is queued by the sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from vetting.applications.digests import DEADLINE_DIGEST
from vetting.applications.tasks import send_review_deadline_digest
from vetting.clearances.reminders import EXPIRY_REMINDERS
from vetting.clearances.tasks import send_expiry_reminders
from vetting.outbox.models import Job
from vetting.outbox.services import consistency_sweep, job_run

pytestmark = pytest.mark.django_db


def test_beats_task_queues_one_run_a_day_and_the_run_does_the_work():
    first = f"{timezone.now():%Y-%m-%d}"
    send_review_deadline_digest()
    send_review_deadline_digest()  # beat twice the same day (two beats, a retry)
    send_expiry_reminders()
    days = {first, f"{timezone.now():%Y-%m-%d}"}  # two only if midnight fell in between
    digests = Job.objects.filter(kind=DEADLINE_DIGEST)
    assert {job.dedupe_key for job in digests} == {f"{DEADLINE_DIGEST}:{d}" for d in days}
    assert Job.objects.filter(kind=EXPIRY_REMINDERS).count() == 1
    assert job_run(job_id=digests.first().pk) == "done"


def test_a_day_beat_missed_is_queued_by_the_consistency_sweep():
    send_expiry_reminders()
    send_review_deadline_digest()
    # The last runs were two days ago: beat's runs since then never reached a worker.
    then = timezone.now() - timedelta(days=2)
    for job in Job.objects.all():
        job.created_at, job.status = then, "done"
        job.dedupe_key = f"{job.kind}:{then:%Y-%m-%d}"
        job.save()
    found = consistency_sweep().found
    assert found["outbox.periodic_runs_missed"] == 2
    today = f"{timezone.now():%Y-%m-%d}"
    assert Job.objects.filter(dedupe_key=f"{EXPIRY_REMINDERS}:{today}").exists()
    assert Job.objects.filter(dedupe_key=f"{DEADLINE_DIGEST}:{today}").exists()
    assert consistency_sweep().found["outbox.periodic_runs_missed"] == 0
    assert Job.objects.count() == 4


def test_a_periodic_job_that_never_ran_is_not_caught_up_on_a_fresh_install():
    assert consistency_sweep().found["outbox.periodic_runs_missed"] == 0
    assert not Job.objects.exists()
