"""Behind nginx every request comes from the proxy's address: the lockout must still
be per real client, and nothing a client writes in X-Forwarded-For may move it."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import PASSWORD, make_user
from vetting.clientip import client_ip

PROXY = "127.0.0.1"


def request(xff=None, remote=PROXY):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("hops", "xff", "expected"),
    [
        (0, "203.0.113.5", PROXY),  # no proxy trusted: the header is the client's words
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.9, 203.0.113.5", "203.0.113.5"),  # forged entry on the left
        (1, "198.51.100.9,203.0.113.5", "203.0.113.5"),
        (2, "198.51.100.9, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "2001:DB8::1", "2001:db8::1"),
        (1, None, PROXY),  # a request that did not come through the proxy
        (1, "", PROXY),
        (2, "203.0.113.5", PROXY),  # fewer entries than hops: not from the proxies
        (1, "203.0.113.5, not-an-address", PROXY),
        (1, "203.0.113.5, 999.1.1.1", PROXY),
    ],
)
def test_the_client_is_counted_from_the_right(settings, hops, xff, expected):
    settings.TRUSTED_PROXY_HOPS = hops
    assert client_ip(request(xff)) == expected


def login(client, email, password, xff):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=xff,
    )


def test_two_clients_behind_the_proxy_are_locked_independently(db, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    user = make_user("pat@grid.example")
    attacker, victim = Client(), Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, user.email, "wrong", "198.51.100.7")
    assert login(attacker, user.email, PASSWORD, "198.51.100.7").status_code == 429
    # Forging the victim's address on the left changes nothing: the proxy's entry wins.
    assert login(attacker, user.email, PASSWORD, "203.0.113.5, 198.51.100.7").status_code == 429
    # The victim, behind the same proxy, signs in.
    assert login(victim, user.email, PASSWORD, "203.0.113.5").status_code == 302


def test_a_client_cannot_escape_its_lock_by_writing_new_addresses(db, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    user = make_user("pat@grid.example")
    attacker = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, user.email, "wrong", f"192.0.2.{n}, 198.51.100.7")
    assert login(attacker, user.email, PASSWORD, "192.0.2.99, 198.51.100.7").status_code == 429
