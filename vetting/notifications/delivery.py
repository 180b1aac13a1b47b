"""Delivering outbox rows: claim, send, mark; retry with backoff; sweep.

Exactly once, and where it cannot be guaranteed
-----------------------------------------------
A row moves ``pending -> sending -> sent`` (or ``failed``). The claim is a
conditional UPDATE (``status=pending -> sending``, with ``claimed_at`` as a
lease), so of two workers handed the same row only one sends it. The row is
marked ``sent`` while the SMTP connection is still open, straight after the
server's "250 OK" for the message, so the only moment at which a crash leaves
the outcome unknown is between that reply and the UPDATE (about a millisecond).

A task delivers a batch (``NOTIFICATION_BATCH_SIZE`` rows, claimed with one
UPDATE) over one SMTP connection, and marks each row the moment its message is
accepted. A worker killed at any other moment leaves either ``pending`` rows (not
yet claimed: re-dispatched by the sweeper or redelivered by the broker, tasks
being ``acks_late``) or ``sending`` rows whose messages never reached the server.
When the lease runs out (longer than the task's hard time limit, so a live send
is never taken over) the sweeper puts it back to ``pending`` and it is sent.

The trade-off: for a kill inside that last millisecond we choose to send again
(at least once) rather than risk losing a message (at most once). A duplicate
carries the same ``Message-ID``, so mail clients can fold it; a lost decision
email cannot be recovered by anyone. Each retry of a dead worker's claim counts
as an attempt, so a message that kills workers ends ``failed`` after
``NOTIFICATION_MAX_ATTEMPTS`` instead of looping.
"""

import contextlib
import logging
import smtplib
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from vetting.outbox.lease import Queue, backoff_seconds

from .emails import build_message
from .models import Notification

log = logging.getLogger(__name__)
Status = Notification.Status


def lease_seconds() -> float:
    """How long a claim protects a row: past the task's hard time limit, after which
    the worker process is gone, so a live send is never taken over."""
    return settings.NOTIFICATION_SEND_TIME_LIMIT * 1.5 + 1


EMAILS = Queue(
    name="Emails",
    model=Notification,
    working=Status.SENDING,
    lease_seconds=lease_seconds,
    sweep_after_seconds=lambda: settings.OUTBOX_SWEEP_AFTER_SECONDS,
    max_attempts=lambda: settings.NOTIFICATION_MAX_ATTEMPTS,
)


def is_transient(exc: BaseException) -> bool:
    """SMTP 4xx replies and network trouble are worth retrying; 5xx replies are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPException | OSError | TimeoutError)


def notification_deliver(*, notification_id: int) -> str:
    """Send one outbox row (a batch of one); returns its outcome (see below)."""
    return notifications_deliver(ids=[notification_id]).get(notification_id, "skipped")


def notifications_deliver(*, ids) -> dict:
    """Send the rows of ``ids`` that are still pending and due, over one SMTP
    connection. Returns ``{id: outcome}``: ``sent``, ``retry``, ``failed``, or
    ``released`` (handed back undone because the batch ran past half its time
    limit); ids claimed elsewhere or already sent are absent. Side effects: SMTP
    messages; each row's status, attempts, last_error; delayed tasks for retries."""
    claimed_at, claimed = EMAILS.claim(ids)
    if not claimed:
        return {}
    rows = Notification.objects.in_bulk(claimed)
    outcomes: dict = {}
    started = time.monotonic()
    budget = settings.NOTIFICATION_SEND_TIME_LIMIT / 2
    connection, rendered = None, {}
    try:
        for pk in sorted(claimed):
            if time.monotonic() - started > budget:
                _hand_back(claimed, outcomes, claimed_at)
                break
            if connection is None:
                connection = get_connection(fail_silently=False)
            outcomes[pk] = _send(rows[pk], EMAILS.mine(pk, claimed_at), connection, rendered)
            if outcomes[pk] == "retry" and not _still_open(connection):
                connection = None  # the server hung up: the next message opens anew
    except BaseException:  # the soft time limit, a bug: the rest goes back at once
        _hand_back(claimed, outcomes, claimed_at)
        raise
    finally:
        if connection is not None:
            with contextlib.suppress(Exception):  # every outcome is already recorded
                connection.close()
    return outcomes


def _hand_back(claimed, outcomes: dict, claimed_at) -> None:
    """Release what this batch did not finish (also the message in flight, whose
    server never said 250: sent again, at least once) and queue it anew."""
    from .services import dispatch

    rest = [pk for pk in sorted(claimed) if pk not in outcomes]
    EMAILS.release(rest, claimed_at)
    dispatch(rest)
    outcomes |= dict.fromkeys(rest, "released")


def _send(row, mine, connection, rendered) -> str:
    try:
        message = build_message(row, connection=connection, rendered=rendered)
    except Exception as exc:  # a broken template or context: retrying will not help
        EMAILS.give_up(mine, error=f"Could not render: {exc!r}")
        log.exception("notification %s could not be rendered", row.pk)
        return "failed"
    try:
        connection.open()  # no-op while the connection is open
        message.send()
    except SoftTimeLimitExceeded:
        raise  # not the message's fault: the batch hands it back
    except Exception as exc:
        return _after_error(row, mine, exc)
    # Marked straight after the 250: the unknown-outcome window is this UPDATE only.
    if not _mark_sent(mine):
        log.warning("notification %s was sent after its lease ran out", row.pk)
    return "sent"


def _mark_sent(mine) -> int:
    """On PostgreSQL the mark commits without waiting for its WAL flush
    (``synchronous_commit`` off for this transaction only): a worker killed after
    it cannot undo it, and only a crash of the database server itself within a
    fraction of a second could lose the mark, which sends the message again: a
    duplicate, never a loss. Decisions and audit events keep the full guarantee."""
    if db_connection.vendor != "postgresql":
        return mine.update(status=Status.SENT, sent_at=timezone.now(), last_error="")
    with transaction.atomic():
        with db_connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return mine.update(status=Status.SENT, sent_at=timezone.now(), last_error="")


def _still_open(connection) -> bool:
    try:
        return connection.connection is not None and connection.connection.noop()[0] == 250
    except Exception:  # noqa: BLE001 - any failure means: open a new one
        with contextlib.suppress(Exception):
            connection.close()
        return False


def _after_error(row, mine, exc: BaseException) -> str:
    error = f"{type(exc).__name__}: {exc}"
    if not is_transient(exc) or not EMAILS.has_attempts_left(row.attempts):
        EMAILS.give_up(mine, error=error)
        log.warning("notification %s failed after %s attempt(s): %s", row.pk, row.attempts, error)
        return "failed"
    delay = backoff_seconds(row.attempts, base=settings.NOTIFICATION_RETRY_BASE_SECONDS)
    EMAILS.retry_later(mine, delay=delay, error=error)
    from .tasks import deliver_notification

    try:
        deliver_notification.apply_async((row.pk,), countdown=delay)
    except Exception:  # the sweeper will find the row when it is due
        log.warning("could not schedule retry of notification %s", row.pk, exc_info=True)
    return "retry"


def outbox_sweep(*, limit: int = 1000) -> dict:
    """Recover rows a dead worker left ``sending`` past their lease (``failed`` when
    no attempt is left), and return the ids of pending rows overdue by more than
    ``OUTBOX_SWEEP_AFTER_SECONDS`` (their task was lost). See ``Queue.sweep``."""
    return EMAILS.sweep(limit=limit)
