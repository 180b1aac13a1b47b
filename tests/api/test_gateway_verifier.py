"""The offline verifier (vetting/gateway_verifier.py) checks signatures with
``cryptography`` directly: it must refuse everything PyJWT refused, with the same
reasons, and accept what PyJWT accepts. Tokens are signed by the server's own
signing code (vetting.api.signing), then tampered with."""

import base64
import json
import time

import jwt
import pytest

from vetting import gateway_verifier
from vetting.api import signing
from vetting.api.certificates import CERTIFICATE_TYP, STATUS_LIST_TYP, encode_bits

NotCleared = gateway_verifier.NotCleared
ISSUER = "https://vetting.example"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**overrides) -> dict:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "serial": "CLR-1",
        "model": "cyber-model",
        "status": {"idx": 3, "uri": f"{ISSUER}/api/v1/status-list"},
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _status_list(bits=b"\x00" * 16) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "iat": now, "exp": now + 3600}
    claims["status_list"] = {"lst": encode_bits(bits)}
    return signing.sign(claims, typ=STATUS_LIST_TYP)


@pytest.fixture
def verifier(settings):
    settings.VETTING_SIGNING_KEYS = "k1:" + base64.b64encode(b"k" * 32).decode()
    verifier = gateway_verifier.Verifier(signing.jwks(), issuer=ISSUER)
    verifier.load_status_list(_status_list())
    return verifier


def _pyjwt_accepts(token: str, typ: str = CERTIFICATE_TYP) -> bool:
    key = jwt.PyJWK(signing.jwks()["keys"][0], algorithm="EdDSA")
    try:
        if jwt.get_unverified_header(token).get("typ") != typ:
            return False
        jwt.decode(
            token,
            key.key,
            algorithms=["EdDSA"],
            issuer=ISSUER,
            leeway=30,
            options={"require": ["exp", "iat", "serial", "model", "status"]},
        )
    except jwt.PyJWTError:
        return False
    return True


def _resign_header(token: str, **header) -> str:
    parts = token.split(".")
    original = json.loads(base64.urlsafe_b64decode(parts[0] + "=="))
    parts[0] = _b64(json.dumps({**original, **header}).encode())
    return ".".join(parts)


def _swap_payload(token: str, claims: dict) -> str:
    parts = token.split(".")
    parts[1] = _b64(json.dumps(claims).encode())
    return ".".join(parts)


def test_a_genuine_certificate_verifies_and_is_kept_verified(verifier):
    token = signing.sign(_claims(), typ=CERTIFICATE_TYP)
    assert verifier.verify(token, model="cyber-model")["serial"] == "CLR-1"
    again = verifier.verify(token, model="cyber-model")
    again["serial"] = "changed by the caller"
    assert verifier.verify(token)["serial"] == "CLR-1"  # what is kept stays as signed
    assert _pyjwt_accepts(token)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: signing.sign(_claims(exp=int(time.time()) - 60), typ=CERTIFICATE_TYP), "expired"),
        (
            lambda: signing.sign(_claims(iat=int(time.time()) + 600), typ=CERTIFICATE_TYP),
            "bad_signature",
        ),
        (
            lambda: signing.sign(_claims(nbf=int(time.time()) + 600), typ=CERTIFICATE_TYP),
            "bad_signature",
        ),
        (
            lambda: signing.sign(_claims(iss="https://other.example"), typ=CERTIFICATE_TYP),
            "bad_signature",
        ),
        (lambda: signing.sign(_claims(aud="someone"), typ=CERTIFICATE_TYP), "bad_signature"),
        (lambda: signing.sign(_claims(exp="soon"), typ=CERTIFICATE_TYP), "bad_signature"),
        (lambda: signing.sign(_claims(exp=None), typ=CERTIFICATE_TYP), "bad_signature"),
        (lambda: signing.sign(_claims(serial=None), typ=CERTIFICATE_TYP), "bad_signature"),
        (lambda: signing.sign(_claims(), typ=STATUS_LIST_TYP), "malformed"),
        (
            lambda: _swap_payload(signing.sign(_claims(), typ=CERTIFICATE_TYP), _claims(model="x")),
            "bad_signature",
        ),
        (
            lambda: _resign_header(signing.sign(_claims(), typ=CERTIFICATE_TYP), alg="none"),
            "malformed",
        ),
        (
            lambda: _resign_header(signing.sign(_claims(), typ=CERTIFICATE_TYP), kid="k2"),
            "unknown_key",
        ),
        (
            lambda: _resign_header(signing.sign(_claims(), typ=CERTIFICATE_TYP), kid=["k1"]),
            "unknown_key",
        ),
        (lambda: signing.sign(_claims(), typ=CERTIFICATE_TYP) + ".extra", "malformed"),
        (
            lambda: signing.sign(_claims(), typ=CERTIFICATE_TYP).replace(".", ".+", 1),
            "bad_signature",
        ),
        (lambda: "not a token", "malformed"),
        (lambda: "x" * 2_000_000, "malformed"),
    ],
)
def test_what_it_refuses_and_why(verifier, make, reason):
    token = make()
    with pytest.raises(NotCleared) as failure:
        verifier.verify(token)
    assert failure.value.reason == reason
    assert not _pyjwt_accepts(token)  # PyJWT, which it replaces, refused it too


def test_a_tampered_signature_is_refused(verifier):
    token = signing.sign(_claims(), typ=CERTIFICATE_TYP)
    head, body, signature = token.split(".")
    raw = base64.urlsafe_b64decode(signature + "==")
    flipped = _b64(bytes([raw[0] ^ 1]) + raw[1:])
    for bad in (f"{head}.{body}.{flipped}", f"{head}.{body}.", f"{head}.{body}.{signature}="):
        with pytest.raises(NotCleared) as failure:
            verifier.verify(bad)
        assert failure.value.reason in ("bad_signature", "malformed")
        assert not _pyjwt_accepts(bad) or bad.endswith("=")


@pytest.mark.parametrize("idx", [True, -1, 10**6, "3", None])
def test_a_status_index_that_vouches_for_nothing_is_refused(verifier, idx):
    token = signing.sign(_claims(status={"idx": idx}), typ=CERTIFICATE_TYP)
    with pytest.raises(NotCleared) as failure:
        verifier.verify(token)
    assert failure.value.reason == "revoked"


def test_a_set_bit_and_an_expired_status_list_are_refused(verifier):
    token = signing.sign(_claims(), typ=CERTIFICATE_TYP)
    verifier.verify(token)
    verifier.load_status_list(_status_list(b"\x10" + b"\x00" * 15))  # bit 3
    with pytest.raises(NotCleared) as failure:
        verifier.verify(token)
    assert failure.value.reason == "revoked"
    verifier.load_status_list(_status_list())
    with pytest.raises(NotCleared) as failure:
        verifier.verify(token, now=time.time() + 7200)
    assert failure.value.reason == "expired"  # the certificate's own exp, kept claims or not
    with pytest.raises(NotCleared) as failure:
        verifier.load_status_list(_swap_payload(_status_list(), {"iat": 1, "exp": 2**40}))
    assert failure.value.reason == "bad_signature"
