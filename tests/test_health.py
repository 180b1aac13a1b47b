"""/healthz answers while the process lives; /readyz says which dependency fails."""

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db


def test_both_answer_ok_when_everything_is_up(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert set(ready.json()["checks"]) == {"database", "cache", "broker"}
    assert ready["Cache-Control"].startswith("max-age=0")


def test_an_unreachable_broker_is_a_503_naming_it(client, monkeypatch):
    from vetting.celery import app

    nowhere = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    # Celery reads CELERY_BROKER_URL from the environment before its own setting.
    monkeypatch.setenv("CELERY_BROKER_URL", nowhere)
    monkeypatch.setitem(app.conf, "broker_url", nowhere)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "failed"
    assert response.json()["checks"]["database"].startswith("ok")
    assert client.get("/healthz").status_code == 200  # alive, just not ready


def test_an_unapplied_migration_is_a_503_naming_the_database(client):
    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="applications").order_by("-id").first()
    latest.delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "failed"


def test_only_get(client):
    assert client.post("/readyz").status_code == 405
