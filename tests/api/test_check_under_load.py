"""Revocation under load and failing closed, on PostgreSQL and Redis (the production
pair): other threads and another process keep calling the check while a clearance
is revoked, the cache is unreachable, or the database is."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client

from tests.factories import Cast
from vetting.api import freshness, keys
from vetting.api.keys import gateway_key_create
from vetting.clearances import services as clearance_services

# Seconds after commit from which no check may allow: the design bound. A sample's
# time is when its request was sent, so a slow answer cannot blur it.
BOUND = freshness.MAX_AGE
RUN_FOR = 4.0


def _check(client, clearance, key, **headers):
    return client.get(
        "/api/v1/check",
        {"organization": clearance.organization_id, "model": clearance.gated_model.slug},
        headers={"Authorization": f"Bearer {key}", **headers},
    )


def worker_process(clearance, key, settings, run_for=RUN_FOR, **env):
    """Another process asking the check in a loop (check_worker.py); ``env`` adds to
    its environment (e.g. REDIS_URL)."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"),
        "PYTHONPATH": str(Path.cwd()),
        **env,
    }
    script = Path(__file__).with_name("check_worker.py")
    process = subprocess.Popen(  # noqa: S603 - our own script
        [
            sys.executable,
            str(script),
            str(clearance.organization_id),
            clearance.gated_model.slug,
            key,
            str(run_for),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout.readline().strip() == "ready"
    return process


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_check_allows_later_than_max_age_after_revocation(settings):
    cast = Cast()
    clearance = cast.walk_to("approved").clearance
    _, key = gateway_key_create(actor=cast.officer, name="Load", gated_model_ids=[cast.model.pk])
    other = worker_process(clearance, key, settings)
    samples, stop = [], threading.Event()

    def hammer():
        client = Client()
        try:
            while not stop.is_set():
                sent = time.time()
                body = _check(client, clearance, key).json()
                samples.append((sent, body["cleared"]))
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    committed = {}
    with transaction.atomic():
        clearance_services.clearance_revoke(
            actor=cast.officer, clearance_id=clearance.pk, reason="Misuse confirmed."
        )
        transaction.on_commit(lambda: committed.setdefault("at", time.time()))
    time.sleep(RUN_FOR - 1.0)
    stop.set()
    for thread in threads:
        thread.join()
    remote = json.loads(other.communicate(timeout=30)[0].splitlines()[-1])
    connection.close()

    statuses = {status for _, _, status in remote}
    assert statuses == {200}, statuses
    remote = [(t, ok) for t, ok, _ in remote]
    everything = samples + remote
    late_allows = [
        t - committed["at"] for t, ok in everything if ok and t > committed["at"] + BOUND
    ]
    assert late_allows == []
    assert any(ok for t, ok in remote if t < committed["at"])  # the other process was cleared
    assert any(not ok for t, ok in remote)  # ...and then saw the revocation
    assert any(ok for t, ok in samples) and not samples[-1][1]


@pytest.mark.django_db
def test_with_the_cache_unreachable_the_api_answers_from_the_database(settings, client):
    cast = Cast()
    clearance = cast.walk_to("approved").clearance
    _, key = gateway_key_create(actor=cast.officer, name="GW", gated_model_ids=[cast.model.pk])
    assert _check(client, clearance, key).json()["cleared"] is True
    # A closed port: what a crashed Redis looks like to the client.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    time.sleep(freshness.MAX_AGE)  # what was kept lapses
    keys._last_noted.clear()  # and the key's use is due to be recorded (in the cache)
    assert _check(client, clearance, key).json()["cleared"] is True
    clearance_services.clearance_suspend(
        actor=cast.officer, clearance_id=clearance.pk, reason="Under investigation."
    )
    body = _check(client, clearance, key).json()
    assert (body["cleared"], body["reason"]) == (False, "suspended")
    status_list = client.get("/api/v1/status-list", headers={"Authorization": f"Bearer {key}"})
    assert status_list.status_code == 200 and status_list.json()["status_list"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_database_unreachable_the_check_fails_closed(client):
    cast = Cast()
    clearance = cast.walk_to("approved").clearance
    _, key = gateway_key_create(actor=cast.officer, name="GW", gated_model_ids=[cast.model.pk])
    assert _check(client, clearance, key).json()["cleared"] is True
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = 9  # nothing listens there
    try:
        fresh = _check(client, clearance, key, **{"Cache-Control": "no-cache"})
        assert fresh.status_code == 503 and fresh.json()["cleared"] is False
        freshness.forget()  # what was kept lapses: every answer must be recomputed
        assert _check(client, clearance, key).status_code == 503
        sync = client.get("/api/v1/clearances", headers={"Authorization": f"Bearer {key}"})
        assert sync.status_code == 503
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
