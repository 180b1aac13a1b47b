"""Outbox delivery with a real worker process and a real SMTP server on loopback."""

import pytest
from django.db import transaction

from vetting.applications import review
from vetting.applications.models import State
from vetting.celery import app
from vetting.clearances.models import Clearance
from vetting.notifications.models import Notification
from vetting.notifications.tasks import sweep_outbox

from .support import BASE_URL, free_port, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def approved_mails(smtp):
    return smtp.with_subject("approved:")


def outbox_drained():
    wait_for(
        lambda: not Notification.objects.filter(status__in=["pending", "sending"]).exists(),
        what="an empty outbox",
    )


def test_an_approval_emails_the_applicant_with_serial_conditions_and_link(cast, smtp, start_worker):
    start_worker()
    app_ = cast.walk_to(State.GOVERNMENT_REVIEW)
    review.application_approve(
        no_conflict=True,
        actor=cast.government,
        application_id=app_.pk,
        rationale="Internal: checked with the agency liaison.",
    )
    [mail] = wait_for(lambda: approved_mails(smtp), what="the approval email")
    clearance = Clearance.objects.get(application=app_)
    assert mail["To"] == cast.applicant.email
    assert mail["Subject"] == (
        f"{app_.number} approved: {cast.org.legal_name} is cleared for {cast.model.name}"
    )
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for body in (text, html):
        assert clearance.serial in body
        assert "Usage is monitored." in body
        assert f"{BASE_URL}/apply/clearances/" in body
        # Never internal notes or citizenship data.
        assert "agency liaison" not in body
        assert "Alex Analyst" not in body and "us_citizen" not in body
    outbox_drained()  # the row is marked just after the server's reply
    row = Notification.objects.get(template_key="application_approved")
    assert (row.status, row.attempts) == ("sent", 1)


def test_a_rolled_back_approval_sends_nothing(cast, smtp, start_worker):
    start_worker()
    app_ = cast.walk_to(State.GOVERNMENT_REVIEW)
    with pytest.raises(RuntimeError), transaction.atomic():
        review.application_approve(no_conflict=True, actor=cast.government, application_id=app_.pk)
        raise RuntimeError("the request failed after the decision")
    assert not Notification.objects.filter(template_key="application_approved").exists()
    # The same decision, committed this time, is emailed; only once in all.
    review.application_approve(no_conflict=True, actor=cast.government, application_id=app_.pk)
    wait_for(lambda: approved_mails(smtp), what="the committed approval email")
    outbox_drained()
    assert len(approved_mails(smtp)) == 1


def _point_broker_at(url):
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def test_a_decision_committed_while_the_broker_is_down_is_delivered_by_the_sweeper(
    cast, smtp, start_worker
):
    app_ = cast.walk_to(State.GOVERNMENT_REVIEW)
    real_broker = app.conf.broker_url
    _point_broker_at(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    try:
        review.application_approve(no_conflict=True, actor=cast.government, application_id=app_.pk)
    finally:
        _point_broker_at(real_broker)
    row = Notification.objects.get(template_key="application_approved")
    assert row.status == "pending"
    start_worker()
    sweep_outbox.delay()
    wait_for(lambda: approved_mails(smtp), what="the approval email after the outage")
    outbox_drained()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
    assert len(approved_mails(smtp)) == 1


def test_a_transient_smtp_error_twice_is_retried_and_delivered_on_the_third_try(
    cast, smtp, start_worker
):
    start_worker()
    app_ = cast.walk_to(State.GOVERNMENT_REVIEW)
    outbox_drained()
    smtp.data_replies[cast.applicant.email] = [
        "451 4.3.0 Mailbox busy, try again",
        "421 4.7.0 Too busy",
    ]
    review.application_approve(no_conflict=True, actor=cast.government, application_id=app_.pk)
    wait_for(lambda: approved_mails(smtp), what="the approval email")
    outbox_drained()
    row = Notification.objects.get(template_key="application_approved")
    assert (row.status, row.attempts) == ("sent", 3)
    assert smtp.data_replies[cast.applicant.email] == []
    assert len(approved_mails(smtp)) == 1


def test_a_permanent_smtp_error_marks_the_row_failed_without_retrying(cast, smtp, start_worker):
    start_worker()
    app_ = cast.walk_to(State.GOVERNMENT_REVIEW)
    outbox_drained()
    smtp.refuse[cast.applicant.email] = "550 5.1.1 No such user here"
    review.application_approve(no_conflict=True, actor=cast.government, application_id=app_.pk)
    row = Notification.objects.get(template_key="application_approved")
    wait_for(lambda: Notification.objects.get(pk=row.pk).status == "failed", what="the row to fail")
    row.refresh_from_db()
    assert row.attempts == 1
    assert "550" in row.last_error and "No such user" in row.last_error
    # A later message goes through; the refused one was never tried again.
    rcpts = smtp.rcpt_count
    smtp.refuse.clear()
    sweep_outbox.delay()
    outbox_drained()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    assert smtp.rcpt_count == rcpts
    assert approved_mails(smtp) == []
