import functools

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    """Two suite-wide rules.

    Tests marked ``postgres`` need PostgreSQL's row locks and triggers. On the
    embedded SQLite default they are deselected (not skipped); `.ci/run` runs the
    suite on PostgreSQL too, where they run. Tests marked ``embedded`` run the
    one-command demo on its own embedded defaults, whatever the suite's database:
    they run once, in the SQLite run, and are deselected on PostgreSQL.

    Every transactional test (live server, real worker, threads) gets serialized
    rollback: its flush would otherwise also wipe the rows that migrations load
    (sectors, role groups) for every transactional test after it.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
            name in item.fixturenames for name in ("transactional_db", "live_server")
        )
        if transactional and not (marker and marker.kwargs.get("serialized_rollback")):
            kwargs = dict(marker.kwargs) if marker else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            # Prepended: the closest marker wins, and a test may carry its own.
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
    other = "embedded" if connection.vendor == "postgresql" else "postgres"
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker(other) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _connect_as(credentials: dict) -> None:
    from django.db import connections

    for conn in connections.all():
        conn.close()
        conn.settings_dict.update(credentials)


@functools.cache  # read before the first switch: the settings dict is the connection's
def _owner_and_app():
    """(owner, application role) credentials when DATABASE_OWNER_URL is set on
    PostgreSQL (`.ci/run`'s second run), else None."""
    import dj_database_url
    from django.conf import settings

    if not settings.DATABASE_OWNER_URL or connection.vendor != "postgresql":
        return None
    owner = dj_database_url.parse(settings.DATABASE_OWNER_URL)
    app = settings.DATABASES["default"]
    return (
        {"USER": owner["USER"], "PASSWORD": owner["PASSWORD"]},
        {"USER": app["USER"], "PASSWORD": app["PASSWORD"]},
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """The test database is created and migrated as the tables' owner..."""
    roles = _owner_and_app()
    if roles:
        _connect_as(roles[0])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """...and every test runs as DATABASE_URL's role, the application role, which owns
    nothing (vetting.audit.db_roles); the owner drops the database at the end."""
    from django.conf import settings

    roles = _owner_and_app()
    if roles is None:
        yield
        return
    _connect_as(roles[1])
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == settings.DATABASE_APP_ROLE == roles[1]["USER"]
    yield
    _connect_as(roles[0])


@pytest.fixture(autouse=True)
def _own_checkpoint_log(settings, tmp_path):
    """Each test signs audit checkpoints into its own log: the database is rolled back
    after a test, and a checkpoint left by one would not match the next one's trail."""
    settings.AUDIT_CHECKPOINT_LOG = str(tmp_path / "audit-checkpoints.jsonl")


@pytest.fixture(autouse=True)
def _own_throttle_counts():
    """Each test counts its own attempts (vetting.throttle): the cache outlives a
    test, and the suite signs up and resets far more than one client may."""
    from django.core.cache import cache

    cache.clear()  # before, not after: a test may have made the cache unreachable


@pytest.fixture
def cast(db):
    from tests.factories import Cast

    return Cast()


def pytest_addoption(parser):
    parser.addoption(
        "--write-matrix",
        action="store_true",
        default=False,
        help="tests/test_permission_matrix.py: rewrite docs/permissions.md from what it observes.",
    )
