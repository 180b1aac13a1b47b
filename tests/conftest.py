import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need PostgreSQL's row locks and triggers. On the
    embedded SQLite default they are deselected (not skipped); `.ci/run` runs
    the suite on PostgreSQL too, where they run."""
    if connection.vendor == "postgresql":
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def cast(db):
    from tests.factories import Cast

    return Cast()
