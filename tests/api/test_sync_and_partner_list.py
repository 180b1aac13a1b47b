import jwt
import pytest
from django.utils import timezone

from tests.factories import Cast
from vetting.api import signing
from vetting.clearances import services as clearance_services

pytestmark = pytest.mark.django_db


def _walk_all_pages(gateway, **params):
    serials, cursor = [], None
    for _ in range(20):
        body = gateway.get(
            "clearances", **params, **({"cursor": cursor} if cursor else {}), limit=1
        ).json()
        serials += [item["serial"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return serials, cursor
    raise AssertionError("pagination did not end")


def test_sync_pages_through_every_clearance_of_the_keys_models(gateway, cast):
    first = cast.walk_to("approved").clearance
    second = Cast(model=cast.model).walk_to("approved").clearance
    Cast().walk_to("approved")  # another model: not in the key's scope
    serials, _ = _walk_all_pages(gateway)
    assert serials == [first.serial, second.serial]


def test_sync_returns_only_what_changed_since_the_cursor(gateway, cast, cleared):
    serials, cursor = _walk_all_pages(gateway)
    assert serials == [cleared.serial]
    clearance_services.clearance_suspend(
        actor=cast.officer, clearance_id=cleared.pk, reason="Misuse report."
    )
    body = gateway.get("clearances", cursor=cursor).json()
    assert [(i["serial"], i["state"], i["cleared"], i["reason"]) for i in body["items"]] == [
        (cleared.serial, "suspended", False, "suspended")
    ]


def test_sync_filters_by_changed_since(gateway, cleared):
    later = (timezone.now() + timezone.timedelta(minutes=1)).isoformat()
    assert gateway.get("clearances", changed_since=later).json()["items"] == []
    earlier = (timezone.now() - timezone.timedelta(days=1)).isoformat()
    assert len(gateway.get("clearances", changed_since=earlier).json()["items"]) == 1


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"changed_since": "yesterday"}, "changed_since"),
        ({"changed_since": "99999-01-01T00:00:00"}, "changed_since"),
        ({"changed_since": "2026-01-31T12:00:00"}, "changed_since"),  # no offset
        ({"changed_since": "2026-01-31"}, "changed_since"),
        ({"changed_since": "2026-02-30T12:00:00Z"}, "changed_since"),
        ({"changed_since": ""}, "changed_since"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "x" * 201}, "cursor"),
        ({"cursor": "0" * 200}, "cursor"),
        ({"cursor": ""}, "cursor"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1" * 40}, "limit"),
    ],
)
def test_sync_rejects_bad_parameters_with_400(gateway, params, word):
    response = gateway.get("clearances", **params)
    assert response.status_code == 400
    assert word in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"cursor": "0_0"}, 1),
        ({"cursor": "9999999999999999_999999999999999999"}, 0),
        ({"changed_since": "0000-01-01T00:00:00Z"}, 1),
        ({"changed_since": "0001-01-01T00:00:00+23:59"}, 1),
        ({"changed_since": "9999-12-31T23:59:59-23:59"}, 0),
        ({"changed_since": "2016-12-31T23:59:60Z"}, 1),
        ({"changed_since": "2999-12-31t23:59:59.9999999z"}, 0),
    ],
)
def test_sync_answers_every_value_its_document_allows(gateway, cleared, params, count):
    response = gateway.get("clearances", **params)
    assert response.status_code == 200
    assert len(response.json()["items"]) == count


def test_sync_and_certificates_refuse_auditor_keys(gateway, auditor_key):
    response = gateway.get("clearances", key=auditor_key)
    assert response.status_code == 403


def test_the_partner_list_is_signed_and_lists_active_clearances(
    gateway, auditor_key, cleared, cast
):
    body = gateway.get("partner-list", key=auditor_key).json()
    key = jwt.PyJWK(signing.jwks()["keys"][0])
    assert jwt.decode(body["token"], key.key, algorithms=["EdDSA"])["version"] == body["version"]
    [row] = body["document"]["entries"]
    assert row["serial"] == cleared.serial
    assert row["organization"] == cast.org.legal_name
    assert row["sectors"] == ["Energy"]
    assert row["model_slug"] == cast.model.slug
    assert row["signed_off_by"] == cast.government.display_name
    assert body["document"]["changes"]["added"] == [row]


def test_the_partner_list_versions_its_changes(gateway, auditor_key, cleared, cast):
    first = gateway.get("partner-list", key=auditor_key).json()
    assert gateway.get("partner-list", key=auditor_key).json()["version"] == first["version"]
    newcomer = Cast(model=cast.model).walk_to("approved").clearance
    clearance_services.clearance_revoke(
        actor=cast.officer, clearance_id=cleared.pk, reason="Misuse confirmed."
    )
    second = gateway.get("partner-list", key=auditor_key).json()
    assert second["version"] == first["version"] + 1
    assert second["document"]["previous_version"] == first["version"]
    changes = second["document"]["changes"]
    assert [r["serial"] for r in changes["added"]] == [newcomer.serial]
    assert [r["serial"] for r in changes["removed"]] == [cleared.serial]
    assert changes["changed"] == []


def test_the_partner_list_refuses_gateway_keys(gateway):
    response = gateway.get("partner-list")
    assert response.status_code == 403
    assert "auditor" in response.json()["detail"]


def test_the_openapi_document_is_served_at_a_stable_url(client):
    document = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/check",
        "/api/v1/jwks",
        "/api/v1/status-list",
        "/api/v1/clearances",
        "/api/v1/partner-list",
    } <= set(document["paths"])
