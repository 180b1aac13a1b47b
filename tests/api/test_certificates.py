import base64
import json
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.factories import make_model, make_user
from vetting import gateway_verifier
from vetting.api import signing
from vetting.api.certificates import certificate_mint
from vetting.clearances import services as clearance_services
from vetting.gated_models import services as model_services

pytestmark = pytest.mark.django_db

SEED_A = base64.b64encode(b"a" * 32).decode()
SEED_B = base64.b64encode(b"b" * 32).decode()


def _verifier(gateway):
    verifier = gateway_verifier.Verifier(
        gateway.client.get("/api/v1/jwks").json(), issuer="http://localhost:8000"
    )
    verifier.load_status_list(gateway.get("status-list").json()["status_list"])
    return verifier


def _certificate(gateway, clearance):
    response = gateway.get(f"clearances/{clearance.serial}/certificate")
    assert response.status_code == 200
    return response.json()["certificate"]


def test_jwks_publishes_the_ed25519_public_key_without_a_key(client):
    keys = client.get("/api/v1/jwks").json()["keys"]
    assert [(k["kty"], k["crv"], k["alg"]) for k in keys] == [("OKP", "Ed25519", "EdDSA")]
    assert "d" not in keys[0]


def test_a_certificate_carries_the_clearance_and_verifies_offline(gateway, cleared, cast):
    token = _certificate(gateway, cleared)
    claims = _verifier(gateway).verify(token, model=cast.model.slug)
    assert claims["serial"] == cleared.serial
    assert claims["organization"]["id"] == cleared.organization_id
    assert claims["seats"] == cleared.seats
    assert claims["conditions"] == "Usage is monitored."
    assert claims["exp"] == int(cleared.expires_at.timestamp())
    assert claims["status"]["idx"] == cleared.status_index
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"


def test_a_revoked_clearance_fails_once_the_new_status_list_is_fetched(gateway, cleared, cast):
    token = _certificate(gateway, cleared)
    verifier = _verifier(gateway)
    clearance_services.clearance_revoke(
        actor=cast.officer, clearance_id=cleared.pk, reason="Misuse confirmed."
    )
    verifier.verify(token)  # the old list does not know yet
    verifier.load_status_list(gateway.get("status-list").json()["status_list"])
    with pytest.raises(gateway_verifier.NotCleared) as failure:
        verifier.verify(token)
    assert failure.value.reason == "revoked"


def test_a_model_suspension_flags_every_certificate_for_it(gateway, cleared, cast):
    token = _certificate(gateway, cleared)
    model_services.gated_model_suspend(
        actor=cast.officer, gated_model_id=cast.model.pk, reason="Export order."
    )
    with pytest.raises(gateway_verifier.NotCleared):
        _verifier(gateway).verify(token)


def test_a_tampered_certificate_fails(gateway, cleared):
    header, payload, signature = _certificate(gateway, cleared).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["seats"] = 10_000
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(gateway_verifier.NotCleared) as failure:
        _verifier(gateway).verify(f"{header}.{forged}.{signature}")
    assert failure.value.reason == "bad_signature"


def test_a_certificate_for_another_model_fails(gateway, cleared):
    with pytest.raises(gateway_verifier.NotCleared) as failure:
        _verifier(gateway).verify(_certificate(gateway, cleared), model="some-other-model")
    assert failure.value.reason == "wrong_model"


def test_verification_needs_a_status_list(gateway, cleared):
    verifier = gateway_verifier.Verifier(gateway.client.get("/api/v1/jwks").json())
    with pytest.raises(gateway_verifier.NotCleared) as failure:
        verifier.verify(_certificate(gateway, cleared))
    assert failure.value.reason == "no_status_list"


def test_key_rotation_keeps_old_certificates_verifiable(gateway, cleared, settings):
    settings.VETTING_SIGNING_KEYS = f"2026-a:{SEED_A}"
    old = _certificate(gateway, cleared)
    settings.VETTING_SIGNING_KEYS = f"2026-b:{SEED_B},2026-a:{SEED_A}"
    new = _certificate(gateway, cleared)
    assert jwt.get_unverified_header(old)["kid"] == "2026-a"
    assert jwt.get_unverified_header(new)["kid"] == "2026-b"
    verifier = _verifier(gateway)
    assert verifier.verify(old)["serial"] == verifier.verify(new)["serial"] == cleared.serial
    settings.VETTING_SIGNING_KEYS = f"2026-b:{SEED_B}"  # a: retired after its certificates
    with pytest.raises(gateway_verifier.NotCleared) as failure:
        _verifier(gateway).verify(old)
    assert failure.value.reason == "unknown_key"


def test_production_refuses_the_development_key(settings):
    settings.PRODUCTION = True
    settings.VETTING_SIGNING_KEYS = ""
    with pytest.raises(ImproperlyConfigured):
        signing.keys()


@pytest.mark.parametrize(
    "spec",
    [
        "nokid",
        "a:not-base64!!",
        "a:" + base64.b64encode(b"short").decode(),
        f"a:{SEED_A},a:{SEED_B}",
    ],
)
def test_malformed_signing_keys_are_refused(spec):
    with pytest.raises(ImproperlyConfigured):
        signing.parse_keys(spec)


def test_the_status_list_answers_304_to_a_matching_etag(gateway, cleared, cast):
    first = gateway.get("status-list")
    etag = first["ETag"]
    again = gateway.client.get(
        "/api/v1/status-list",
        headers={"Authorization": f"Bearer {gateway.key}", "If-None-Match": etag},
    )
    assert again.status_code == 304
    clearance_services.clearance_suspend(
        actor=cast.officer, clearance_id=cleared.pk, reason="Misuse report."
    )
    changed = gateway.client.get(
        "/api/v1/status-list",
        headers={"Authorization": f"Bearer {gateway.key}", "If-None-Match": etag},
    )
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_status_list_needs_a_key(client):
    assert client.get("/api/v1/status-list").status_code == 401


@pytest.mark.parametrize("serial", ["CLR-NOPE", "bad serial", "X" * 40])
def test_an_unknown_or_malformed_serial_gets_a_4xx(gateway, serial):
    response = gateway.get(f"clearances/{serial}/certificate")
    assert response.status_code in (400, 404)
    assert response.json()["detail"]


def test_a_certificate_of_a_model_outside_the_keys_scope_gets_403(client, cleared, cast):
    from vetting.api.keys import gateway_key_create

    _, raw = gateway_key_create(actor=cast.officer, name="Other", gated_model_ids=[make_model().pk])
    response = client.get(
        f"/api/v1/clearances/{cleared.serial}/certificate",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 403


def test_members_download_their_certificate_from_the_portal(client, cleared, cast):
    client.force_login(cast.applicant)
    response = client.get(f"/apply/clearances/{cleared.pk}/certificate/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{cleared.serial}.jwt"'
    assert jwt.decode(response.content, options={"verify_signature": False})["serial"] == (
        cleared.serial
    )


def test_the_portal_certificate_is_404_to_another_organization(client, cleared):
    client.force_login(make_user())
    assert client.get(f"/apply/clearances/{cleared.pk}/certificate/").status_code == 404


def test_minting_is_reproducible_for_the_same_key(cleared):
    assert certificate_mint(cleared) == certificate_mint(cleared)


def test_the_verifier_works_as_a_lone_file_without_django(gateway, cleared, tmp_path):
    """What a gateway does: copy the one file, import it, verify offline."""
    (tmp_path / "gateway_verifier.py").write_text(Path(gateway_verifier.__file__).read_text())
    facts = {
        "jwks": gateway.client.get("/api/v1/jwks").json(),
        "status_list": gateway.get("status-list").json()["status_list"],
        "certificate": _certificate(gateway, cleared),
    }
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "import gateway_verifier as gv\n"
        "facts = json.load(sys.stdin)\n"
        "verifier = gv.Verifier(facts['jwks'])\n"
        "verifier.load_status_list(facts['status_list'])\n"
        "print(verifier.verify(facts['certificate'])['serial'])\n"
        "assert not any(m.split('.')[0] == 'django' for m in sys.modules), 'django loaded'\n"
    )
    result = subprocess.run(  # noqa: S603 - our own fixed code, run by this interpreter
        [sys.executable, "-I", "-c", code],
        input=json.dumps(facts),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == cleared.serial
