import pytest
from django.utils import timezone

from tests.api.conftest import within_one_window
from tests.factories import make_model, make_org
from tests.gated_models.support import restore_now
from vetting.api.keys import gateway_key_create, gateway_key_revoke
from vetting.clearances import services as clearance_services
from vetting.gated_models import services as model_services
from vetting.screening.models import DeniedParty

pytestmark = pytest.mark.django_db


def test_it_clears_an_organization_with_an_active_clearance(gateway, cleared, cast):
    response = gateway.check(cleared.organization_id, cast.model.slug, seat="alice@example.org")
    assert response.status_code == 200
    body = response.json()
    assert body["cleared"] is True and body["reason"] is None
    assert body["serial"] == cleared.serial
    assert body["seats"] == cleared.seats
    assert body["conditions"] == "Usage is monitored."
    assert body["expires_at"] == cleared.expires_at.isoformat()
    assert body["seat"] == "alice@example.org"
    assert response["Cache-Control"] == "no-store"


def test_it_finds_the_organization_by_uei(gateway, cleared, cast):
    cast.org.uei = "ABC123DEF456"
    cast.org.save()
    response = gateway.check("abc123def456", cast.model.slug)
    assert response.json()["cleared"] is True


@pytest.mark.parametrize("organization", ["ZZZZ12345678", "123456789012345678"])
def test_a_well_formed_organization_no_one_has_is_not_cleared(gateway, cast, organization):
    response = gateway.check(organization, cast.model.slug)
    assert response.status_code == 200
    assert (response.json()["cleared"], response.json()["reason"]) == (False, "no_clearance")


def test_it_answers_no_clearance_for_an_organization_without_one(gateway, cast):
    response = gateway.check(cast.org.pk, cast.model.slug)
    assert response.status_code == 200
    assert response.json()["cleared"] is False
    assert response.json()["reason"] == "no_clearance"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda cast, c: clearance_services.clearance_suspend(
                actor=cast.officer, clearance_id=c.pk, reason="Misuse report."
            ),
            "suspended",
        ),
        (
            lambda cast, c: clearance_services.clearance_revoke(
                actor=cast.officer, clearance_id=c.pk, reason="Misuse confirmed."
            ),
            "revoked",
        ),
        (
            lambda cast, c: model_services.gated_model_suspend(
                actor=cast.officer, gated_model_id=cast.model.pk, reason="Export order."
            ),
            "model_suspended",
        ),
        (
            lambda cast, c: DeniedParty.objects.create(
                kind=DeniedParty.Kind.ORGANIZATION,
                organization=c.organization,
                legal_name=c.organization.legal_name,
                reason="Entity List",
            ),
            "denied_party",
        ),
    ],
)
def test_the_next_check_sees_a_change_at_once(gateway, cleared, cast, change, reason):
    assert gateway.check(cleared.organization_id, cast.model.slug).json()["cleared"] is True
    change(cast, cleared)
    body = gateway.check(cleared.organization_id, cast.model.slug).json()
    assert (body["cleared"], body["reason"]) == (False, reason)


def test_an_allow_ends_at_the_clearance_expiry_without_any_write(gateway, cleared, cast):
    import time
    from datetime import timedelta

    # queryset.update sends no signal, like time passing: nothing tells the memo.
    # Three seconds of margin: a loaded CI machine once took over one to answer.
    expires_at = timezone.now() + timedelta(seconds=3)
    type(cleared).objects.filter(pk=cleared.pk).update(expires_at=expires_at)
    assert gateway.check(cleared.organization_id, cast.model.slug).json()["cleared"] is True
    time.sleep(max(0.0, (expires_at - timezone.now()).total_seconds()) + 0.1)
    body = gateway.check(cleared.organization_id, cast.model.slug).json()
    assert (body["cleared"], body["reason"]) == (False, "expired")


def test_a_tiered_restoration_clears_only_restored_sectors(gateway, cleared, cast):
    from vetting.organizations.models import Sector

    model_services.gated_model_suspend(
        actor=cast.officer, gated_model_id=cast.model.pk, reason="Export order."
    )
    restore_now(
        proposer=cast.officer,
        gated_model_id=cast.model.pk,
        reason="Partial lift.",
        sector_ids=[Sector.objects.get(slug="water_wastewater").pk],
    )
    body = gateway.check(cleared.organization_id, cast.model.slug).json()
    assert (body["cleared"], body["reason"]) == (False, "model_suspended")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"model": "m"}, "organization: this parameter is required"),
        ({"organization": "1"}, "model: this parameter is required"),
        ({"organization": "abc", "model": "m"}, "organization: give a numeric id or a UEI"),
        ({"organization": "1\x00", "model": "m"}, "organization: contains a control"),
        ({"organization": "9" * 19, "model": "m"}, "organization: a numeric id has 1 to 18"),
        ({"organization": "0", "model": "m"}, "organization: a numeric id has 1 to 18"),
        ({"organization": "042", "model": "m"}, "organization: a numeric id has 1 to 18"),
        ({"organization": " ABC123DEF456", "model": "m"}, "organization: give a numeric id"),
        ({"organization": "ABC123456789", "model": "m"}, "organization: give a numeric id"),
        ({"organization": "1" * 65, "model": "m"}, "organization: at most 64 characters"),
        ({"organization": "1", "model": "no/slashes"}, "model: a model slug has only"),
        ({"organization": "1", "model": "m" * 61}, "model: at most 60 characters"),
        ({"organization": "1", "model": "m", "seat": "x" * 201}, "seat: at most 200 characters"),
        ({"organization": "1", "model": "m", "seat": "a\u202eb"}, "seat: contains a control"),
        ({"organization": "1", "model": "m", "seat": "a\nb"}, "seat: contains a control"),
    ],
)
def test_it_rejects_malformed_parameters_with_a_message(gateway, params, field):
    response = gateway.get("check", **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith(field)


def test_it_answers_404_for_an_unknown_model(gateway, cast):
    response = gateway.check(cast.org.pk, "no-such-model")
    assert response.status_code == 404
    assert "no-such-model" in response.json()["detail"]


@pytest.mark.parametrize(
    "header", [None, "Bearer vk_nothing_here", "Basic abc", "Bearer " + "x" * 500]
)
def test_it_refuses_a_missing_or_wrong_key_with_401(client, cast, header):
    headers = {"Authorization": header} if header else {}
    response = client.get(
        "/api/v1/check", {"organization": cast.org.pk, "model": cast.model.slug}, headers=headers
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "API key" in response.json()["detail"]


def test_a_key_not_scoped_to_the_model_gets_403(gateway, cast):
    other = make_model()
    response = gateway.check(cast.org.pk, other.slug)
    assert response.status_code == 403
    assert other.slug in response.json()["detail"]


def test_revoking_a_key_takes_effect_at_once(gateway, cleared, cast):
    key, raw = gateway_key_create(
        actor=cast.officer, name="Soon gone", gated_model_ids=[cast.model.pk]
    )
    assert gateway.check(cleared.organization_id, cast.model.slug, key=raw).status_code == 200
    gateway_key_revoke(actor=cast.officer, key_id=key.pk)
    assert gateway.check(cleared.organization_id, cast.model.slug, key=raw).status_code == 401


def test_it_records_last_use_without_writing_on_every_request(gateway, cleared, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vetting.api.models import GatewayKey

    gateway.check(cleared.organization_id, cast.model.slug)
    key = GatewayKey.objects.get(name="Lab gateway")
    assert key.last_used_at is not None

    def five_asks():
        # In this window's memo first (a window may just have begun: the answer of the
        # one before is then served once and recomputed after the response).
        gateway.check(cleared.organization_id, cast.model.slug)
        with CaptureQueriesContext(connection) as queries:
            for _ in range(5):
                gateway.check(cleared.organization_id, cast.model.slug)
        return queries.captured_queries

    assert within_one_window(five_asks) == []


def test_the_database_path_costs_one_query(gateway, cleared, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def warm_then_fresh():
        gateway.check(cleared.organization_id, cast.model.slug)  # warms key and model lookups
        with CaptureQueriesContext(connection) as queries:
            response = gateway.client.get(
                "/api/v1/check",
                {"organization": cleared.organization_id, "model": cast.model.slug},
                headers={"Authorization": f"Bearer {gateway.key}", "Cache-Control": "no-cache"},
            )
        return response, queries.captured_queries

    response, queries = within_one_window(warm_then_fresh)
    assert response.json()["cleared"] is True
    assert len(queries) == 1


def test_it_only_accepts_get(gateway, cast):
    response = gateway.client.post("/api/v1/check", {"organization": 1, "model": "m"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_other_organizations_clearances_do_not_clear_this_one(gateway, cleared, cast):
    stranger = make_org()
    assert gateway.check(stranger.pk, cast.model.slug).json()["reason"] == "no_clearance"


def test_it_rejects_an_unknown_parameter(gateway, cast):
    response = gateway.check(cast.org.pk, cast.model.slug, orgnization="typo")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("'orgnization': unknown parameter")


def test_a_change_no_one_signals_is_seen_within_max_age(gateway, cleared, cast):
    """E.g. another process's write (a Celery worker's, a database owner's UPDATE):
    nothing tells this process, and within freshness.MAX_AGE it answers from the
    database anyway."""
    import time

    from vetting.api import freshness

    assert gateway.check(cleared.organization_id, cast.model.slug).json()["cleared"] is True
    type(cleared).objects.filter(pk=cleared.pk).update(state="suspended")  # no signal here
    time.sleep(freshness.MAX_AGE)
    body = gateway.check(cleared.organization_id, cast.model.slug).json()
    assert (body["cleared"], body["reason"]) == (False, "suspended")


def test_each_distinct_question_gets_its_own_remembered_answer(gateway, cleared, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cast.org.uei = "ABC123DEF456"
    cast.org.save()
    asks = [
        {"organization": cleared.organization_id, "seat": "alice"},
        {"organization": cleared.organization_id, "seat": "bob"},
        {"organization": "ABC123DEF456"},
    ]

    def twice():
        first = [gateway.check(model=cast.model.slug, **ask).json() for ask in asks]
        with CaptureQueriesContext(connection) as queries:
            again = [gateway.check(model=cast.model.slug, **ask).json() for ask in asks]
        return first, again, queries.captured_queries

    first, again, queries = within_one_window(twice)
    assert again == first and queries == []
    assert [body["seat"] for body in again] == ["alice", "bob", None]
    assert again[2]["organization"] == "ABC123DEF456" and again[2]["cleared"] is True
    other = make_org()
    body = gateway.check(other.pk, cast.model.slug).json()
    assert body["cleared"] is False and body["reason"] == "no_clearance"


def test_a_client_that_sends_many_wrong_keys_is_throttled_before_its_key_is_looked_at(
    client, gateway_key, cleared, cast
):
    params = {"organization": cleared.organization_id, "model": cast.model.slug}

    def ask(key, ip="10.1.1.1"):
        return client.get(
            "/api/v1/check", params, headers={"Authorization": f"Bearer {key}"}, REMOTE_ADDR=ip
        )

    wrong = gateway_key[:-4] + ("aaaa" if not gateway_key.endswith("aaaa") else "bbbb")
    assert {ask(wrong).status_code for _ in range(60)} == {401}
    throttled = ask(wrong)
    assert throttled.status_code == 429 and throttled["Retry-After"] == "60"
    assert ask(gateway_key).status_code == 429  # not even a right key, from there, for now
    assert ask(gateway_key, ip="10.1.1.2").json()["cleared"] is True
    ninja = client.get(
        "/api/v1/status-list", headers={"Authorization": f"Bearer {wrong}"}, REMOTE_ADDR="10.1.1.1"
    )
    assert ninja.status_code == 429
