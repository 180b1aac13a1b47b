"""Dead-lettered background work in the console: counted on the index, listed,
re-driven by an officer through the admin action, refused to everyone else."""

import pytest
from django.db import transaction

from tests.console.conftest import verified_client
from tests.factories import Cast, make_user
from vetting.accounts.roles import Role
from vetting.audit.models import AuditEvent
from vetting.outbox.models import ConsistencyReport, Job
from vetting.outbox.services import consistency_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def dead(cast):
    application = cast.walk_to("submitted")
    job = Job.objects.get(kind="applications.start_review")
    Job.objects.filter(pk=job.pk).update(status="failed", attempts=8, last_error="Boom: 503")
    return application, job


@pytest.fixture
def cast():
    return Cast()


def redrive(client, job):
    return client.post(
        "/admin/outbox/job/",
        {"action": "redrive_failed", "_selected_action": [job.pk], "index": 0},
    )


def test_the_index_counts_dead_jobs_for_an_officer_and_not_for_a_reviewer(cast, dead):
    consistency_sweep()
    page = verified_client(cast.officer).get("/admin/").content.decode()
    assert "Background work" in page
    assert '/admin/outbox/job/?status__exact=failed">1</a>' in page
    assert "applications.left_submitted: 0" in page  # submitted just now: not stuck yet
    reviewer = make_user(role=Role.EXPORT_CONTROL_REVIEWER)
    assert "Background work" not in verified_client(reviewer).get("/admin/").content.decode()


def test_an_officer_re_drives_a_dead_job_from_its_list(cast, dead):
    _, job = dead
    client = verified_client(cast.officer)
    listing = client.get("/admin/outbox/job/?status__exact=failed").content.decode()
    assert "applications.start_review" in listing and "Boom: 503" in listing
    assert redrive(client, job).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("pending", 0)
    assert AuditEvent.objects.filter(action="outbox.job_redriven", actor=cast.officer).exists()


@pytest.mark.parametrize("who", ["auditor", "reviewer", "superuser"])
def test_no_one_else_re_drives_through_the_action(cast, dead, who):
    _, job = dead
    user = {
        "auditor": cast.auditor,
        "reviewer": make_user(role=Role.EXPORT_CONTROL_REVIEWER),
        "superuser": make_user(is_staff=True, is_superuser=True),
    }[who]
    response = redrive(verified_client(user), job)
    job.refresh_from_db()
    if who == "superuser":  # the operator may (permissions.OUTBOX_REDRIVE)
        assert job.status == "pending"
        return
    assert response.status_code in {200, 302, 403}
    assert job.status == "failed"
    assert not AuditEvent.objects.filter(action="outbox.job_redriven").exists()


def test_the_sweep_queues_a_start_for_an_application_left_submitted_without_one(cast, settings):
    settings.OUTBOX_STUCK_AFTER_SECONDS = 0
    application = cast.walk_to("submitted")
    Job.objects.all().delete()  # as if submitted before the outbox existed
    report = consistency_sweep()
    assert report.found["applications.left_submitted"] == 1
    job = Job.objects.get(kind="applications.start_review")
    assert job.args == {"application_id": application.pk}
    # Found again (still submitted) but not queued twice.
    assert consistency_sweep().found["applications.left_submitted"] == 1
    assert Job.objects.filter(kind="applications.start_review").count() == 1
    assert ConsistencyReport.objects.count() == 2


def test_the_sweep_finds_the_newest_list_not_re_screened(cast, settings):
    from pathlib import Path

    from vetting.screening.lists import list_import

    settings.OUTBOX_STUCK_AFTER_SECONDS = 0
    data = (Path(__file__).parents[1] / "screening" / "data" / "csl.csv").read_bytes()
    with transaction.atomic():
        version, _ = list_import(actor=None, data=data, fmt="csl")
    assert consistency_sweep().found["screening.list_not_rescreened"] == 1
    Job.objects.filter(dedupe_key=f"screening.rescreen_cleared:{version.pk}").update(status="done")
    assert consistency_sweep().found["screening.list_not_rescreened"] == 0


def test_a_pattern_lookup_in_the_query_string_is_a_400_not_a_500(cast):
    response = verified_client(cast.officer).get("/admin/outbox/job/?kind__regex=(")
    assert response.status_code == 400


def test_the_email_list_withholds_sign_in_links(cast):
    from vetting.notifications.models import Notification

    row = Notification.objects.create(
        recipient_email="new.official@agency.gov",
        template_key="staff_enrollment",
        context={
            "name": "Pat",
            "url_path": "/admin/enroll/SECRET-TOKEN/",
            "url": "https://vetting.test/admin/enroll/SECRET-TOKEN/",
        },
        dedupe_key="enroll-1",
    )
    for reader in (cast.auditor, cast.officer):
        page = verified_client(reader).get(f"/admin/notifications/notification/{row.pk}/change/")
        assert page.status_code == 200
        assert "SECRET-TOKEN" not in page.content.decode()
        assert "link withheld" in page.content.decode() and "Pat" in page.content.decode()
