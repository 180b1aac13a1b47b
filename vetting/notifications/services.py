"""Writing outbox rows. Delivery reads them after commit."""

from django.db import transaction

from .models import Notification


def notification_enqueue(*, template_key: str, recipients, context: dict, event_key: str):
    """Write one outbox row per distinct recipient (a user or an email address).

    ``event_key`` names the event that caused the message (e.g. the audit event id);
    with the template and recipient it forms the dedupe key, so replaying the same
    event never queues a second copy. Context must hold no citizenship data or
    internal notes: it is what the email may show.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notifications are written in the transaction that causes them")
    rows = []
    seen = set()
    for recipient in recipients:
        email = recipient if isinstance(recipient, str) else recipient.email
        email = email.lower()
        if not email or email in seen:
            continue
        seen.add(email)
        user = None if isinstance(recipient, str) else recipient
        rows.append(Notification(
            recipient_email=email,
            recipient=user,
            template_key=template_key,
            context=context,
            dedupe_key=f"{template_key}:{event_key}:{email}"[:255],
        ))
    return Notification.objects.bulk_create(rows, ignore_conflicts=True)
