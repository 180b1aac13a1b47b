"""Every API entry point gives the one decision (vetting.api.decision.decide).

Hypothesis generates key kind × scope × clearance state × model state × deny-list
state × restored sectors; every entry point, through the real WSGI application
(vetting.wsgi; and once more without CheckMiddleware, so that django-ninja's route
answers the check), must give what the rule of DESIGN.md says: the check (warm,
repeated and ``no-cache``), sync, the certificate checked against the status list
(vetting/gateway_verifier.py), the status list itself and the partner list.
"""

import itertools
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.api.wsgi_client import call, in_test_transaction
from tests.factories import make_org
from vetting import gateway_verifier
from vetting.api import freshness
from vetting.api.keys import gateway_key_create, gateway_key_revoke
from vetting.api.models import GatewayKey
from vetting.clearances.models import Clearance
from vetting.gated_models.models import GatedModel
from vetting.organizations.models import Sector
from vetting.screening.models import DeniedParty

pytestmark = pytest.mark.django_db

KEYS = ("gateway", "gateway_unscoped", "auditor", "auditor_unscoped", "revoked", "none")
STATES = ("active", "active_past_expiry", "suspended", "expired", "revoked")
DENIALS = ("none", "record", "name", "domain", "uei")
RESTORED = ("none", "own_sector", "other_sector")
KIND = {"check": "gateway", "sync": "gateway", "certificate": "gateway"}
KIND |= {"status_list": "gateway", "partner_list": "auditor"}
SCOPED = {"check", "sync", "certificate"}


def expected(endpoint: str, ask: dict) -> tuple:
    """The rule, written out for this test: (HTTP status, cleared, reason)."""
    key = ask["key"]
    if key in ("revoked", "none"):
        return (401, None, None)
    if not key.startswith(KIND[endpoint]):
        return (403, None, None)
    if endpoint in SCOPED and key.endswith("_unscoped"):
        return (403, None, None)
    if not ask["has_clearance"]:
        return (200, False, "no_clearance")
    state = ask["state"]
    if ask["denial"] != "none":
        reason = "denied_party"
    elif ask["model_suspended"]:
        reason = "model_suspended"
    elif state == "active_past_expiry":
        reason = "expired"
    elif state != "active":
        reason = state
    elif ask["restored"] == "other_sector":
        reason = "model_suspended"
    else:
        return (200, True, None)
    return (200, False, reason)


@pytest.fixture
def world(cast):
    clearance = cast.walk_to("approved").clearance
    cast.org.uei, cast.org.domain = "ABC123DEF456", "lab.example"
    cast.org.save()
    raw = {}
    for name, kind, models in (
        ("gateway", GatewayKey.Kind.GATEWAY, [cast.model.pk]),
        ("gateway_unscoped", GatewayKey.Kind.GATEWAY, []),
        ("auditor", GatewayKey.Kind.AUDITOR, [cast.model.pk]),
        ("auditor_unscoped", GatewayKey.Kind.AUDITOR, []),
        ("revoked", GatewayKey.Kind.GATEWAY, [cast.model.pk]),
    ):
        key, raw[name] = gateway_key_create(
            actor=cast.officer, name=name, kind=kind, gated_model_ids=models
        )
    gateway_key_revoke(actor=cast.officer, key_id=key.pk)
    raw["none"] = None
    without_check_middleware = [
        m for m in django_settings.MIDDLEWARE if m != "vetting.api.check.CheckMiddleware"
    ]
    with override_settings(MIDDLEWARE=without_check_middleware):
        ninja_only = WSGIHandler()
    return {
        "cast": cast,
        "clearance": clearance,
        "stranger": make_org(),
        "keys": raw,
        "app": WSGIHandler(),
        "ninja_only": ninja_only,
        "other_sector": Sector.objects.exclude(pk=clearance.sector_id).first(),
    }


def _arrange(world, ask) -> None:
    """The generated state, written straight to the database (as another process's
    writes would be), then this process's memo dropped."""
    cast, clearance = world["cast"], world["clearance"]
    state = "active" if ask["state"] == "active_past_expiry" else ask["state"]
    expires = timezone.now() + timedelta(days=-1 if ask["state"] == "active_past_expiry" else 300)
    Clearance.objects.filter(pk=clearance.pk).update(state=state, expires_at=expires)
    status = "suspended" if ask["model_suspended"] else "available"
    GatedModel.objects.filter(pk=cast.model.pk).update(access_status=status)
    restored = {
        "none": [],
        "own_sector": [clearance.sector_id],
        "other_sector": [world["other_sector"].pk],
    }
    cast.model.restored_sectors.set(restored[ask["restored"]])
    DeniedParty.objects.all().delete()
    org = cast.org
    fields = {
        "record": {"organization": org},
        "name": {"legal_name": f"  {org.legal_name.upper()} "},
        "domain": {"email_domain": "LAB.example."},
        "uei": {"uei": org.uei.lower()},
    }.get(ask["denial"])
    if fields is not None:
        DeniedParty.objects.create(
            kind="email_domain" if ask["denial"] == "domain" else "organization",
            reason="Entity List",
            added_by=cast.officer,
            **fields,
        )
    freshness.forget()


def _get(app, path, key, params=None, **headers):
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    with in_test_transaction():
        return call(app, path, params, headers=headers)


def _triple(answer) -> tuple:
    if answer.status != 200:
        return (answer.status, None, None)
    body = answer.json()
    return (200, body["cleared"], body["reason"])


def _answers(world, ask) -> dict:
    """(status, cleared, reason) from every entry point."""
    cast, clearance, key = world["cast"], world["clearance"], world["keys"][ask["key"]]
    org = clearance.organization_id if ask["has_clearance"] else world["stranger"].pk
    params = {"organization": org, "model": cast.model.slug}
    app = world["app"]
    checks = [
        _get(app, "/api/v1/check", key, params),
        _get(app, "/api/v1/check", key, params),  # a repeat: answered from the memo
        _get(app, "/api/v1/check", key, params, Cache_Control="no-cache"),
        _get(world["ninja_only"], "/api/v1/check", key, params),
    ]
    assert len({(a.status, a.body) for a in checks}) == 1, [a.body for a in checks]
    answers = {"check": _triple(checks[0])}
    if not ask["has_clearance"]:
        return answers
    sync = _get(app, "/api/v1/clearances", key)
    if sync.status != 200:
        answers["sync"] = (sync.status, None, None)
    else:
        rows = [r for r in sync.json()["items"] if r["serial"] == clearance.serial]
        # An unscoped key's sync lists none of the model's clearances: its 403.
        answers["sync"] = (
            (200, rows[0]["cleared"], rows[0]["reason"]) if rows else (403, None, None)
        )
    status_list = _get(app, "/api/v1/status-list", key)
    answers["status_list"] = _status_list_triple(world, status_list, clearance)
    certificate = _get(app, f"/api/v1/clearances/{clearance.serial}/certificate", key)
    answers["certificate"] = _certificate_triple(world, certificate)
    partner = _get(app, "/api/v1/partner-list", key)
    if partner.status != 200:
        answers["partner_list"] = (partner.status, None, None)
    else:
        listed = {row["serial"] for row in partner.json()["document"]["entries"]}
        answers["partner_list"] = (200, clearance.serial in listed, None)
    return answers


def _verifier(world) -> gateway_verifier.Verifier:
    return gateway_verifier.Verifier(_get(world["app"], "/api/v1/jwks", None).json())


def _status_list_triple(world, answer, clearance) -> tuple:
    """Not cleared = the clearance's bit set in the signed list."""
    if answer.status != 200:
        return (answer.status, None, None)
    bits = _verifier(world).load_status_list(answer.json()["status_list"])
    return (200, not bits.is_set(clearance.status_index), None)


def _certificate_triple(world, answer) -> tuple:
    if answer.status != 200:
        return (answer.status, None, None)
    verifier = _verifier(world)
    token = _get(world["app"], "/api/v1/status-list", world["keys"]["gateway"]).json()
    verifier.load_status_list(token["status_list"])
    try:
        verifier.verify(answer.json()["certificate"], model=world["cast"].model.slug)
    except gateway_verifier.NotCleared:
        return (200, False, None)
    return (200, True, None)


asks = st.fixed_dictionaries(
    {
        "key": st.sampled_from(KEYS),
        "has_clearance": st.booleans(),
        "state": st.sampled_from(STATES),
        "model_suspended": st.booleans(),
        "restored": st.sampled_from(RESTORED),
        "denial": st.sampled_from(DENIALS),
    }
)


@given(ask=asks)
@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_entry_point_gives_the_one_decision(world, ask):
    _arrange(world, ask)
    answers = _answers(world, ask)
    for endpoint, answer in answers.items():
        want = expected(endpoint, ask)
        if endpoint in ("status_list", "certificate", "partner_list"):
            want = want[:2] + (None,)  # these carry cleared or not, not the reason
        assert answer == want, (endpoint, ask, answers)


def test_every_combination_of_the_clearance_facts_through_every_entry_point(world):
    """All 300 combinations of the facts the rule reads, for a scoped gateway key and
    a scoped auditor key (between them every entry point answers); the Hypothesis
    test above covers the keys' other kinds and scopes."""
    for key, has_clearance, state, suspended, restored, denial in itertools.product(
        ("gateway", "auditor"), (True,), STATES, (False, True), RESTORED, DENIALS
    ):
        ask = {
            "key": key,
            "has_clearance": has_clearance,
            "state": state,
            "model_suspended": suspended,
            "restored": restored,
            "denial": denial,
        }
        _arrange(world, ask)
        for endpoint, answer in _answers(world, ask).items():
            want = expected(endpoint, ask)
            if endpoint in ("status_list", "certificate", "partner_list"):
                want = want[:2] + (None,)
            assert answer == want, (endpoint, ask)
