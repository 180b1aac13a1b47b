"""Two workers claiming one webhook delivery at the same moment: only one gets it
(PostgreSQL, READ COMMITTED). The claim must be a single-table conditional UPDATE:
with the endpoint's ``is_active`` as a join, Django wrote ``id IN (subquery with
the status test)`` and PostgreSQL re-checked only the outer row after waiting for
the lock, so the second worker claimed the delivery too."""

import threading
import time

import pytest
from django.db import connection, transaction

from vetting.webhooks.delivery import DELIVERIES
from vetting.webhooks.models import WebhookDelivery, WebhookEndpoint
from vetting.webhooks.services import webhook_event_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_delivery_claimed_by_two_workers_at_once_goes_to_one():
    WebhookEndpoint.objects.create(name="Gateway", url="https://gw.example/hook")
    with transaction.atomic():
        webhook_event_record(event_type="model.suspended", data={}, event_key="race")
    pk = WebhookDelivery.objects.get().pk
    second = {}

    def other_worker():
        try:
            second["claim"] = DELIVERIES.claim([pk])
        finally:
            connection.close()

    with transaction.atomic():  # the first worker's claim, not yet committed
        _, first = DELIVERIES.claim([pk])
        thread = threading.Thread(target=other_worker)
        thread.start()
        time.sleep(0.5)  # the other UPDATE now waits for this row's lock
    thread.join(10)
    assert first == [pk]
    assert second["claim"][1] == []
    assert WebhookDelivery.objects.get().attempts == 1
