import pytest

from vetting.api import freshness, keys
from vetting.api.keys import gateway_key_create
from vetting.api.models import GatewayKey


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The cast makes six users; PBKDF2 would dominate these tests' run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty memo (test transactions roll back without any
    commit, and ids are reused)."""
    freshness.forget()
    keys._last_noted.clear()
    yield
    freshness.forget()


def within_one_window(ask):
    """``ask()``'s result, from a run that started and ended in one freshness window
    (so nothing kept lapsed in the middle): retried until one does."""
    for _ in range(50):
        memo = freshness.memo()
        result = ask()
        if freshness.memo() is memo:
            return result
    raise AssertionError("no run fitted in one freshness window")


@pytest.fixture
def cleared(cast):
    """An organization with an active clearance for cast.model."""
    return cast.walk_to("approved").clearance


@pytest.fixture
def gateway_key(cast):
    _, raw = gateway_key_create(
        actor=cast.officer, name="Lab gateway", gated_model_ids=[cast.model.pk]
    )
    return raw


@pytest.fixture
def auditor_key(cast):
    _, raw = gateway_key_create(actor=cast.officer, name="Auditor", kind=GatewayKey.Kind.AUDITOR)
    return raw


class Gateway:
    def __init__(self, client, key):
        self.client, self.key = client, key

    def get(self, path, key=None, **params):
        headers = {"Authorization": f"Bearer {key or self.key}"}
        return self.client.get(f"/api/v1/{path}", params, headers=headers)

    def check(self, organization, model, **params):
        return self.get("check", organization=organization, model=model, **params)


@pytest.fixture
def gateway(client, gateway_key):
    return Gateway(client, gateway_key)
