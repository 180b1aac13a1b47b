"""The check's reads, compiled by the ORM once and run through Django's cursor.

Building and compiling a queryset costs more than running it: on the 2-core
benchmark machine the clearance read takes 1.0 ms through the ORM and 0.37 ms as
the same SQL through Django's cursor (a ``SELECT 1`` round trip is 0.2 ms). A
worker runs each read once per freshness window, on the request that starts it,
so that cost is what the window's first request waits. The SQL still comes from
the ORM (so it follows the models), built once with sentinel values that mark
where each argument goes. Django's per-request connection health check
(``CONN_HEALTH_CHECKS``, a ``SELECT 1`` before a request's first query, another
0.2 ms) is not run; instead a read that fails because the connection died (a
restarted database, a closed idle connection) is retried once on a new connection.
On PostgreSQL only: other databases (SQLite, the embedded default) return rows
that need the ORM's converters, so they run the queryset itself.
"""

import time
from functools import cached_property

from django.db import InterfaceError, OperationalError, connection


class Compiled:
    """``build(*args)`` is a values_list queryset; ``rows(*args)`` its rows."""

    def __init__(self, build, *sentinels):
        self.build, self.sentinels = build, sentinels

    @cached_property
    def _sql(self) -> tuple[str, tuple[int, ...]]:
        sql, params = self.build(*self.sentinels).query.sql_with_params()
        return sql, tuple(self.sentinels.index(p) for p in params)

    def rows(self, *args) -> list[tuple]:
        if connection.vendor != "postgresql":
            return list(self.build(*args))
        sql, slots = self._sql
        params = [args[slot] for slot in slots]
        try:
            return _run(sql, params)
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block:
                raise  # a transaction cannot move to a new connection
            connection.close()
            return _run(sql, params)


def _run(sql: str, params: list) -> list[tuple]:
    # Not connection.cursor(): that would run the health check's round trip first.
    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.queries_logged:  # DEBUG, or assertNumQueries / CaptureQueriesContext
        connection.queries_log.append(
            {"sql": f"{sql} -- {params!r}", "time": f"{time.monotonic() - started:.3f}"}
        )
    return rows
