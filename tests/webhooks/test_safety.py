"""Webhooks go only to public https receivers (issue 18): the URL is checked when
saved and the resolved address at every send, redirects are not followed, answers
are capped in size and time, and signing secrets are stored encrypted."""

import socket

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from tests.console.conftest import verified_client
from tests.factories import make_user
from vetting.webhooks.delivery import webhook_deliver
from vetting.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from vetting.webhooks.safety import url_problem
from vetting.webhooks.services import webhook_event_record

from .receiver import Receiver

pytestmark = pytest.mark.django_db
SECRET = "whsec_safety-test"

NOT_PUBLIC = {
    "loopback": "127.0.0.1",
    "loopback (IPv6)": "[::1]",
    "loopback (IPv4-mapped IPv6)": "[::ffff:127.0.0.1]",
    "private 10/8": "10.0.0.5",
    "private 172.16/12": "172.16.3.4",
    "private 192.168/16": "192.168.1.1",
    "private (IPv6 unique local)": "[fd00::1]",
    "shared address space (CG-NAT)": "100.64.0.1",
    "link-local (cloud metadata)": "169.254.169.254",
    "link-local (IPv6)": "[fe80::1]",
    "multicast": "224.0.0.1",
    "multicast (IPv6)": "[ff02::1]",
    "reserved": "240.0.0.1",
    "unspecified": "0.0.0.0",  # noqa: S104 - the address under test, not a bind
    "documentation": "192.0.2.10",
    "NAT64": "[64:ff9b::a00:5]",
    "6to4": "[2002:a00:5::1]",
}
# Refused when saved; at send time Linux does not route these to the IPv4 address.
SAVE_ONLY = {"IPv4-compatible IPv6": "[::7f00:1]"}


@pytest.fixture(autouse=True)
def no_loopback(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    settings.WEBHOOK_ALLOW_HTTP = True


def deliver_to(url: str) -> WebhookAttempt:
    endpoint = WebhookEndpoint.objects.create(name="Receiver", url=url, secret=SECRET)
    with transaction.atomic():
        webhook_event_record(event_type="model.suspended", data={}, event_key=f"k{endpoint.pk}")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    webhook_deliver(delivery_id=delivery.pk)
    return WebhookAttempt.objects.get(delivery=delivery)


@pytest.mark.parametrize("kind", [*NOT_PUBLIC, *SAVE_ONLY])
def test_a_url_naming_a_non_public_address_is_refused_when_saved(kind):
    problem = url_problem(f"https://{({**NOT_PUBLIC, **SAVE_ONLY})[kind]}/hook")
    assert problem and "not a public address" in problem, kind


@pytest.mark.parametrize("kind", list(NOT_PUBLIC))
def test_a_non_public_address_is_refused_at_send_time_before_any_connection(kind):
    # Saved before the rule (or by a migration): the send itself refuses.
    attempt = deliver_to(f"http://{NOT_PUBLIC[kind]}:9/hook")
    assert attempt.succeeded is False and attempt.response_status is None
    assert "not a public address" in attempt.error, (kind, attempt.error)


@pytest.mark.parametrize("kind", list(NOT_PUBLIC))
def test_a_host_name_resolving_to_a_non_public_address_is_refused_at_send_time(kind, monkeypatch):
    """DNS is outside the machine: the resolver's answer is what the test sets (as an
    attacker's name server would, also after the URL was saved: rebinding)."""
    real = socket.getaddrinfo
    address = NOT_PUBLIC[kind].strip("[]")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    def resolve(host, port, *args, **kwargs):
        if host == "hooks.attacker.example":
            sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
            return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    assert url_problem("https://hooks.attacker.example/in") is None  # a name: fine when saved
    attempt = deliver_to("http://hooks.attacker.example:9/in")
    assert attempt.response_status is None
    assert "which is not a public address" in attempt.error, (kind, attempt.error)


def test_a_host_name_that_resolves_to_loopback_is_refused_at_send_time():
    with Receiver(SECRET) as receiver:
        attempt = deliver_to(receiver.url.replace("127.0.0.1", "localhost"))
    assert receiver.requests == []
    assert "resolves to 127.0.0.1" in attempt.error


def test_a_loopback_receiver_is_reached_only_where_a_setting_allows_it(settings):
    with Receiver(SECRET) as receiver:
        assert "not a public address" in deliver_to(receiver.url).error
        settings.WEBHOOK_ALLOW_LOOPBACK = True
        assert deliver_to(receiver.url).succeeded
    assert len(receiver.requests) == 1


def test_production_takes_only_https_and_no_credentials(settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    assert url_problem("http://hooks.example.com/in") == "Webhook URLs must start with https://."
    assert url_problem("ftp://hooks.example.com/in") == "Webhook URLs must start with https://."
    assert "no user name" in url_problem("https://u:p@hooks.example.com/in")
    assert url_problem("https://hooks.example.com/in") is None
    assert url_problem("https://8.8.8.8/in") is None


def test_a_plain_http_endpoint_is_not_sent_to_in_production(settings):
    endpoint = WebhookEndpoint.objects.create(name="Old", url="http://hooks.example.com/in")
    settings.WEBHOOK_ALLOW_HTTP = False
    with transaction.atomic():
        webhook_event_record(event_type="model.suspended", data={}, event_key="p")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert webhook_deliver(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.last_error == "Not sent: Webhook URLs must start with https://."


def test_a_redirect_is_not_followed(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    with Receiver(SECRET) as elsewhere, Receiver(SECRET) as receiver:
        receiver.redirect_to = elsewhere.url
        attempt = deliver_to(receiver.url)
    assert (attempt.response_status, attempt.succeeded) == (302, False)
    assert elsewhere.requests == []


def test_a_huge_answer_is_read_only_up_to_the_cap(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.WEBHOOK_MAX_RESPONSE_BYTES = 16 * 1024
    with Receiver(SECRET) as receiver:
        receiver.body_bytes = 64 * 1024 * 1024
        attempt = deliver_to(receiver.url)
    assert attempt.succeeded and attempt.response_status == 200
    assert len(attempt.response_body) <= 2000
    assert attempt.duration_ms < 5000  # 64 MiB were not read


def test_an_answer_trickling_past_the_time_limit_is_cut_off(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 1.5
    with Receiver(SECRET) as receiver:
        receiver.trickle = True
        attempt = deliver_to(receiver.url)
    assert attempt.succeeded is False
    assert "longer than 1.5 s" in attempt.error
    assert attempt.duration_ms < 4000


def test_an_answer_cut_off_mid_body_is_a_failed_attempt_not_a_crash(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    with Receiver(SECRET) as receiver:
        receiver.truncate = True
        attempt = deliver_to(receiver.url)
    assert attempt.succeeded is False and attempt.error
    delivery = attempt.delivery
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.last_error  # retried later


def test_the_admin_form_names_the_url_problem_and_keeps_what_was_typed(settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    operator = make_user(is_staff=True, is_superuser=True)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    response = verified_client(operator).post(
        "/admin/webhooks/webhookendpoint/add/",
        {
            "name": "Metadata grabber",
            "url": "https://169.254.169.254/latest/meta-data/",
            "secret": SECRET,
            "is_active": "on",
            "owner_emails": "ops@lab.example",
        },
    )
    assert response.status_code == 200
    assert "169.254.169.254 is not a public address" in response.content.decode()
    assert "Metadata grabber" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_signing_secret_is_stored_encrypted_and_rotates(settings):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    endpoint = WebhookEndpoint.objects.create(name="R", url="https://r.example/h", secret=SECRET)

    def stored():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT secret FROM webhooks_webhookendpoint WHERE id = %s", [endpoint.pk]
            )
            return cursor.fetchone()[0]

    token = stored()
    assert SECRET not in token and Fernet(old.encode()).decrypt(token.encode()).decode() == SECRET
    assert WebhookEndpoint.objects.get().secret == SECRET

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_field_encryption", verbosity=0)
    assert Fernet(new.encode()).decrypt(stored().encode()).decode() == SECRET
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key dropped: still readable
    assert WebhookEndpoint.objects.get().secret == SECRET


def test_production_refuses_to_keep_secrets_without_a_key(settings):
    from django.core.exceptions import ImproperlyConfigured

    from vetting.encryption import check_encryption_keys

    settings.PRODUCTION = True
    settings.FIELD_ENCRYPTION_KEYS = []
    assert [e.id for e in check_encryption_keys()] == ["vetting.E101"]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS is not set"):
        WebhookEndpoint.objects.create(name="R", url="https://r.example/h")
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    assert [e.id for e in check_encryption_keys()] == ["vetting.E102"]
