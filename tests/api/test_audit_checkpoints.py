"""/api/v1/audit/keys is public; /api/v1/audit/checkpoints answers auditor keys only."""

import json

from vetting import audit_verifier as trail
from vetting.audit import checkpoints


def _lines(response) -> list[dict]:
    return [json.loads(line) for line in response.content.decode().splitlines()]


def test_the_audit_public_key_is_published_without_a_key(client, db):
    response = client.get("/api/v1/audit/keys")
    assert response.status_code == 200
    (key,) = response.json()["keys"]
    kid, public = trail.parse_public_key(key["public_key"])
    assert kid == key["kid"] and key["current"] is True
    signed = checkpoints.sign({"seq": 1})
    assert trail.signature_valid(
        {kid: public}, signed["kid"], trail.checkpoint_body(signed), signed["sig"]
    )


def test_an_auditor_key_reads_the_checkpoint_log_and_what_is_new(client, cast, auditor_key):
    cast.walk_to("approved")
    first = checkpoints.write_checkpoint(force=True)
    second = checkpoints.write_checkpoint(force=True)
    headers = {"Authorization": f"Bearer {auditor_key}"}
    whole = client.get("/api/v1/audit/checkpoints", headers=headers)
    assert whole.status_code == 200 and whole["Content-Type"] == "application/jsonl"
    assert _lines(whole) == [first, second]
    newer = client.get("/api/v1/audit/checkpoints", {"after": 1}, headers=headers)
    assert _lines(newer) == [second]


def test_checkpoints_refuse_a_gateway_key_and_no_key(client, gateway_key, db):
    refused = client.get(
        "/api/v1/audit/checkpoints", headers={"Authorization": f"Bearer {gateway_key}"}
    )
    assert (refused.status_code, refused.json()) == (
        403,
        {"detail": "This endpoint needs an auditor key."},
    )
    assert client.get("/api/v1/audit/checkpoints").status_code == 401


def test_tampered_query_strings_are_400s(client, auditor_key):
    headers = {"Authorization": f"Bearer {auditor_key}"}
    for params in ({"after": "-1"}, {"after": "x"}, {"before": "2"}):
        assert client.get("/api/v1/audit/checkpoints", params, headers=headers).status_code == 400
    assert client.get("/api/v1/audit/keys", {"kid": "x"}).status_code == 400
