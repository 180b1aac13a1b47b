"""Email rendering and email preferences (no worker needed: nothing is sent here)."""

import pytest
from django.db import transaction

from tests.factories import make_user
from vetting.notifications.emails import render_email
from vetting.notifications.kinds import KINDS
from vetting.notifications.models import Notification
from vetting.notifications.services import notification_enqueue

SAMPLE = {
    "application_number": "APP-000042",
    "organization": "AT&T Grid Ops",
    "gated_model": "Frontier Cyber",
    "state_label": "Sector review",
    "step_label": "Sector",
    "question": "Which substations?",
    "clearance_serial": "CLR-2026-ABCD",
    "serial": "CLR-1",
    "conditions": "Usage is monitored.",
    "expires_at": "2027-01-31T12:00:00+00:00",
    "seats": 5,
    "reason": "Order 7.",
    "days": 7,
    "sectors": ["energy"],
    "count": 1,
    "deadline_days": 5,
    "endpoint": "Gateway",
    "endpoint_url": "https://gw.example/hook",
    "items": [
        {
            "number": "APP-000042",
            "organization": "AT&T Grid Ops",
            "gated_model": "Frontier Cyber",
            "step_label": "Sector",
            "waiting_days": 9,
            "url_path": "/admin/applications/application/42/change/",
        }
    ],
    "url_path": "/apply/applications/42/",
}


@pytest.mark.parametrize("key", sorted(KINDS))
def test_every_kind_renders_a_subject_a_text_and_an_html_body_with_its_link(key, settings):
    settings.BASE_URL = "https://vetting.example"
    subject, text, html = render_email(key, SAMPLE)
    assert subject and "\n" not in subject and "{" not in subject
    assert "https://vetting.example/apply/applications/42/" in text
    assert 'href="https://vetting.example/apply/applications/42/"' in html
    assert "&amp;" not in subject + text  # plain text is never HTML-escaped
    assert ("switch this kind of email off" in text) == (KINDS[key].preference is not None)


@pytest.mark.django_db
def test_a_person_who_switched_progress_emails_off_still_gets_clearance_emails(client):
    muted, other = make_user(), make_user()
    client.force_login(muted)
    response = client.post(
        "/apply/account/notifications/", {"review_queue": "on", "review_digest": "on"}
    )
    assert response.status_code == 302
    with transaction.atomic():
        notification_enqueue(
            template_key="step_passed", recipients=[muted, other], context={}, event_key="e1"
        )
        notification_enqueue(
            template_key="clearance_revoked", recipients=[muted, other], context={}, event_key="e2"
        )
    assert sorted(Notification.objects.values_list("template_key", "recipient_email")) == [
        ("clearance_revoked", muted.email),
        ("clearance_revoked", other.email),
        ("step_passed", other.email),
    ]
    page = client.get("/apply/account/notifications/").content.decode()
    assert "Clearance revoked" in page  # listed as always sent
    assert 'name="application_progress" id="id_application_progress">' in page  # unticked


def test_the_preferences_page_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get("/apply/account/notifications/")
    assert response.status_code == 302


@pytest.mark.django_db
def test_applicants_are_offered_only_applicant_emails_and_reviewers_theirs(client):
    from vetting.accounts.roles import Role

    client.force_login(make_user())
    page = client.get("/apply/account/notifications/").content.decode()
    assert 'name="application_progress"' in page
    assert 'name="review_queue"' not in page and 'name="review_digest"' not in page
    assert "Clearance revoked" in page and "policy change waits" not in page
    client.force_login(make_user(role=Role.SECTOR_REVIEWER))
    page = client.get("/apply/account/notifications/").content.decode()
    assert 'name="review_queue"' in page and 'name="application_progress"' not in page
    assert "policy change waits" in page


@pytest.mark.django_db
def test_an_applicant_saving_choices_leaves_reviewer_switches_alone(client):
    from vetting.notifications.models import EmailPreference

    user = make_user()
    client.force_login(user)
    client.post("/apply/account/notifications/", {})
    pref = EmailPreference.objects.get(user=user)
    assert (pref.application_progress, pref.review_queue, pref.review_digest) == (False, True, True)
