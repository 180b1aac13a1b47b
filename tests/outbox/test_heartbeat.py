"""Every staff member is told when no background worker has been heard from; the
operator's /readyz says so without taking the site out of rotation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.console.conftest import verified_client
from tests.factories import make_user
from vetting.accounts.roles import Role
from vetting.outbox.heartbeat import heartbeat_write, workers_status
from vetting.outbox.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def beat(seconds_ago: float, hostname="celery@host-a"):
    heartbeat_write(hostname, 4242, timezone.now() - timedelta(hours=1))
    WorkerHeartbeat.objects.filter(hostname=hostname).update(
        seen_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


def test_a_worker_heard_within_the_minute_is_alive_and_an_older_one_silent(settings):
    settings.WORKER_SILENT_AFTER_SECONDS = 60
    assert workers_status()["silent"] is True  # none ever
    beat(59)
    assert [w.hostname for w in workers_status()["alive"]] == ["celery@host-a"]
    beat(61)
    status = workers_status()
    assert status["silent"] is True
    assert status["last_seen"] == WorkerHeartbeat.objects.get().seen_at


@pytest.mark.parametrize("role", [Role.SECTOR_REVIEWER, Role.CLEARANCE_OFFICER])
def test_the_console_warns_every_reviewer_when_no_worker_is_heard(role):
    client = verified_client(make_user(f"{role.name.lower()}@agency.gov", role=role))
    beat(300)
    page = client.get("/admin/").content.decode()
    assert 'id="dashboard-no-worker"' in page
    assert "No background worker has been heard" in page

    beat(1)
    assert 'id="dashboard-no-worker"' not in client.get("/admin/").content.decode()


def test_the_background_panel_names_the_running_workers():
    client = verified_client(make_user("officer@agency.gov", role=Role.CLEARANCE_OFFICER))
    beat(1)
    page = client.get("/admin/").content.decode()
    assert "celery@host-a (pid 4242, up 1" in page


def test_readyz_reports_a_silent_worker_but_stays_ready(client):
    beat(300)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["workers"] == "none heard from"
    beat(1)
    assert client.get("/readyz").json()["workers"] == "1 running"
