"""Response and error shapes of the gateway API, as published in the OpenAPI document."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

# A sync cursor is a position in the (changed_at, id) order: changed_at in
# microseconds since 1970-01-01T00:00:00Z, "_", the id. Every string that matches is
# a position (16 digits reach the year 2286, 18 digits stay below 2**63), so any
# match is answered with the rows after it (vetting.api.sync).
CURSOR_PATTERN = r"^[0-9]{1,16}_[0-9]{1,18}$"

Reason = Literal[
    "no_clearance", "expired", "suspended", "revoked", "model_suspended", "denied_party"
]


class Error(Schema):
    detail: str


class Unavailable(Schema):
    detail: str
    cleared: Literal[False]
    reason: Literal["unavailable"]


class CheckOut(Schema):
    cleared: bool
    reason: Reason | None
    organization: str
    organization_id: int | None
    model: str
    serial: str | None
    state: Literal["active", "suspended", "revoked", "expired"] | None
    expires_at: datetime | None
    seats: int | None
    conditions: str | None
    status_index: int | None
    seat: str | None


class Jwk(Schema):
    kty: Literal["OKP"]
    crv: Literal["Ed25519"]
    alg: Literal["EdDSA"]
    use: Literal["sig"]
    kid: str
    x: str


class Jwks(Schema):
    keys: list[Jwk]


class StatusListOut(Schema):
    status_list: str


class CertificateOut(Schema):
    serial: str
    certificate: str


class ClearanceOut(Schema):
    serial: str
    organization_id: int
    organization: str
    uei: str
    model: str
    state: Literal["active", "suspended", "revoked", "expired"]
    cleared: bool
    reason: Reason | None
    seats: int
    conditions: str
    issued_at: datetime
    expires_at: datetime
    changed_at: datetime
    status_index: int | None


class ClearancePage(Schema):
    items: list[ClearanceOut]
    next_cursor: Annotated[str, Field(pattern=CURSOR_PATTERN)] | None
    has_more: bool


class PartnerRow(Schema):
    serial: str
    organization: str
    uei: str
    ein: str
    cage: str
    country: str
    sectors: list[str]
    clearance_sector: str
    model: str
    model_slug: str
    seats: int
    issued: date
    expires: date
    signed_off_by: str
    signed_off_at: datetime | None


class PartnerChanges(Schema):
    added: list[PartnerRow]
    removed: list[PartnerRow]
    changed: list[PartnerRow]


class PartnerDocument(Schema):
    version: int
    generated_at: datetime
    previous_version: int | None
    entries: list[PartnerRow]
    changes: PartnerChanges


class PartnerListOut(Schema):
    version: int
    token: str
    document: PartnerDocument


class AuditKey(Schema):
    kid: str
    alg: Literal["Ed25519"]
    public_key: str
    current: bool


class AuditKeys(Schema):
    keys: list[AuditKey]
