"""The check's database path on PostgreSQL: the ORM's SQL compiled once
(vetting/api/compiled.py) gives the ORM's rows, and a dead connection is replaced in
place without a failed check."""

import time

import psycopg
import pytest
from django.db import connection

from tests.factories import Cast
from vetting.api.keys import gateway_key_create

pytestmark = pytest.mark.postgres

NO_CACHE = {"Cache-Control": "no-cache"}


def _check(client, clearance, key, **headers):
    return client.get(
        "/api/v1/check",
        {"organization": clearance.organization_id, "model": clearance.gated_model.slug},
        headers={"Authorization": f"Bearer {key}", **headers},
    )


@pytest.mark.django_db
def test_the_compiled_reads_give_what_the_orm_gives(cleared, cast, gateway_key):
    from vetting.api import decision, keys

    cast.org.uei = "ABC123DEF456"
    cast.org.save()
    for org in (("id", cleared.organization_id), ("uei", "ABC123DEF456"), ("id", 10**12)):
        compiled = decision.clearances_for(org, cast.model.pk)
        orm = list(decision._CLEARANCES[org[0]].build(org[1], cast.model.pk))
        assert [tuple(row) for row in compiled] == orm
    assert [c.serial for c in decision.clearances_for(("uei", "ABC123DEF456"), cast.model.pk)] == [
        cleared.serial
    ]
    assert (
        decision.clearances_for(("id", cleared.organization_id), cast.model.pk)[0].expires_at
        == cleared.expires_at
    )  # an aware datetime, as the ORM gives it
    info = keys._read_key(keys.hash_key(gateway_key))
    assert info.kind == "gateway" and info.model_ids == {cast.model.pk}
    assert keys._read_key(keys.hash_key("vk_00000000_unknown")) is False
    assert decision._read_models()[cast.model.slug].id == cast.model.pk


@pytest.mark.django_db(transaction=True)
def test_a_dropped_database_connection_is_replaced_without_a_failed_check(client):
    cast = Cast()
    clearance = cast.walk_to("approved").clearance
    _, key = gateway_key_create(actor=cast.officer, name="GW", gated_model_ids=[cast.model.pk])
    assert _check(client, clearance, key, **NO_CACHE).json()["cleared"] is True
    pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        host=db["HOST"],
        port=db["PORT"] or 5432,
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
            time.sleep(0.01)

    response = _check(client, clearance, key, **NO_CACHE)

    assert response.status_code == 200 and response.json()["cleared"] is True
    assert connection.connection.info.backend_pid != pid
