"""One request id from the web request to the audit trail and the background work it
queued: the submission's audit event, the worker's log lines (JSON) for the task the
submission queued, and the audit events that task writes all carry it."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.console.conftest import verified_client
from tests.factories import Cast
from tests.waiting import wait_for
from vetting.applications.models import Application, State
from vetting.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_submission_and_the_review_it_starts_share_one_request_id(start_worker):
    worker = start_worker(LOG_FORMAT="json")
    cast = Cast()
    app = cast.draft()
    cast.applicant.email_verified_at = timezone.now()
    cast.applicant.save(update_fields=["email_verified_at"])
    client = Client()
    client.force_login(cast.applicant)

    response = client.post(f"/apply/applications/{app.pk}/submit/")
    assert response.status_code == 302, response.content.decode()[:500]
    submitted = AuditEvent.objects.get(action="application.submitted", object_id=str(app.pk))
    request_id = submitted.request_id
    assert len(request_id) == 36  # a UUID made for this request

    wait_for(
        lambda: Application.objects.get(pk=app.pk).state != State.SUBMITTED,
        what="the review started by the worker",
    )
    by_task = AuditEvent.objects.filter(object_id=str(app.pk), id__gt=submitted.id)
    assert by_task.exists()
    assert set(by_task.values_list("request_id", flat=True)) == {request_id}

    lines = []
    for line in worker.output:
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue
    assert lines, "".join(worker.output[-20:])  # the worker logs JSON
    for_task = [line for line in lines if line.get("request_id") == request_id]
    assert any("task_id" in line for line in for_task), lines[-10:]

    # Support quotes the id from a log line; the console's audit search finds its events.
    page = verified_client(cast.auditor).get("/admin/audit/auditevent/", {"q": request_id})
    assert page.status_code == 200
    listed = {row.pk for row in page.context["cl"].result_list}
    assert listed == {submitted.pk, *by_task.values_list("pk", flat=True)}


def test_an_audit_event_outside_a_request_has_no_request_id(db):
    cast = Cast()
    cast.walk_to(State.SUBMITTED)
    assert set(AuditEvent.objects.values_list("request_id", flat=True)) == {""}
