"""Health endpoints for the proxy, the process supervisor and the operator.

``/healthz``: the process answers (no dependency is touched, so a database outage
does not make a supervisor restart healthy web processes). ``/readyz``: this process
can serve: the database answers and has every migration applied, the cache answers,
the broker accepts a connection. A 503 names what failed, and nothing else (no
hosts, no error text: the endpoint is unauthenticated). ``workers`` says whether a
Celery worker has written its heartbeat within WORKER_SILENT_AFTER_SECONDS; it is
reported, never a 503: a web process with no worker still serves every page.
"""

import time

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("unapplied migrations")


def _cache() -> None:
    key = "vetting:readyz"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not keep a value")


def _broker() -> None:
    from vetting.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    results, failed = {}, []
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception:  # noqa: BLE001 - any failure means not ready; say which
            failed.append(name)
            results[name] = "failed"
        else:
            results[name] = f"ok ({(time.monotonic() - started) * 1000:.0f} ms)"
    status = 503 if failed else 200
    body = {"status": "failed" if failed else "ok", "checks": results, "workers": _workers()}
    return JsonResponse(body, status=status)


def _workers() -> str:
    from vetting.outbox.heartbeat import workers_status

    try:
        status = workers_status()
    except Exception:  # noqa: BLE001 - the database check above already says why
        return "unknown"
    if status["silent"]:
        return "none heard from"
    return f"{len(status['alive'])} running"
