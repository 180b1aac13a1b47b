"""Delivering outbox rows: claim, send, mark; retry with backoff; sweep.

Exactly once, and where it cannot be guaranteed
-----------------------------------------------
A row moves ``pending -> sending -> sent`` (or ``failed``). The claim is a
conditional UPDATE (``status=pending -> sending``, with ``claimed_at`` as a
lease), so of two workers handed the same row only one sends it. The row is
marked ``sent`` while the SMTP connection is still open, straight after the
server's "250 OK" for the message, so the only moment at which a crash leaves
the outcome unknown is between that reply and the UPDATE (about a millisecond).

A worker killed at any other moment leaves either a ``pending`` row (not yet
claimed: re-dispatched by the sweeper or redelivered by the broker, tasks being
``acks_late``) or a ``sending`` row whose message never reached the server.
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

from django.conf import settings
from django.core.mail import get_connection
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
    """Send one outbox row if it is still pending and due. Returns what happened:
    ``sent``, ``retry``, ``failed`` or ``skipped`` (claimed elsewhere, already sent).
    Side effects: one SMTP message; the row's status, attempts, last_error; on a
    transient error, a delayed delivery task for the next attempt."""
    claimed_at, claimed = EMAILS.claim([notification_id])
    if not claimed:
        return "skipped"
    row = Notification.objects.get(pk=notification_id)
    mine = EMAILS.mine(row.pk, claimed_at)
    try:
        connection = get_connection(fail_silently=False)
        message = build_message(row, connection=connection)
    except Exception as exc:  # a broken template or context: retrying will not help
        EMAILS.give_up(mine, error=f"Could not render: {exc!r}")
        log.exception("notification %s could not be rendered", row.pk)
        return "failed"
    try:
        connection.open()
        message.send()
        # Mark before closing: the unknown-outcome window is this UPDATE only.
        if not mine.update(status=Status.SENT, sent_at=timezone.now(), last_error=""):
            log.warning("notification %s was sent after its lease ran out", row.pk)
        return "sent"
    except Exception as exc:
        return _after_error(row, mine, exc)
    finally:
        with contextlib.suppress(Exception):  # the outcome is already recorded
            connection.close()


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
