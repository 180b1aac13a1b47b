"""The gateway API, /api/v1/ (django-ninja). OpenAPI document: /api/v1/openapi.json.

Views only parse input and call selectors/services. Errors are JSON
``{"detail": "..."}``: 400 bad parameter, 401 missing/wrong/revoked key, 403 key
not allowed (wrong model, wrong kind), 404 unknown model or clearance, 503 the
service cannot answer (gateways treat it as "not cleared").
"""

import json
import re
from datetime import UTC, datetime
from typing import Annotated

from django.db import DatabaseError
from django.http import HttpResponse
from ninja import NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer
from pydantic import BeforeValidator, Field

from vetting.audit import checkpoints as audit_checkpoints

from . import certificates, check, keys, partner, sync
from .decision import UNAUTHENTICATED, decide
from .schemas import (
    CertificateOut,
    CheckOut,
    ClearancePage,
    Error,
    Jwks,
    PartnerListOut,
    StatusListOut,
    Unavailable,
)


class KeyAuth(HttpBearer):
    """``Authorization: Bearer vk_<prefix>_<secret>``; keys are made in the admin."""

    def authenticate(self, request, token):
        return keys.authenticate(keys.parse_authorization(f"Bearer {token}"))


api = NinjaAPI(
    title="Vetting gateway API",
    version="1.0.0",
    description=(
        "Clearance checks, signed clearance certificates, the status list, sync and "
        "the partner list for model gateways and auditors. Authenticate with "
        "`Authorization: Bearer <key>` (keys are created in the admin and shown once). "
        "A 503 answer means the service cannot answer now: treat it as not cleared."
    ),
    urls_namespace="api-v1",
    auth=KeyAuth(),
)

ERRORS = {400: Error, 401: Error, 403: Error, 503: Unavailable}


def _error(request, status: int, detail: str, **extra):
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    problems = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {error.get('msg', 'invalid value')}")
    return _error(request, 400, "; ".join(problems) or "Invalid request.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = _error(request, 401, UNAUTHENTICATED)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(check.ApiError)
def _api_error(request, exc):
    return _error(request, exc.status, exc.detail)


@api.exception_handler(DatabaseError)
def _unavailable(request, exc):
    return _error(
        request,
        503,
        "The clearance service cannot answer now; treat the organization as not cleared and retry.",
        cleared=False,
        reason="unavailable",
    )


def _require_kind(request, endpoint: str) -> keys.KeyInfo:
    """403 unless the key's kind may ask ``endpoint`` (decide's first question)."""
    answer = decide(request.auth, endpoint)
    if answer.status != 200:
        raise check.ApiError(answer.status, answer.detail)
    return request.auth


@api.get(
    "/check",
    response={200: CheckOut, 404: Error, **ERRORS},
    summary="Is an organization cleared for a model now?",
)
def check_clearance(
    request,
    organization: str = Query(..., description="Organization id or SAM.gov UEI."),
    model: str = Query(..., description="Gated model slug."),
    seat: str | None = Query(
        None,
        description="Optional seat or end-user identifier, echoed back for the gateway's logs.",
    ),
):
    """Whether the organization is cleared for the model now; if not, `reason` says
    why. An answer is at most 0.5 s older than the last change to it; send
    `Cache-Control: no-cache` to have this one's clearances read from the database.
    A 503 means the service cannot know now: treat the organization as not cleared
    and retry."""
    # Answered by CheckMiddleware before Django's URL routing; this route documents
    # it (and answers identically if the middleware is removed).
    return check.check_view(request)


@api.get("/jwks", auth=None, response=Jwks, summary="Public keys that sign certificates")
def jwks(request):
    check.reject_unknown(request.GET, frozenset())
    return certificates.signing.jwks()


@api.get(
    "/status-list",
    response={200: StatusListOut, 304: None, **ERRORS},
    summary="Signed status list (bit = 1: clearance not valid now)",
)
def status_list(request):
    check.reject_unknown(request.GET, frozenset())
    key = _require_kind(request, "status_list")
    token, etag = certificates.status_list_document(key)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = api.create_response(request, {"status_list": token}, status=200)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


@api.get(
    "/clearances/{serial}/certificate",
    response={200: CertificateOut, 404: Error, **ERRORS},
    summary="Signed certificate of one clearance",
)
def certificate(request, serial: str = Path(..., max_length=32, pattern=r"^[A-Z0-9-]+$")):
    check.reject_unknown(request.GET, frozenset())
    key = _require_kind(request, "certificate")
    clearance = sync.clearance_for_key(serial, key)
    return {"serial": clearance.serial, "certificate": certificates.certificate_mint(clearance)}


def _iso_8601_only(value):
    # pydantic would also take "0.5" as seconds since 1970; the API promises ISO 8601.
    if isinstance(value, str) and not re.match(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("give an ISO 8601 time such as 2026-01-31T12:00:00Z")
    return value


IsoTime = Annotated[datetime, BeforeValidator(_iso_8601_only)]


class SyncParams(Schema):
    changed_since: IsoTime | None = Field(
        None, description="ISO 8601 time; only clearances changed at or after it."
    )
    cursor: str | None = Field(
        None, max_length=200, description="next_cursor from the previous page."
    )
    limit: int = Field(100, ge=1, le=500)


@api.get(
    "/clearances",
    response={200: ClearancePage, **ERRORS},
    summary="Clearances changed since a time, oldest change first",
)
def clearances(request, params: Query[SyncParams]):
    check.reject_unknown(request.GET, frozenset(SyncParams.model_fields))
    key = _require_kind(request, "sync")
    since = params.changed_since
    if since is not None:
        try:
            since = (since if since.tzinfo else since.replace(tzinfo=UTC)).astimezone(UTC)
        except OverflowError as exc:
            raise check.ApiError(400, "changed_since: out of range.") from exc
    return sync.clearance_page(key, changed_since=since, cursor=params.cursor, limit=params.limit)


@api.get(
    "/partner-list",
    response={200: PartnerListOut, **ERRORS},
    summary="Signed, versioned list of active clearances (auditor keys)",
)
def partner_list(request):
    check.reject_unknown(request.GET, frozenset())
    key = _require_kind(request, "partner_list")
    document = partner.partner_list_document(partner.partner_list_publish(key))
    return {
        "version": document["version"],
        "token": partner.partner_list_signed(document),
        "document": document,
    }


@api.get("/audit/keys", auth=None, summary="Public keys that sign the audit checkpoints")
def audit_keys(request):
    """Keep these: with them anyone can check an audit checkpoint or an export
    (vetting/audit_verifier.py) without trusting this server or its database."""
    check.reject_unknown(request.GET, frozenset())
    return {"keys": audit_checkpoints.published_keys()}


@api.get(
    "/audit/checkpoints",
    response={200: None, **ERRORS},
    summary="The signed checkpoint log of the audit trail (JSON lines; auditor keys)",
)
def audit_checkpoint_log(
    request, after: int = Query(0, ge=0, description="Only checkpoints numbered above this.")
):
    """One signed checkpoint per line, oldest first: keep a copy and append what is new
    (`?after=<last seq you hold>`); `manage.py audit_verify --checkpoints <copy>` and
    the offline verifier hold the trail to it."""
    check.reject_unknown(request.GET, frozenset({"after"}))
    _require_kind(request, "audit_checkpoints")
    lines = [
        json.dumps(c, sort_keys=True) + "\n"
        for c in audit_checkpoints.read_log()
        if c.get("seq", 0) > after
    ]
    response = HttpResponse("".join(lines), content_type="application/jsonl")
    response["Cache-Control"] = "no-cache"
    return response
