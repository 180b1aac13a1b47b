"""Delivering webhooks: claim, POST the signed JSON, log the attempt, retry or give up.

Same claim-with-lease scheme as the email outbox (see
``vetting.notifications.delivery``): two workers never both send a delivery,
and a delivery a dead worker left ``sending`` is retried after its lease. A
receiver may still, rarely, see one event twice and must deduplicate on the
body's ``id`` (the event id, also in the ``Vetting-Event-Id`` header).
"""

import json
import logging
import time
from datetime import timedelta

import requests
import urllib3
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from vetting.outbox.lease import Queue, backoff_seconds

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .safety import InvalidIPAddress, session, url_problem
from .services import webhook_endpoint_disable
from .signing import signature_header

log = logging.getLogger(__name__)
Status = WebhookDelivery.Status
TIME_LIMIT = 60


def lease_seconds() -> float:
    return TIME_LIMIT * 2 + 5


# No attempt limit: a delivery is retried until WEBHOOK_RETRY_WINDOW_SECONDS pass.
DELIVERIES = Queue(
    name="Webhook deliveries",
    model=WebhookDelivery,
    working=Status.SENDING,
    lease_seconds=lease_seconds,
    sweep_after_seconds=lambda: settings.OUTBOX_SWEEP_AFTER_SECONDS,
    # A subquery of the endpoint table, not a join: the claim stays one single-table
    # conditional UPDATE (a join made PostgreSQL re-check only the outer row, so two
    # workers could both claim one delivery).
    claimable=Q(endpoint_id__in=WebhookEndpoint.objects.filter(is_active=True).values("pk")),
)


def request_for(delivery) -> tuple[bytes, dict]:
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Vetting-Webhooks/1",
        "Vetting-Event": delivery.event_type,
        "Vetting-Event-Id": str(delivery.event_id),
        "Vetting-Delivery": str(delivery.pk),
        "Vetting-Signature": signature_header(delivery.endpoint.secret, body),
    }
    return body, headers


def _post(url: str, body: bytes, headers: dict, started: float) -> tuple[int, str]:
    """POST and read at most WEBHOOK_MAX_RESPONSE_BYTES of the answer, all within
    WEBHOOK_TIMEOUT_SECONDS (a receiver trickling bytes is cut off)."""
    limit, cap = settings.WEBHOOK_TIMEOUT_SECONDS, settings.WEBHOOK_MAX_RESPONSE_BYTES
    with session().post(url, data=body, headers=headers, allow_redirects=False, stream=True) as r:
        kept = bytearray()
        while len(kept) < cap:
            chunk = r.raw.read1(8192, decode_content=True)  # what has arrived, at once
            if not chunk:
                break
            kept += chunk[: cap - len(kept)]
            if time.monotonic() - started > limit:
                raise requests.Timeout(f"the answer took longer than {limit:g} s")
        return r.status_code, kept[:2000].decode("utf-8", "replace")


def webhook_deliver(*, delivery_id) -> str:
    """POST one pending delivery (a batch of one); returns its outcome (see below)."""
    outcomes = webhooks_deliver(ids=[delivery_id])
    return next(iter(outcomes.values()), "skipped")


def webhooks_deliver(*, ids) -> dict:
    """POST the deliveries of ``ids`` still pending and due, one after another over
    this process's kept connections. Returns ``{id: outcome}``: ``delivered``,
    ``retry``, ``failed``, or ``released`` (handed back undone: the batch ran past
    half its time limit). Side effects per delivery: a WebhookAttempt row; its
    status; on failure the endpoint's failing_since, and past a day of failures the
    endpoint is disabled (owners emailed); on a retry, a delayed task."""
    claimed_at, claimed = DELIVERIES.claim(ids)
    if not claimed:
        return {}
    deliveries = WebhookDelivery.objects.select_related("endpoint").in_bulk(claimed)
    started, outcomes = time.monotonic(), {}
    try:
        for pk in sorted(deliveries):
            if time.monotonic() - started > TIME_LIMIT / 2:
                _hand_back(deliveries, outcomes, claimed_at)
                break
            outcomes[pk] = _deliver(deliveries[pk], claimed_at)
    except BaseException:  # the soft time limit, a bug: the rest goes back at once
        _hand_back(deliveries, outcomes, claimed_at)
        raise
    return outcomes


def _hand_back(deliveries, outcomes: dict, claimed_at) -> None:
    from .services import dispatch

    rest = [pk for pk in sorted(deliveries) if pk not in outcomes]
    DELIVERIES.release(rest, claimed_at)
    dispatch(rest)
    outcomes |= dict.fromkeys(rest, "released")


def _deliver(delivery, claimed_at) -> str:
    mine = DELIVERIES.mine(delivery.pk, claimed_at)
    body, headers = request_for(delivery)
    started = time.monotonic()
    status, text, error = None, "", ""
    problem = url_problem(delivery.endpoint.url)
    if problem:  # saved before the rule, or settings changed since: never sent
        error = f"Not sent: {problem}"
        _log_attempt(delivery, claimed_at, started, status, text, error)
        DELIVERIES.give_up(mine, error=error)
        return "failed"
    try:
        status, text = _post(delivery.endpoint.url, body, headers, started)
    except InvalidIPAddress as exc:
        error = f"Refused: the host resolves to {exc}, which is not a public address."
    # urllib3's own errors (read1 reads below requests) and socket errors too: a
    # receiver's misbehaviour is a failed attempt, never an escaped exception.
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
    ok = _log_attempt(delivery, claimed_at, started, status, text, error)
    if ok:
        mine.update(status=Status.DELIVERED, delivered_at=timezone.now(), last_error="")
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, failing_since__isnull=False).update(
            failing_since=None
        )
        return "delivered"
    return _after_failure(delivery, mine, error or f"HTTP {status}: {text[:200]}")


def _log_attempt(delivery, claimed_at, started, status, text, error) -> bool:
    """Keep the attempt for the console; returns whether it succeeded."""
    ok = status is not None and 200 <= status < 300
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        attempted_at=claimed_at,
        duration_ms=int((time.monotonic() - started) * 1000),
        response_status=status,
        response_body=text,
        error=error,
        succeeded=ok,
    )
    return ok


def _after_failure(delivery, mine, error: str) -> str:
    now = timezone.now()
    endpoint = delivery.endpoint
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
        failing_since=now
    )
    endpoint.refresh_from_db(fields=["failing_since"])
    failing_for = (now - endpoint.failing_since).total_seconds()
    delay = backoff_seconds(delivery.attempts, base=settings.WEBHOOK_RETRY_BASE_SECONDS)
    window_end = delivery.created_at + timedelta(seconds=settings.WEBHOOK_RETRY_WINDOW_SECONDS)
    if now + timedelta(seconds=delay) > window_end:
        DELIVERIES.give_up(mine, error=error)
        outcome = "failed"
    else:
        DELIVERIES.retry_later(mine, delay=delay, error=error)
        outcome = "retry"
    if failing_for >= settings.WEBHOOK_DISABLE_AFTER_SECONDS:
        webhook_endpoint_disable(
            endpoint_id=endpoint.pk,
            reason=f"Every delivery failed for {failing_for / 3600:.1f} hours; "
            f"last error: {error[:300]}",
        )
        return "failed"
    if outcome == "retry":
        _schedule(delivery.pk, delay)
    return outcome


def _schedule(pk, delay: float) -> None:
    from .tasks import deliver_webhook

    try:
        deliver_webhook.apply_async((str(pk),), countdown=delay)
    except Exception:  # the sweeper will find it when due
        log.warning("could not schedule retry of webhook delivery %s", pk, exc_info=True)


def webhooks_sweep(*, limit: int = 1000) -> list:
    """Recover deliveries a dead worker left ``sending`` past their lease; return
    the ids of pending deliveries overdue (their task was lost). See ``Queue.sweep``."""
    return DELIVERIES.sweep(limit=limit)["due"]
