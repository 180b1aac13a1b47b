"""Sign-up, password reset and a new verification link answer the same for an
address with an account and one without; what sends mail or writes an audit
event is throttled per real client and per address (vetting.throttle)."""

import re
import statistics
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import vetting.settings as project_settings
from tests.factories import PASSWORD, make_user
from vetting.accounts.models import User
from vetting.audit.models import AuditEvent
from vetting.notifications.models import Notification

pytestmark = pytest.mark.django_db

SIGNUP = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "password": "grid-defender-2031!",
    "password_again": "grid-defender-2031!",
}
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _sign_up(email: str, **extra):
    client = Client()
    started = time.perf_counter()
    response = client.post(reverse("signup"), {**SIGNUP, "email": email}, **extra)
    elapsed = time.perf_counter() - started
    page = client.get(response.url) if response.status_code == 302 else response
    body = _CSRF.sub("", page.content.decode()).replace(email, "EMAIL")
    return response, body, elapsed


def test_sign_up_answers_the_same_for_an_address_with_an_account():
    owner = make_user("pat@grid.example", email_verified_at=timezone.now())
    new, new_body, _ = _sign_up("sam@grid.example")
    known, known_body, _ = _sign_up("pat@grid.example")
    assert (new.status_code, new["Location"]) == (known.status_code, known["Location"])
    assert new_body == known_body
    assert User.objects.filter(email="pat@grid.example").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # nothing of the account changed
    told = Notification.objects.get(template_key="account_exists")
    assert told.recipient == owner and told.context["url_path"] == "/accounts/password/reset/"
    assert not Notification.objects.filter(
        template_key="account_verification", recipient=owner
    ).exists()


def test_sign_up_takes_as_long_for_an_address_with_an_account(settings):
    # With the project's hasher (Argon2), a sign-up's time is its hashing, on both paths.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    for n in range(3):
        make_user(f"known{n}@grid.example", email_verified_at=timezone.now())
    new = [_sign_up(f"new{n}@grid.example")[2] for n in range(3)]
    known = [_sign_up(f"known{n}@grid.example")[2] for n in range(3)]
    ratio = statistics.median(known) / statistics.median(new)
    assert 0.5 < ratio < 2, (new, known)


def test_sign_up_for_an_unverified_address_sends_its_link_again():
    pending = make_user("sam@grid.example", email_verified_at=None)
    _sign_up("sam@grid.example")
    row = Notification.objects.get(template_key="account_verification")
    assert row.recipient == pending
    assert User.objects.filter(email="sam@grid.example").count() == 1


def test_password_reset_answers_the_same_for_an_unknown_address():
    make_user("pat@grid.example")
    answers = []
    for email in ("pat@grid.example", "nobody@grid.example"):
        response = Client().post(reverse("password_reset"), {"email": email})
        answers.append((response.status_code, response["Location"]))
    assert answers[0] == answers[1] == (302, reverse("password_reset_done"))
    assert Notification.objects.filter(template_key="password_reset").count() == 1


def test_fifty_password_resets_for_one_address_send_three_emails_and_write_three_events():
    make_user("pat@grid.example")
    client = Client()
    statuses = [
        client.post(reverse("password_reset"), {"email": "pat@grid.example"}).status_code
        for _ in range(50)
    ]
    assert statuses[:3] == [302] * 3 and set(statuses[3:]) == {429}
    assert Notification.objects.filter(template_key="password_reset").count() == 3
    events = AuditEvent.objects.filter(action="account.password_reset_requested")
    assert events.count() == 3
    refused = client.post(reverse("password_reset"), {"email": "pat@grid.example"})
    assert "Too many attempts" in refused.content.decode()


def test_the_limit_is_per_real_client_behind_the_proxy(settings):
    """Behind nginx every request comes from one address: the client is the entry
    X-Forwarded-For names (vetting.clientip), which a client cannot move."""
    settings.TRUSTED_PROXY_HOPS = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def reset(n: int, client_ip: str, spoofed: str = ""):
        forwarded = f"{spoofed}, {client_ip}" if spoofed else client_ip
        return Client().post(
            reverse("password_reset"),
            {"email": f"someone{n}@grid.example"},
            HTTP_X_FORWARDED_FOR=forwarded,
            **proxy,
        )

    assert {reset(n, "203.0.113.7").status_code for n in range(20)} == {302}
    assert reset(20, "203.0.113.7").status_code == 429
    assert reset(21, "203.0.113.7", spoofed="198.51.100.1").status_code == 429
    assert reset(22, "203.0.113.8").status_code == 302  # another client, same proxy


def test_a_throttled_sign_up_makes_no_account_and_sends_nothing():
    for n in range(10):
        assert _sign_up(f"new{n}@grid.example", REMOTE_ADDR="10.9.9.9")[0].status_code == 302
    response, body, _ = _sign_up("late@grid.example", REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429 and "Too many attempts" in body
    assert not User.objects.filter(email="late@grid.example").exists()
    assert Notification.objects.filter(template_key="account_verification").count() == 10


def test_a_new_link_from_the_sent_page_answers_the_same_for_any_address():
    make_user("sam@grid.example", email_verified_at=None)
    bodies = []
    for email in ("sam@grid.example", "nobody@grid.example"):
        client = Client()
        response = client.post(reverse("signup_sent"), {"email": email}, follow=True)
        body = _CSRF.sub("", response.content.decode()).replace(email, "EMAIL")
        bodies.append((response.status_code, body))
    assert bodies[0] == bodies[1]
    assert Notification.objects.filter(template_key="account_verification").count() == 1
    client = Client()
    statuses = [
        client.post(reverse("signup_sent"), {"email": "sam@grid.example"}).status_code
        for _ in range(4)
    ]
    assert statuses == [302, 302, 429, 429]  # three an hour for one address, one used above


def test_invitations_to_one_address_are_throttled_before_any_mail():
    from tests.factories import make_org

    admin = make_user(email_verified_at=timezone.now())
    org = make_org(admin=admin)
    client = Client()
    client.force_login(admin)
    url = reverse("portal:members", args=[org.pk])
    statuses = [
        client.post(url, {"email": "new@grid.example", "role": "member"}).status_code
        for _ in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    sent = Notification.objects.filter(template_key="organization_invitation").count()
    assert sent == 3


def _sign_in(email: str, password: str):
    client = Client()
    started = time.perf_counter()
    response = client.post(reverse("login"), {"username": email, "password": password})
    elapsed = time.perf_counter() - started
    body = _CSRF.sub("", response.content.decode()).replace(email, "EMAIL")
    return response, body, elapsed


def test_sign_in_answers_the_same_and_as_slowly_for_an_unknown_address(settings):
    # With the project's hasher (Argon2): Django's backend hashes the password for an
    # unknown address too, so a wrong password and a missing account take as long.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    for n in range(3):
        user = make_user(f"known{n}@grid.example", email_verified_at=timezone.now())
        user.set_password(PASSWORD)
        user.save()
    known = [_sign_in(f"known{n}@grid.example", "not-the-password-1") for n in range(3)]
    unknown = [_sign_in(f"nobody{n}@grid.example", "not-the-password-1") for n in range(3)]
    assert {r.status_code for r, _, _ in known + unknown} == {200}
    assert len({body for _, body, _ in known + unknown}) == 1  # word for word
    assert "enter a correct email address and password" in known[0][1].lower()
    ratio = statistics.median(t for *_, t in known) / statistics.median(t for *_, t in unknown)
    assert 0.5 < ratio < 2, (known, unknown)


def test_password_reset_takes_about_as_long_for_an_unknown_address():
    make_user("pat@grid.example")

    def reset(email):
        started = time.perf_counter()
        Client().post(reverse("password_reset"), {"email": email}, REMOTE_ADDR="10.1.1.1")
        return time.perf_counter() - started

    reset("warm@grid.example")
    known = [reset("pat@grid.example") for _ in range(3)]
    unknown = [reset(f"nobody{n}@grid.example") for n in range(3)]
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 0.5 < ratio < 2, (known, unknown)  # the audit event and outbox row are cheap
