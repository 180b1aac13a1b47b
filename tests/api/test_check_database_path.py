"""The check's database path on PostgreSQL: a prepared statement on the persistent
connection, no per-request health check, and a dead connection replaced in place."""

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


def _prepared_check_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall() if "clearances_clearance" in row[0]]


@pytest.mark.django_db
def test_the_check_query_is_prepared_once_per_connection(gateway, cleared, cast):
    for _ in range(3):
        response = gateway.client.get(
            "/api/v1/check",
            {"organization": cleared.organization_id, "model": cast.model.slug},
            headers={"Authorization": f"Bearer {gateway.key}", **NO_CACHE},
        )
        assert response.json()["cleared"] is True
    assert len(_prepared_check_statements()) == 1


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
