"""Admin scale benchmark: the application list and the dashboard at 1,000 and
100,000 applications on PostgreSQL. Prints, per page and size, the number of
queries and the median render time, and the ratio between the two sizes
(target: the same number of queries, time ratio under 1.5).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetting_admin_bench \
        uv run python bench/admin_scale/run.py
    BENCH_QUICK=1 ...   # 1,000 and 10,000 rows, fewer repetitions (for CI)

Two scratch databases, <name>_1000 and <name>_100000 (from DATABASE_URL's name), are
dropped and recreated.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vetting_admin_bench")
os.environ.setdefault("DEBUG", "0")

QUICK = os.environ.get("BENCH_QUICK") == "1"
SIZES = [1_000, 10_000] if QUICK else [1_000, 100_000]
REPEAT = 7 if QUICK else 21
PAGES = {
    "application list": "/admin/applications/application/",
    "application list, one step": "/admin/applications/application/?step=sector",
    "dashboard": "/admin/",
}


def database_names():
    import dj_database_url

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    if "postgresql" not in cfg["ENGINE"]:
        sys.exit("admin_scale needs PostgreSQL: set DATABASE_URL=postgres://...")
    return cfg, [f"{cfg['NAME']}_{size}" for size in SIZES]


def recreate_databases(cfg, names):
    import psycopg
    from psycopg import sql

    admin_dsn = {
        "host": cfg["HOST"],
        "port": cfg["PORT"] or 5432,
        "user": cfg["USER"],
        "password": cfg["PASSWORD"] or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**admin_dsn, autocommit=True) as conn:
        for name in names:
            ident = sql.Identifier(name)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))


def use(name):
    """Point the default connection at one of the two databases."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()


def main():
    cfg, names = database_names()
    recreate_databases(cfg, names)
    import django

    django.setup()
    from django.core.management import call_command

    from bench.admin_scale.seed import add_applications, copy_session, make_world, sign_in

    client, session = None, None
    for size, name in zip(SIZES, names, strict=True):
        use(name)
        call_command("migrate", verbosity=0)
        world = make_world()
        add_applications(world, size, start=0)
        if client is None:
            client, session = sign_in(world["reviewer"])
        else:
            copy_session(world["reviewer"], session)
    results = measure_all(client, names)
    report(results)


def measure_all(client, names):
    """Both sizes are measured in alternation, so load from other processes on the
    machine falls on both alike and the ratio stays meaningful."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    results = {size: {} for size in SIZES}
    for page, url in PAGES.items():
        times = {size: [] for size in SIZES}
        for size, name in zip(SIZES, names, strict=True):
            use(name)
            for _ in range(3):  # warm connections, caches and PostgreSQL's buffers
                assert client.get(url).status_code == 200, url
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            results[size][page] = [len(ctx.captured_queries)]
        for _ in range(REPEAT):
            for size, name in zip(SIZES, names, strict=True):
                use(name)
                started = time.perf_counter()
                client.get(url)
                times[size].append((time.perf_counter() - started) * 1000)
        for size in SIZES:
            results[size][page].append(statistics.median(times[size]))
    return results


def report(results):
    small, big = SIZES
    print(f"\nadmin_scale on PostgreSQL ({'quick' if QUICK else 'full'}; median of {REPEAT})")
    print(f"{'page':30} {'rows':>8} {'queries':>8} {'median ms':>10}")
    for name in PAGES:
        for size in SIZES:
            queries, ms = results[size][name]
            print(f"{name:30} {size:>8,} {queries:>8} {ms:>10.1f}")
        q_small, t_small = results[small][name]
        q_big, t_big = results[big][name]
        same = "same" if q_small == q_big else f"{q_small} -> {q_big}"
        print(f"{'':30} {'ratio':>8} {same:>8} {t_big / t_small:>10.2f}x")


if __name__ == "__main__":
    main()
