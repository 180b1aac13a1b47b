"""Staff resend failed notifications from the console."""

import pytest
from django.db import transaction

from tests.console.conftest import verified_client
from tests.factories import make_user
from vetting.audit.models import AuditEvent
from vetting.notifications.delivery import notification_deliver
from vetting.notifications.models import Notification
from vetting.notifications.services import notification_enqueue


@pytest.fixture
def smtp_settings(settings, smtp):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_USE_TLS = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return smtp


@pytest.mark.django_db
def test_staff_resend_a_failed_notification_and_it_is_delivered(smtp_settings):
    smtp = smtp_settings
    smtp.refuse["gone@utility.example"] = "550 5.1.1 Mailbox unavailable"
    with transaction.atomic():
        notification_enqueue(
            template_key="model_restored",
            recipients=["gone@utility.example"],
            context={
                "gated_model": "Frontier Cyber",
                "sectors": [],
                "url_path": "/apply/clearances/",
            },
            event_key="r1",
        )
    row = Notification.objects.get()
    assert notification_deliver(notification_id=row.pk) == "failed"
    smtp.refuse.clear()  # the mailbox is fixed

    staff = make_user(is_staff=True, is_superuser=True)
    response = verified_client(staff).post(
        "/admin/notifications/notification/",
        {"action": "resend_failed", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "1 notification(s) queued again." in response.content.decode()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
    event = AuditEvent.objects.get(action="notification.resent")
    assert event.actor_id == staff.pk

    assert notification_deliver(notification_id=row.pk) == "sent"
    assert [m["To"] for m in smtp.messages] == ["gone@utility.example"]


@pytest.mark.django_db
def test_resending_skips_rows_that_have_not_failed(smtp_settings):
    with transaction.atomic():
        notification_enqueue(
            template_key="model_restored",
            recipients=["ok@utility.example"],
            context={"url_path": "/"},
            event_key="r2",
        )
    row = Notification.objects.get()
    staff = make_user(is_staff=True, is_superuser=True)
    response = verified_client(staff).post(
        "/admin/notifications/notification/",
        {"action": "resend_failed", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "0 notification(s) queued again; 1 skipped" in response.content.decode()
    row.refresh_from_db()
    assert (
        row.status == "pending"
        and not AuditEvent.objects.filter(action="notification.resent").exists()
    )
