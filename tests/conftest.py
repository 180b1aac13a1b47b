import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    """Two suite-wide rules.

    Tests marked ``postgres`` need PostgreSQL's row locks and triggers. On the
    embedded SQLite default they are deselected (not skipped); `.ci/run` runs the
    suite on PostgreSQL too, where they run.

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
    if connection.vendor == "postgresql":
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _own_checkpoint_log(settings, tmp_path):
    """Each test signs audit checkpoints into its own log: the database is rolled back
    after a test, and a checkpoint left by one would not match the next one's trail."""
    settings.AUDIT_CHECKPOINT_LOG = str(tmp_path / "audit-checkpoints.jsonl")


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
