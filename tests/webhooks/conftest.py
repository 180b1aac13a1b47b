import pytest

from tests.notifications.support import Sink, Worker, purge_queue


@pytest.fixture
def smtp():
    sink = Sink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture
def start_worker(transactional_db, smtp):
    """Start real worker processes against the test database and the broker named
    by CELERY_BROKER_URL; all are stopped before the database is flushed."""
    started = []
    purge_queue()

    def start(**env) -> Worker:
        worker = Worker(smtp.port, **env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
        print("".join(worker.output[-200:]))  # shown when the test fails
