"""The broker down at the moment of commit (issue 18): a private redis-server this
test starts and kills is the broker of this process and of a real worker with
beat embedded. What was committed meanwhile still happens once it returns."""

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import transaction
from kombu import pools

from tests.factories import Cast
from tests.notifications.support import Worker, free_port, purge_queue, wait_for
from tests.screening.conftest import declare
from vetting.applications import services
from vetting.applications.models import Application, State
from vetting.celery import app
from vetting.clearances.models import Clearance
from vetting.outbox.models import ConsistencyReport, Job
from vetting.screening.lists import list_import

DATA = Path(__file__).parents[1] / "screening" / "data"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# The worker's beat sweeps every second and re-dispatches at once what is due.
SWEEPING = {"OUTBOX_SWEEP_INTERVAL_SECONDS": 1, "OUTBOX_SWEEP_AFTER_SECONDS": 0}


class Broker:
    """A redis-server on a port of its own, stopped and started again at will."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> "Broker":
        self.process = subprocess.Popen(  # noqa: S603 - a fixed local binary
            [shutil.which("redis-server"), "--port", str(self.port), "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


@contextmanager
def publishing_to(url: str):
    """This process's Celery app sends its tasks to ``url`` (and back afterwards)."""

    def reset():  # drop every pooled connection: the next task opens one to the new URL
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    old = app.conf.broker_url
    reset()
    app.conf.broker_url = url
    try:
        yield
    finally:
        reset()
        app.conf.broker_url = old


@pytest.fixture
def broker(smtp):
    server = Broker().start()
    with publishing_to(server.url):
        purge_queue()
        yield server
    if server.process.poll() is None:
        server.kill()


@pytest.fixture
def worker(broker, smtp):
    started = []

    def start() -> Worker:
        started.append(Worker(smtp.port, beat=True, CELERY_BROKER_URL=broker.url, **SWEEPING))
        return started[-1].start()

    yield start
    for each in started:
        each.stop()
        print("".join(each.output[-200:]))  # shown when the test fails


def test_an_application_submitted_with_the_broker_down_reaches_review_once_it_returns(
    broker, worker
):
    list_import(actor=None, data=(DATA / "csl.csv").read_bytes(), fmt="csl")
    cast = Cast()
    app_ = cast.draft()
    declare(cast, app_, "Reza Mohamad Karimi")
    broker.kill()

    started = time.monotonic()
    services.application_submit(actor=cast.applicant, application_id=app_.pk)
    assert time.monotonic() - started < 10, "a submit must not hang on the broker"
    assert Application.objects.get(pk=app_.pk).state == State.SUBMITTED
    job = Job.objects.get(kind="applications.start_review")
    assert (job.status, job.args) == ("pending", {"application_id": app_.pk})

    broker.start()
    worker()
    wait_for(
        lambda: Application.objects.get(pk=app_.pk).state == State.EXPORT_CONTROL_REVIEW,
        timeout=60,
        what="the application to reach export-control review",
    )
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 1)
    run = Application.objects.get(pk=app_.pk).screening_runs.get()
    assert run.hits.filter(subject_name="Reza Mohamad Karimi").exists()
    wait_for(ConsistencyReport.objects.exists, what="a consistency report")


def test_a_list_imported_with_the_broker_down_re_screens_cleared_organizations_afterwards(
    broker, worker
):
    list_import(actor=None, data=(DATA / "csl.csv").read_bytes(), fmt="csl")
    cast = Cast()
    cast.org.legal_name = "Utility Grid Holdings Inc."
    cast.org.save(update_fields=["legal_name"])
    with transaction.atomic():
        application = cast.walk_to(State.APPROVED)
    clearance = Clearance.objects.get(application=application)
    broker.kill()

    version, _ = list_import(actor=None, data=(DATA / "csl_v2.csv").read_bytes(), fmt="csl")
    assert Job.objects.get(dedupe_key=f"screening.rescreen_cleared:{version.pk}").status == (
        "pending"
    )
    assert Clearance.objects.get(pk=clearance.pk).state == "active"

    broker.start()
    worker()
    wait_for(
        lambda: Clearance.objects.get(pk=clearance.pk).state == "suspended",
        timeout=60,
        what="the cleared organization to be re-screened and suspended",
    )
    assert Clearance.objects.get(pk=clearance.pk).state_reason == "screening_hit"
