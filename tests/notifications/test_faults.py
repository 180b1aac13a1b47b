"""A worker killed with SIGKILL in the middle of a batch: nothing lost, nothing twice."""

import time
from collections import Counter

import pytest
from django.db import transaction

from vetting.notifications.models import Notification
from vetting.notifications.services import notification_enqueue
from vetting.notifications.tasks import sweep_outbox

from .support import wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BATCH = 40
# A short send time limit gives a short lease (1.5 x limit + 1 s), so the test
# does not wait minutes for the dead worker's claim to run out.
FAST_LEASE = {"NOTIFICATION_SEND_TIME_LIMIT": 2}


def delivered_ids(smtp) -> Counter:
    return Counter(int(m["X-Vetting-Notification"]) for m in list(smtp.messages))


def test_a_worker_killed_mid_batch_delivers_every_notification_exactly_once(smtp, start_worker):
    with transaction.atomic():
        notification_enqueue(
            template_key="model_suspended",
            recipients=[f"defender{i}@utility.example" for i in range(BATCH)],
            context={
                "gated_model": "Frontier Cyber",
                "reason": "Export-control order.",
                "url_path": "/apply/clearances/",
            },
            event_key="order-1",
        )
    ids = set(Notification.objects.values_list("pk", flat=True))
    smtp.stall_at_rcpt = 12  # the 12th message hangs at RCPT: the worker is mid-send
    worker = start_worker(**FAST_LEASE)
    assert smtp.stalled.wait(60), "the worker never reached the 12th message"
    worker.kill()
    assert worker.process.returncode == -9
    before_kill = set(delivered_ids(smtp))
    assert 0 < len(before_kill) < BATCH
    # One task claimed the whole batch: every row it had not sent is still "sending".
    assert Notification.objects.filter(status="sending").count() == BATCH - len(before_kill)

    start_worker(**FAST_LEASE)

    def all_sent():
        sweep_outbox.delay()  # what beat does every minute
        time.sleep(0.5)
        return Notification.objects.filter(status="sent").count() == BATCH

    wait_for(all_sent, timeout=60, interval=0.5, what="every notification to be sent")
    wait_for(lambda: set(delivered_ids(smtp)) == ids, what="every message at the server")
    time.sleep(1)  # nothing more may arrive
    counts = delivered_ids(smtp)
    assert set(counts) == ids
    assert max(counts.values()) == 1, "a notification was delivered twice"
    # Rows sent before the kill were claimed once; the rest of the killed batch
    # (claimed together, recovered after the lease) exactly twice.
    attempts = dict(Notification.objects.values_list("pk", "attempts"))
    assert {attempts[pk] for pk in before_kill} == {1}
    assert {attempts[pk] for pk in ids - before_kill} == {2}
