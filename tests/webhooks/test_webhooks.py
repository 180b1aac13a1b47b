"""Signed webhooks delivered by a real worker to a receiver on loopback."""

import pytest
from django.db import transaction

from tests.notifications.support import wait_for
from vetting.applications.models import State
from vetting.clearances.models import Clearance
from vetting.clearances.services import clearance_suspend
from vetting.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from vetting.webhooks.signing import verify

from .receiver import Receiver, receiver_verifies

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SECRET = "whsec_test-secret-for-the-gateway"


def make_endpoint(url, **fields):
    return WebhookEndpoint.objects.create(name="Gateway", url=url, secret=SECRET, **fields)


def suspend(cast, clearance):
    clearance_suspend(
        actor=cast.officer,
        clearance_id=clearance.pk,
        reason="Internal: incident 42 under investigation.",
        applicant_reason="Unusual use is being checked.",
    )


def test_the_receiver_verifies_the_signature_of_every_delivery(cast, start_worker):
    with Receiver(SECRET) as receiver:
        make_endpoint(receiver.url)
        start_worker()
        cast.walk_to(State.APPROVED)
        clearance = Clearance.objects.get()
        suspend(cast, clearance)
        wait_for(lambda: len(receiver.requests) >= 2, what="two webhook deliveries")
        wait_for(
            lambda: set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"},
            what="both deliveries to be marked delivered",
        )
    assert [verified for _, _, verified in receiver.requests] == [True, True]
    events = receiver.events()
    assert [e["type"] for e in events] == ["clearance.issued", "clearance.suspended"]
    assert events[1]["data"]["clearance"]["serial"] == clearance.serial
    assert events[1]["data"]["clearance"]["state"] == "suspended"
    assert "incident 42" not in str(events)  # internal reasons never leave
    headers = receiver.requests[1][0]
    assert headers["Vetting-Event"] == "clearance.suspended"
    assert headers["Vetting-Event-Id"] == events[1]["id"]
    assert WebhookDelivery.objects.get(pk=headers["Vetting-Delivery"]).status == "delivered"


def test_a_receiver_that_fails_then_recovers_gets_the_event(cast, start_worker):
    with Receiver(SECRET) as receiver:
        receiver.statuses = [503, 500]
        endpoint = make_endpoint(receiver.url, event_types=["clearance.issued"])
        start_worker()
        cast.walk_to(State.APPROVED)
        delivery = WebhookDelivery.objects.get()
        wait_for(
            lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "delivered",
            what="the delivery to succeed",
        )
    delivery.refresh_from_db()
    assert delivery.attempts == 3
    attempts = WebhookAttempt.objects.filter(delivery=delivery).order_by("number")
    assert [(a.number, a.response_status, a.succeeded) for a in attempts] == [
        (1, 503, False),
        (2, 500, False),
        (3, 200, True),
    ]
    assert [e["type"] for e in receiver.events()] == ["clearance.issued"] * 3
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None and endpoint.is_active


def test_a_tampered_body_or_a_replayed_old_signature_fails_verification(cast, start_worker):
    with Receiver(SECRET) as receiver:
        make_endpoint(receiver.url)
        start_worker()
        cast.walk_to(State.APPROVED)
        wait_for(lambda: receiver.requests, what="a webhook delivery")
    headers, body, verified = receiver.requests[0]
    signature = headers["Vetting-Signature"]
    assert verified and verify(SECRET, signature, body)
    tampered = body.replace(b'"state":"active"', b'"state":"revoked"')
    assert tampered != body
    assert not receiver_verifies(SECRET, signature, tampered)
    assert not verify(SECRET, signature, tampered)
    assert not verify("whsec_someone-else", signature, body)
    timestamp = int(signature.split(",")[0][2:])
    assert not receiver_verifies(SECRET, signature, body, now=timestamp + 301)
    assert not verify(SECRET, signature, body, now=timestamp + 301)


def test_an_endpoint_failing_for_a_day_is_disabled_and_its_owners_emailed(cast, smtp, start_worker):
    with Receiver(SECRET) as receiver:
        receiver.always = 500
        endpoint = make_endpoint(receiver.url, owner_emails="gateway-ops@lab.example")
        # "A day" shortened to one second for the test.
        start_worker(WEBHOOK_DISABLE_AFTER_SECONDS=1)
        cast.walk_to(State.APPROVED)
        wait_for(
            lambda: not WebhookEndpoint.objects.get(pk=endpoint.pk).is_active,
            what="the endpoint to be disabled",
        )
        [mail] = wait_for(lambda: smtp.with_subject("was disabled"), what="the owners' email")
    assert mail["To"] == "gateway-ops@lab.example"
    assert (
        f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/"
        in mail.get_body(("plain",)).get_content()
    )
    endpoint.refresh_from_db()
    assert "failed" in endpoint.disabled_reason
    assert WebhookDelivery.objects.get().status == "failed"
    assert WebhookAttempt.objects.count() >= 2


def test_a_rolled_back_change_writes_no_webhook(cast):
    make_endpoint("http://127.0.0.1:9/unused")
    cast.walk_to(State.APPROVED)
    clearance = Clearance.objects.get()
    issued = WebhookDelivery.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        suspend(cast, clearance)
        raise RuntimeError("rolled back")
    assert WebhookDelivery.objects.count() == issued
