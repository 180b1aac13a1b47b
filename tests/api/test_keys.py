import pytest

from tests.factories import make_user
from vetting.accounts.roles import Role
from vetting.api.keys import gateway_key_create, gateway_key_revoke, hash_key
from vetting.api.models import GatewayKey
from vetting.audit.models import AuditEvent
from vetting.errors import InvalidState, NotPermitted

pytestmark = pytest.mark.django_db


def test_a_key_is_stored_only_as_a_hash_and_known_by_its_prefix(cast):
    key, raw = gateway_key_create(actor=cast.officer, name="Lab", gated_model_ids=[cast.model.pk])
    assert raw.startswith(f"vk_{key.prefix}_") and len(raw) > 40
    stored = GatewayKey.objects.get(pk=key.pk)
    assert stored.secret_hash == hash_key(raw)
    assert raw not in {
        str(v)
        for v in GatewayKey.objects.values_list("name", "prefix", "secret_hash").get(pk=key.pk)
    }
    assert list(stored.gated_models.all()) == [cast.model]
    assert AuditEvent.objects.filter(action="gateway_key.created", object_id=str(key.pk)).exists()


def test_only_a_clearance_officer_makes_or_revokes_keys(cast):
    reviewer = make_user(role=Role.SECTOR_REVIEWER)
    with pytest.raises(NotPermitted):
        gateway_key_create(actor=reviewer, name="Sneaky")
    key, _ = gateway_key_create(actor=cast.officer, name="Lab")
    with pytest.raises(NotPermitted):
        gateway_key_revoke(actor=reviewer, key_id=key.pk)


def test_a_key_is_revoked_once_and_stays_on_record(cast):
    key, _ = gateway_key_create(actor=cast.officer, name="Lab")
    gateway_key_revoke(actor=cast.officer, key_id=key.pk)
    with pytest.raises(InvalidState):
        gateway_key_revoke(actor=cast.officer, key_id=key.pk)
    key.refresh_from_db()
    assert key.revoked_by == cast.officer and key.is_revoked
    assert AuditEvent.objects.filter(action="gateway_key.revoked", object_id=str(key.pk)).exists()
