"""The gateway API, /api/v1/ (django-ninja). OpenAPI document: /api/v1/openapi.json.

Views only parse input and call selectors/services. Errors are JSON
``{"detail": "..."}``: 400 bad parameter, 401 missing/wrong/revoked key, 403 key
not allowed (wrong model, wrong kind), 404 unknown model or clearance, 503 the
service cannot answer (gateways treat it as "not cleared").
"""

import json

from django.db import DatabaseError
from django.http import HttpResponse
from ninja import Header, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer
from pydantic import Field

from vetting.audit import checkpoints as audit_checkpoints

from . import certificates, check, keys, partner, sync
from .decision import UNAUTHENTICATED, decide
from .schemas import (
    CURSOR_PATTERN,
    AuditKeys,
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
        raw = keys.parse_authorization(f"Bearer {token}")
        return check.authenticate(request, None if raw is None else keys.hash_key(raw))


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

ERRORS = {400: Error, 401: Error, 403: Error, 429: Error, 503: Unavailable}
SERIAL_PATTERN = r"^[A-Z0-9-]+$"
_ETAG = {"description": "The list's version.", "schema": {"type": "string"}}


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
    response = _error(request, exc.status, exc.detail)
    if exc.status == 429:
        response["Retry-After"] = "60"
    return response


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


ORGANIZATION_DESCRIPTION = (
    "The organization's id (1 to 18 digits, not starting with 0) or its SAM.gov UEI "
    "(12 letters and digits in either case, no O or I, not starting with 0, never nine "
    "digits in a row). Nothing around it is stripped. An organization that matches but "
    "does not exist is not cleared (reason `no_clearance`)."
)


@api.get(
    "/check",
    response={200: CheckOut, 404: Error, **ERRORS},
    summary="Is an organization cleared for a model now?",
    openapi_extra={"responses": {404: {"description": "No gated model has that slug."}}},
)
def check_clearance(
    request,
    organization: str = Query(
        ..., pattern=check.ORGANIZATION_PATTERN, description=ORGANIZATION_DESCRIPTION
    ),
    model: str = Query(
        ...,
        pattern=check.MODEL_PATTERN,
        description="Gated model slug; one no gated model has is a 404.",
    ),
    seat: str = Query(
        None,
        max_length=check.SEAT_MAX_LENGTH,
        pattern=check.SEAT_PATTERN,
        description=(
            "Optional seat or end-user identifier, echoed back for the gateway's logs "
            "(empty is the same as absent). No control characters, line separators or "
            "bidirectional controls."
        ),
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


@api.get(
    "/jwks",
    auth=None,
    response={200: Jwks, 400: Error},
    summary="Public keys that sign certificates",
)
def jwks(request):
    check.reject_unknown(request.GET, frozenset())
    return certificates.signing.jwks()


@api.get(
    "/status-list",
    response={200: StatusListOut, 304: None, **ERRORS},
    summary="Signed status list (bit = 1: clearance not valid now)",
    openapi_extra={
        "responses": {
            200: {"headers": {"ETag": _ETAG}},
            304: {
                "description": "Not Modified: If-None-Match names the current list's ETag.",
                "headers": {"ETag": _ETAG},
            },
        }
    },
)
def status_list(
    request,
    if_none_match: str = Header(
        None,
        alias="If-None-Match",
        description="The ETag of the list you hold: 304 while it is still the current one.",
    ),
):
    check.reject_unknown(request.GET, frozenset())
    key = _require_kind(request, "status_list")
    token, etag = certificates.status_list_document(key)
    if etag in (if_none_match or ""):
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
    openapi_extra={"responses": {404: {"description": "No clearance has that serial."}}},
)
def certificate(
    request,
    serial: str = Path(
        ...,
        max_length=32,
        pattern=SERIAL_PATTERN,
        description="The clearance's serial; one no clearance has is a 404.",
    ),
):
    check.reject_unknown(request.GET, frozenset())
    key = _require_kind(request, "certificate")
    clearance = sync.clearance_for_key(serial, key)
    return {"serial": clearance.serial, "certificate": certificates.certificate_mint(clearance)}


class SyncParams(Schema):
    changed_since: str = Field(
        None,
        json_schema_extra={"format": "date-time"},
        description=(
            "An RFC 3339 date-time with its offset (such as 2026-01-31T12:00:00Z): only "
            "clearances changed at or after it. Ignored with a cursor."
        ),
    )
    cursor: str = Field(
        None,
        pattern=CURSOR_PATTERN,
        description=(
            "next_cursor from the previous page: a position in the (changed_at, id) "
            "order, changed_at in microseconds since 1970-01-01T00:00:00Z, then `_` and "
            "the id. The page holds the clearances after it."
        ),
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
        since = sync.parse_changed_since(since)
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


@api.get(
    "/audit/keys",
    auth=None,
    response={200: AuditKeys, 400: Error},
    summary="Public keys that sign the audit checkpoints",
)
def audit_keys(request):
    """Keep these: with them anyone can check an audit checkpoint or an export
    (vetting/audit_verifier.py) without trusting this server or its database."""
    check.reject_unknown(request.GET, frozenset())
    return {"keys": audit_checkpoints.published_keys()}


@api.get(
    "/audit/checkpoints",
    response={200: None, **ERRORS},
    summary="The signed checkpoint log of the audit trail (JSON lines; auditor keys)",
    openapi_extra={
        "responses": {
            200: {
                "description": "One signed checkpoint (a JSON object) per line, oldest first.",
                "content": {"application/jsonl": {"schema": {"type": "string"}}},
            }
        }
    },
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
