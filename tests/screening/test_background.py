"""Background behaviour through a real Celery worker (never eager mode)."""

from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from tests.factories import Cast
from tests.waiting import wait_for
from vetting.applications import services
from vetting.applications.models import Application, State
from vetting.clearances.models import Clearance
from vetting.notifications.models import Notification
from vetting.screening.lists import list_import
from vetting.screening.models import ScreeningHit

from .conftest import declare

DATA = Path(__file__).parent / "data"
# The worker needs committed rows; serialized rollback restores the sectors and
# role groups that data migrations created, which a flush would lose.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def worker(transactional_db):
    from vetting.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def test_submission_screens_in_the_background_then_starts_export_control_review(worker):
    list_import(actor=None, data=(DATA / "csl.csv").read_bytes(), fmt="csl")
    cast = Cast()
    app = cast.draft()
    declare(cast, app, "Reza Mohamad Karimi")
    services.application_submit(actor=cast.applicant, application_id=app.pk)
    wait_for(
        lambda: Application.objects.get(pk=app.pk).state == State.EXPORT_CONTROL_REVIEW,
        what="the screened application in export-control review",
    )
    run = Application.objects.get(pk=app.pk).screening_runs.get()
    assert run.hits.filter(subject_name="Reza Mohamad Karimi", status="pending").exists()


def test_a_new_list_version_suspends_a_cleared_organization_that_now_matches(worker):
    list_import(actor=None, data=(DATA / "csl.csv").read_bytes(), fmt="csl")
    cast = Cast()
    cast.org.legal_name = "Utility Grid Holdings Inc."
    cast.org.save(update_fields=["legal_name"])
    with transaction.atomic():  # the submit's start_review must not race walk_to
        app = cast.walk_to(State.APPROVED)
    clearance = Clearance.objects.get(application=app)
    assert clearance.state == "active"
    list_import(actor=None, data=(DATA / "csl_v2.csv").read_bytes(), fmt="csl")
    wait_for(
        lambda: Clearance.objects.get(pk=clearance.pk).state == "suspended",
        what="the clearance suspended by the re-screen",
    )
    clearance.refresh_from_db()
    assert clearance.state_reason == "screening_hit" and clearance.state_changed_by is None
    assert Notification.objects.filter(
        template_key="screening_hit", recipient=cast.officer
    ).exists()
    # The first import's re-screening may also have reached the new clearance (a run
    # with no hit, v1 does not list it): the hit is the second list's.
    runs = clearance.screening_runs.all()
    hit = ScreeningHit.objects.get(run__in=runs)
    assert hit.matched_name == "Utility Grid Holdings"
