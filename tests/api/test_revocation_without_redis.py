"""Revocation is a database fact (issue 16): with Redis killed (a private
redis-server this test starts and kills), an officer revokes a clearance in the
console; it commits, and every worker — this process and another one, both of
which had kept the allow — denies from freshness.MAX_AGE after the commit on."""

import json
import shutil
import socket
import subprocess
import time

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.urls import reverse

from tests.api.test_check_under_load import _check, worker_process
from tests.console.conftest import verified_client
from tests.factories import Cast
from vetting.api import freshness
from vetting.api.keys import gateway_key_create
from vetting.clearances.models import Clearance, ClearanceState


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_redis(settings):
    """A redis-server of this test's own, as the cache of this process."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - a fixed local binary
        [shutil.which("redis-server"), "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    url = f"redis://127.0.0.1:{port}/0"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    yield server, url
    server.kill()
    server.wait()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_officer_revokes_with_redis_killed_and_every_worker_denies(settings, private_redis):
    server, url = private_redis
    cast = Cast()
    clearance = cast.walk_to("approved").clearance
    _, key = gateway_key_create(actor=cast.officer, name="GW", gated_model_ids=[cast.model.pk])
    console = verified_client(cast.officer)
    other = worker_process(clearance, key, settings, run_for=3.0, REDIS_URL=url)
    assert _check(console, clearance, key).json()["cleared"] is True  # kept here too
    time.sleep(0.5)  # the other process keeps allowing meanwhile

    server.kill()
    server.wait()
    commits = []

    def note_commit(instance, **kwargs):
        transaction.on_commit(lambda: commits.append((time.time(), instance.state)))

    post_save.connect(note_commit, sender=Clearance, dispatch_uid="test-note-commit")
    try:
        response = console.post(
            reverse("admin:clearances_clearance_change_state", args=[clearance.pk, "revoke"]),
            {"reason": "Misuse confirmed."},
        )
    finally:
        post_save.disconnect(dispatch_uid="test-note-commit", sender=Clearance)
    committed = next(at for at, state in commits if state == ClearanceState.REVOKED)

    assert response.status_code == 302, response.content[:500]
    assert Clearance.objects.get(pk=clearance.pk).state == ClearanceState.REVOKED
    body = _check(console, clearance, key).json()
    assert (body["cleared"], body["reason"]) == (False, "revoked")  # at once, here
    samples = json.loads(other.communicate(timeout=30)[0].splitlines()[-1])
    connection.close()
    assert {status for _, _, status in samples} == {200}  # no 503: the database answers
    assert any(ok for sent, ok, _ in samples if sent < committed - 0.5)
    bound = committed + freshness.MAX_AGE
    late = [sent - committed for sent, ok, _ in samples if ok and sent > bound]
    assert late == []
    assert not samples[-1][1]
