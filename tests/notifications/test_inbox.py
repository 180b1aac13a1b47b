"""The portal inbox: the messages the emails carry, with unread counts."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from vetting.accounts.models import User
from vetting.applications.models import State
from vetting.clearances.models import Clearance
from vetting.clearances.services import clearance_revoke
from vetting.notifications.delivery import notifications_deliver
from vetting.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def applicant(cast):
    User.objects.filter(pk=cast.applicant.pk).update(email_verified_at=timezone.now())
    cast.applicant.refresh_from_db()
    return cast.applicant


@pytest.fixture
def member(client, applicant):
    client.force_login(applicant)
    return client


@pytest.fixture
def revoked(cast, applicant):
    """An approved application whose clearance is then revoked: emails for both."""
    app = cast.walk_to(State.APPROVED)
    clearance = Clearance.objects.get(application=app)
    clearance_revoke(
        actor=cast.officer, clearance_id=clearance.pk, reason="x", applicant_reason="Misuse."
    )
    return clearance


def mine(user):
    return Notification.objects.filter(recipient=user)


def unread(client) -> int:
    return client.get(reverse("portal:dashboard")).context["inbox_unread"]


def text_of(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(h1|div)>', html, re.S)
    text = re.sub(r"<br>|</p>", "\n", match.group(1))  # line breaks as the email has them
    return unescape(re.sub(r"<[^>]+>", "", text))


def open_message(client, row) -> str:
    response = client.post(reverse("notifications:message_open", args=[row.pk]))
    assert response.status_code == 302
    return client.get(response.url).content.decode()


def test_the_inbox_shows_the_subject_and_body_of_the_email_sent(
    member, applicant, revoked, mailoutbox
):
    rows = list(
        mine(applicant).filter(template_key__in=["application_approved", "clearance_revoked"])
    )
    assert len(rows) == 2
    outcome = notifications_deliver(ids=[row.pk for row in rows])
    assert set(outcome.values()) == {"sent"}
    mails = {m.extra_headers["X-Vetting-Notification"]: m for m in mailoutbox}
    listing = member.get(reverse("notifications:inbox")).content.decode()
    bodies = {}
    for row in rows:
        mail = mails[str(row.pk)]
        assert mail.to == [applicant.email]
        assert f">{mail.subject}</button>" in unescape(listing)
        html = open_message(member, row)
        assert text_of(html, "subject") == mail.subject
        bodies[row.template_key] = body = text_of(html, "body")
        assert " ".join(body.split()) == " ".join(mail.body.split())
    assert (
        "Misuse." in bodies["clearance_revoked"] and revoked.serial in bodies["clearance_revoked"]
    )


def test_newest_first_and_unread_marked(member, applicant, revoked):
    rows = list(mine(applicant).order_by("-created_at", "-id"))
    listing = member.get(reverse("notifications:inbox")).content.decode()
    positions = [listing.index(f'data-testid="message-{row.pk}"') for row in rows]
    assert positions == sorted(positions) and len(rows) >= 2
    assert listing.count(">Unread</span>") == len(rows)
    open_message(member, rows[0])
    listing = member.get(reverse("notifications:inbox")).content.decode()
    assert listing.count(">Unread</span>") == len(rows) - 1
    first = listing[positions[0] : listing.index(f'data-testid="message-{rows[1].pk}"')]
    assert "Unread" not in first


def test_the_unread_count_goes_down_on_open_and_up_on_mark_unread(member, applicant, revoked):
    rows = list(mine(applicant))
    assert unread(member) == len(rows)
    # Reading a message's page changes nothing; opening it from the inbox (POST) does.
    assert member.get(reverse("notifications:message", args=[rows[0].pk])).status_code == 200
    assert unread(member) == len(rows)
    open_message(member, rows[0])
    assert unread(member) == len(rows) - 1
    first_read = Notification.objects.get(pk=rows[0].pk).read_at
    open_message(member, rows[0])  # the first time it was read stays
    assert Notification.objects.get(pk=rows[0].pk).read_at == first_read
    member.post(reverse("notifications:message_unread", args=[rows[0].pk]))
    assert unread(member) == len(rows)
    member.post(reverse("notifications:inbox_read_all"))
    assert unread(member) == 0
    page = member.get(reverse("notifications:inbox")).content.decode()
    assert "No unread messages." in page


def test_another_persons_message_is_a_404(client, applicant, revoked):
    row = mine(applicant).first()
    other = make_user(email_verified_at=timezone.now())
    client.force_login(other)
    assert client.get(reverse("notifications:message", args=[row.pk])).status_code == 404
    for name in ("message_open", "message_unread"):
        assert client.post(reverse(f"notifications:{name}", args=[row.pk])).status_code == 404
    client.post(reverse("notifications:inbox_read_all"))
    assert Notification.objects.get(pk=row.pk).read_at is None
    assert f'message-{row.pk}"' not in client.get(reverse("notifications:inbox")).content.decode()


def test_marking_read_is_post_only_and_needs_the_csrf_token(applicant, revoked):
    row = mine(applicant).first()
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    url = reverse("notifications:message_open", args=[row.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # no CSRF token
    assert client.post(reverse("notifications:inbox_read_all")).status_code == 403
    assert Notification.objects.get(pk=row.pk).read_at is None
    listing = client.get(reverse("notifications:inbox"))
    token = listing.cookies["csrftoken"].value
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert Notification.objects.get(pk=row.pk).read_at is not None


def test_account_emails_with_sign_in_tokens_stay_out_of_the_inbox(member, applicant):
    from django.db import transaction

    from vetting.notifications.services import notification_enqueue

    with transaction.atomic():
        for key in ("password_reset", "clearance_expiring"):
            notification_enqueue(
                template_key=key,
                recipients=[applicant],
                context={"url": "https://vetting.test/secret-token", "serial": "CLR-1"},
                event_key="e",
            )
    assert unread(member) == 1
    page = member.get(reverse("notifications:inbox")).content.decode()
    assert "CLR-1" in page and "secret-token" not in page


def test_the_count_is_one_query_for_signed_in_readers_and_none_elsewhere(
    client, member, applicant, revoked
):
    with CaptureQueriesContext(connection) as queries:
        member.get(reverse("portal:dashboard"))
    assert sum("notifications_notification" in q["sql"] for q in queries.captured_queries) == 1
    client.logout()
    response = client.get(reverse("login"))
    assert "inbox_unread" not in response.context
