"""The check through the production WSGI application (vetting.wsgi), driven as a WSGI
server drives it: Django's headers on every answer, HSTS and the HTTPS redirect as
configured, and changes seen at once in the process that made them."""

import pytest
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application

from tests.api.wsgi_client import call, in_test_transaction
from vetting.api import keys
from vetting.api.keys import gateway_key_revoke
from vetting.api.models import GatewayKey
from vetting.clearances import services as clearance_services

pytestmark = pytest.mark.django_db


class Server:
    """The production WSGI stack, built under the test's settings, counting the
    requests that reached Django's handler."""

    def __init__(self, key):
        self.app, self.key, self.reached_django = get_wsgi_application(), key, 0

    def _started(self, **kwargs):
        self.reached_django += 1

    def ask(self, params, *, key=None, method="GET", scheme="http", **headers):
        headers = {"Authorization": f"Bearer {key or self.key}", **headers}
        signals.request_started.connect(self._started)
        try:
            with in_test_transaction():
                return call(
                    self.app, "/api/v1/check", params, method=method, scheme=scheme, headers=headers
                )
        finally:
            signals.request_started.disconnect(self._started)


@pytest.fixture
def server(gateway_key):
    return Server(gateway_key)


@pytest.fixture
def ask(cleared, cast):
    return {"organization": cleared.organization_id, "model": cast.model.slug}


def test_a_repeated_ask_gets_the_same_bytes_and_securitys_headers(server, ask):
    first = server.ask(ask)
    assert first.status == 200 and first.json()["cleared"] is True
    again = [server.ask(ask) for _ in range(3)]
    for answer in again:
        assert (answer.status, answer.body) == (200, first.body)
        assert answer.headers == first.headers
    assert first.header("X-Content-Type-Options") == "nosniff"
    assert first.header("Cache-Control") == "no-store"
    assert first.header("Content-Length") == str(len(first.body))


def test_over_https_behind_the_proxy_the_answer_carries_hsts(settings, gateway_key, ask):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    server = Server(gateway_key)
    secure = [server.ask(ask, X_Forwarded_Proto="https") for _ in range(2)]
    assert [a.header("Strict-Transport-Security") for a in secure] == ["max-age=3600"] * 2
    plain = [server.ask(ask, X_Forwarded_Proto="http") for _ in range(2)]
    assert [a.header("Strict-Transport-Security") for a in plain] == [None, None]
    assert plain[0].body == secure[0].body


def test_with_ssl_redirect_plain_http_is_always_redirected(settings, gateway_key, ask):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    server = Server(gateway_key)
    assert server.ask(ask, X_Forwarded_Proto="https").status == 200
    for _ in range(2):
        answer = server.ask(ask, X_Forwarded_Proto="http")
        assert answer.status == 301
        assert answer.header("Location").startswith("https://testserver/api/v1/check?")


def test_a_revocation_ends_the_kept_allow_at_once_in_this_process(server, ask, cleared, cast):
    assert [server.ask(ask).json()["cleared"] for _ in range(2)] == [True, True]
    clearance_services.clearance_revoke(
        actor=cast.officer, clearance_id=cleared.pk, reason="Misuse confirmed."
    )
    body = server.ask(ask).json()
    assert (body["cleared"], body["reason"]) == (False, "revoked")


def test_a_revoked_key_gets_401_at_once(server, ask, cast):
    assert server.ask(ask).status == server.ask(ask).status == 200
    gateway_key_revoke(actor=cast.officer, key_id=GatewayKey.objects.get(name="Lab gateway").pk)
    answer = server.ask(ask)
    assert answer.status == 401 and answer.header("WWW-Authenticate") == "Bearer"


def test_other_methods_and_wrong_keys_are_refused(server, ask):
    assert server.ask(ask, key="vk_00000000_wrong").status == 401
    assert server.ask(ask, method="POST").status == 405
    head = server.ask(ask, method="HEAD")
    assert head.status == 200


def test_a_keys_use_is_still_recorded_once_a_minute(server, ask):
    server.ask(ask)
    key = GatewayKey.objects.get(name="Lab gateway")
    first_use = key.last_used_at
    assert first_use is not None
    server.ask(ask)
    key.refresh_from_db()
    assert key.last_used_at == first_use
    # A minute later (this process's clock and the cross-process latch both lapse):
    keys._last_noted.clear()
    cache.delete(f"vetting:api:key-used:{key.pk}:{key.secret_hash[:16]}")
    server.ask(ask)
    key.refresh_from_db()
    assert key.last_used_at > first_use
