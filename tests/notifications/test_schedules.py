"""Scheduled jobs: clearance expiry (with a real worker), expiry reminders, the
review-deadline digest. Each is idempotent."""

import time

import pytest

from tests.factories import Cast, make_model
from vetting.applications.models import State
from vetting.audit.models import AuditEvent
from vetting.clearances.models import Clearance
from vetting.clearances.tasks import expire_due_clearances
from vetting.notifications.models import Notification

from .support import wait_for


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_expiry_runs_expire_each_clearance_once_with_one_email(smtp, start_worker):
    cast = Cast(make_model(clearance_validity_days=0))  # expires the moment it is issued
    for _ in range(3):
        cast.walk_to(State.APPROVED)
    assert Clearance.objects.filter(state="active").count() == 3
    start_worker(concurrency=2)
    expire_due_clearances.delay()
    expire_due_clearances.delay()
    wait_for(lambda: len(smtp.with_subject("has expired")) >= 3, what="three expiry emails")
    wait_for(
        lambda: not Notification.objects.filter(status__in=["pending", "sending"]).exists(),
        what="an empty outbox",
    )
    time.sleep(1)
    assert len(smtp.with_subject("has expired")) == 3
    assert Clearance.objects.filter(state="expired").count() == 3
    assert AuditEvent.objects.filter(action="clearance.expired").count() == 3
    assert {m["To"] for m in smtp.with_subject("has expired")} == {cast.applicant.email}


@pytest.mark.django_db
def test_expiry_reminders_go_out_at_30_7_and_1_days_each_once(settings):
    from datetime import timedelta

    from vetting.clearances.reminders import expiry_reminders_enqueue

    cast = Cast(make_model(clearance_validity_days=40))
    cast.walk_to(State.APPROVED)
    clearance = Clearance.objects.get()
    reminders = Notification.objects.filter(template_key="clearance_expiring")

    def run(days_left):
        expiry_reminders_enqueue(now=clearance.expires_at - timedelta(days=days_left))

    run(35)
    assert reminders.count() == 0
    run(29)
    run(20)  # the same 30-day reminder: not queued again
    run(6.5)
    run(0.5)
    run(0.2)
    assert sorted(r.context["days"] for r in reminders) == [1, 7, 30]
    assert {r.recipient_email for r in reminders} == {cast.applicant.email}


@pytest.mark.django_db
def test_the_deadline_digest_is_one_email_per_reviewer_listing_every_late_application(settings):
    from vetting.applications.digests import review_deadline_digest_enqueue

    settings.REVIEW_DEADLINE_BUSINESS_DAYS = 0  # everything waiting is late
    cast = Cast()
    first = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    second = cast.walk_to(State.EXPORT_CONTROL_REVIEW)
    review_deadline_digest_enqueue()
    review_deadline_digest_enqueue()  # the same day again: nothing more
    digests = Notification.objects.filter(template_key="review_deadline_digest")
    [digest] = digests
    assert digest.recipient == cast.export
    assert {item["number"] for item in digest.context["items"]} == {first.number, second.number}
    assert digest.context["count"] == 2
