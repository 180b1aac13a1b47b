import re

import pytest

from tests.console.conftest import verified_client
from vetting.api.keys import hash_key
from vetting.api.models import GatewayKey

pytestmark = pytest.mark.django_db


def test_an_officer_creates_a_key_in_the_admin_and_sees_it_once(cast):
    console = verified_client(cast.officer)
    response = console.post(
        "/admin/api/gatewaykey/add/",
        {"name": "Lab A gateway", "kind": "gateway", "gated_models": [cast.model.pk]},
        follow=True,
    )
    assert response.status_code == 200
    shown = re.search(r"vk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", response.content.decode()).group(0)
    key = GatewayKey.objects.get(name="Lab A gateway")
    assert key.secret_hash == hash_key(shown)
    assert list(key.gated_models.all()) == [cast.model]
    page = console.get(f"/admin/api/gatewaykey/{key.pk}/change/").content.decode()
    assert key.prefix in page and shown not in page


def test_an_officer_revokes_keys_with_the_admin_action(cast, gateway_key):
    key = GatewayKey.objects.get()
    console = verified_client(cast.officer)
    console.post("/admin/api/gatewaykey/", {"action": "revoke_keys", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_by == cast.officer


def test_a_sector_reviewer_cannot_reach_the_keys(cast):
    response = verified_client(cast.sector).get("/admin/api/gatewaykey/add/")
    assert response.status_code == 403
