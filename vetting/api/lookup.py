"""The check's one database query: an organization's clearances for a model.

The SQL is generated once by the ORM (so it follows the model) and, on PostgreSQL,
run as a server-side prepared statement on the persistent connection: on a
two-core machine planning this query costs more than running it, and the ORM's
query building costs more than both. Two further round trips are avoided:

- Django's per-request connection health check (``CONN_HEALTH_CHECKS``, a
  ``SELECT 1`` before the first query of each request) is not run; instead a
  query that fails because the connection died (a restarted database, a closed
  idle connection) is retried once on a new connection. A read is safe to retry.
- No transaction is opened (the connection is in autocommit).

Other databases (SQLite, the embedded default) run the same query through the ORM.
"""

import time
from collections import namedtuple
from functools import cache

from django.db import InterfaceError, OperationalError, connection

from vetting.clearances.models import Clearance

FIELDS = (
    "serial",
    "state",
    "issued_at",
    "expires_at",
    "seats",
    "conditions",
    "sector_id",
    "organization_id",
    "status_index",
)
# What ``vetting.clearances.selectors.evaluate`` and the answer read of a clearance.
ClearanceRow = namedtuple("ClearanceRow", FIELDS)

_BY = {"id": "organization_id", "uei": "organization__uei"}
_ORG_SENTINEL = {"id": -424242, "uei": "SENTINEL-UEI"}
_MODEL_SENTINEL = -434343


def _queryset(by: str, organization, model_id: int):
    return Clearance.objects.filter(
        **{_BY[by]: organization, "gated_model_id": model_id}
    ).values_list(*FIELDS)


@cache
def _compiled(by: str) -> tuple[str, tuple[int, ...]]:
    """The SQL for an organization given ``by`` id or UEI, and where in its
    parameters the organization (0) and the model (1) go."""
    sql, params = _queryset(by, _ORG_SENTINEL[by], _MODEL_SENTINEL).query.sql_with_params()
    slots = {_ORG_SENTINEL[by]: 0, _MODEL_SENTINEL: 1}
    return sql, tuple(slots[p] for p in params)


def _run_prepared(sql: str, params: tuple) -> list[ClearanceRow]:
    import psycopg  # only on PostgreSQL

    # Not connection.cursor(): that would run the health check round trip.
    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        # A server-binding cursor: Django's own bind client-side and never prepare.
        # psycopg prepares it once per connection, unless DB_PREPARED_STATEMENTS=false.
        cursor.execute(sql, params, prepare=True)
        rows = [ClearanceRow._make(row) for row in cursor.fetchall()]
    if connection.queries_logged:  # DEBUG, or assertNumQueries / CaptureQueriesContext
        connection.queries_log.append(
            {"sql": f"{sql} -- {params!r}", "time": f"{time.monotonic() - started:.3f}"}
        )
    return rows


def clearances_for(org: tuple[str, int | str], model_id: int) -> list[ClearanceRow]:
    """The organization's clearances (any state) for the model; ``org`` is
    ("id", 42) or ("uei", "ABC...") as parsed by the check."""
    by, value = org
    if connection.vendor != "postgresql":
        return [ClearanceRow._make(row) for row in _queryset(by, value, model_id)]
    sql, slots = _compiled(by)
    params = tuple((value, model_id)[slot] for slot in slots)
    try:
        return _run_prepared(sql, params)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise  # a transaction cannot move to a new connection
        connection.close()
        return _run_prepared(sql, params)
