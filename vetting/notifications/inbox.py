"""The portal inbox: the messages the emails carry, kept for their recipient.

Every email to a person is an outbox row (``Notification``) naming the recipient
user; the inbox shows those rows, rendered by the same templates as the email
(``emails.render_email``), so subject and body are the email's own. Only the kinds
of ``kinds.KINDS`` are shown: account emails (verification, password reset,
invitations, staff enrollment, backup codes) carry sign-in tokens or are sent
before there is an account, and stay in the mailbox only. A person who switched an
optional kind off gets no row, so no inbox entry either.
"""

import json
import logging

from django.utils import timezone

from .emails import render_email
from .kinds import KINDS
from .models import Notification

log = logging.getLogger(__name__)

INBOX_KINDS = tuple(sorted(KINDS))


def inbox_rows(user):
    """``user``'s messages, newest first."""
    return Notification.objects.filter(recipient=user, template_key__in=INBOX_KINDS).order_by(
        "-created_at", "-id"
    )


def unread_count(user) -> int:
    """One indexed COUNT (notification_inbox: recipient, read_at)."""
    return inbox_rows(user).filter(read_at__isnull=True).count()


def message_or_none(user, notification_id: int) -> Notification | None:
    """One of ``user``'s messages; None for anyone else's (the view answers 404)."""
    return inbox_rows(user).filter(pk=notification_id).first()


class Rendered:
    """Subject and plain-text body of rows, rendered once per template and context
    (one event's rows share both)."""

    def __init__(self):
        self._memo: dict = {}

    def __call__(self, row) -> tuple[str, str]:
        key = (row.template_key, json.dumps(row.context, sort_keys=True))
        if key not in self._memo:
            try:
                subject, text, _ = render_email(row.template_key, row.context)
            except Exception:  # a broken template must not take the inbox down
                log.exception("notification %s could not be rendered", row.pk)
                subject, text = KINDS[row.template_key].label, ""
            self._memo[key] = (subject, text)
        return self._memo[key]


def action_path(row) -> str | None:
    """The same-site page the message asks its reader to open, if any."""
    path = row.context.get("url_path")
    return path if isinstance(path, str) and path.startswith("/") else None


def message_mark_read(*, user, notification_id: int) -> bool:
    """Mark one of ``user``'s messages read (once: the first time stays). True if it
    is ``user``'s."""
    rows = inbox_rows(user).filter(pk=notification_id)
    rows.filter(read_at__isnull=True).update(read_at=timezone.now())
    return rows.exists()


def message_mark_unread(*, user, notification_id: int) -> bool:
    rows = inbox_rows(user).filter(pk=notification_id)
    rows.update(read_at=None)
    return rows.exists()


def inbox_mark_all_read(*, user) -> int:
    return inbox_rows(user).filter(read_at__isnull=True).update(read_at=timezone.now())
