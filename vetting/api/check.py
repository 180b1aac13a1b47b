"""GET /api/v1/check — the hot path.

``CheckMiddleware`` sits right after SecurityMiddleware and answers the check
before sessions, CSRF, authentication, messages and URL resolution run: a gateway
calls it on every request, and that stack is ~20% of a bare view's cost while
giving a machine client nothing (no cookies, no forms, no templates). The same
function is also routed through the django-ninja API, which documents it in the
OpenAPI document.

A repeated ask (same key and query string, this generation) does not even reach
Django: vetting.api.replay resends its serialized answer (see ``replay`` below).

Cost per request here: the generation token (in-process, re-read from Redis at
most every 0.5 s), then the serialized answer to the same key and query string,
if this generation has given it; else in-process lookups of the key, the model and
the answer. On a miss (first ask in a generation, or ``Cache-Control:
no-cache``): one indexed query for the organization's clearances for the model,
a prepared statement on PostgreSQL (vetting.api.lookup). The answer comes
from ``vetting.clearances.selectors.evaluate``, the one place the rule lives.
"""

import json
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils import timezone

from vetting import permissions
from vetting.clearances.selectors import evaluate
from vetting.gated_models.models import GatedModel
from vetting.organizations import identifiers

from . import freshness, keys, lookup

CHECK_PATH = "/api/v1/check"
BARE_PATH = "/api/v1/_bare"
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")
_MAX_ID = 2**63 - 1
_MAX_ANSWERS = 100_000
_MAX_REPLIES = 20_000  # serialized answers (~0.5 kB each) kept per generation
CHECK_PARAMS = frozenset({"organization", "model", "seat"})


class ApiError(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


@dataclass(frozen=True)
class ModelInfo:
    id: int
    slug: str
    suspended: bool
    restored_sector_ids: frozenset[int]


def _response(body: bytes, status: int = 200, **headers) -> HttpResponse:
    # Content-Length here, not by CommonMiddleware, which the check never reaches.
    response = HttpResponse(body, status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    response["Content-Length"] = str(len(body))
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _json(status: int, payload: dict, **headers) -> HttpResponse:
    return _response(json.dumps(payload).encode(), status, **headers)


def _clean(params, name: str, *, required: bool, max_length: int) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise ApiError(400, f"{name}: this parameter is required.")
        return None
    if len(value) > max_length:
        raise ApiError(400, f"{name}: at most {max_length} characters.")
    if not value.isprintable():
        raise ApiError(400, f"{name}: contains control characters (such as NUL).")
    return value


def reject_unknown(params, known: frozenset[str]) -> None:
    """A misspelt parameter is an error, not silently ignored."""
    unknown = params.keys() - known
    if unknown:
        name = sorted(unknown)[0]
        raise ApiError(
            400,
            f"{name[:40]!r}: unknown parameter; expected "
            + (", ".join(sorted(known)) or "none")
            + ".",
        )


def parse_organization(value: str) -> tuple[str, int | str]:
    """("id", 42) for a database id, ("uei", "ABC...") for a SAM.gov UEI."""
    if value.isdigit() and value.isascii():
        number = int(value)
        if not 1 <= number <= _MAX_ID:
            raise ApiError(400, "organization: the id is out of range.")
        return ("id", number)
    try:
        identifiers.validate_uei(value)
    except ValidationError as exc:
        raise ApiError(
            400, "organization: give a numeric id or a UEI. " + " ".join(exc.messages)
        ) from exc
    return ("uei", identifiers.normalize_uei(value))


def models() -> dict[str, ModelInfo]:
    memo = freshness.memo()
    models = memo.get("models")
    if models is None:
        restored: dict[int, set[int]] = {}
        for model_id, sector_id in GatedModel.restored_sectors.through.objects.values_list(
            "gatedmodel_id", "sector_id"
        ):
            restored.setdefault(model_id, set()).add(sector_id)
        models = memo["models"] = {
            slug: ModelInfo(
                pk,
                slug,
                status == GatedModel.AccessStatus.SUSPENDED,
                frozenset(restored.get(pk, ())),
            )
            for pk, slug, status in GatedModel.objects.values_list("pk", "slug", "access_status")
        }
    return models


def denied_ids() -> set[int]:
    from vetting.screening.selectors import denied_organization_ids

    memo = freshness.memo()
    denied = memo.get("denied")
    if denied is None:
        denied = memo["denied"] = frozenset(denied_organization_ids())
    return denied


def _answer_from_db(org: tuple[str, int | str], model: ModelInfo) -> tuple[dict, float]:
    clearances = lookup.clearances_for(org, model.id)
    organization_id = clearances[0].organization_id if clearances else None
    denied = organization_id in denied_ids() if organization_id else False
    now = timezone.now()
    status = evaluate(
        clearances,
        model_suspended=model.suspended,
        restored_sector_ids=model.restored_sector_ids,
        denied=denied,
        now=now,
    )
    best = status.clearance
    answer = {
        "cleared": status.cleared,
        "reason": None if status.reason is None else str(status.reason),
        "organization_id": organization_id,
        "model": model.slug,
        "serial": best.serial if best else None,
        "state": best.state if best else None,
        "expires_at": best.expires_at.isoformat() if best else None,
        "seats": best.seats if best else None,
        "conditions": best.conditions if best else None,
        "status_index": best.status_index if best else None,
    }
    # An allow stops being reusable at the clearance's expiry, which no write marks.
    valid_until = best.expires_at.timestamp() if status.cleared else float("inf")
    return answer, valid_until


def answer_check(request, *, fresh: bool = False) -> bytes:
    """The check's JSON answer, serialized; raises ApiError for 4xx and
    freshness.Unavailable (or DatabaseError) for 503.

    Most gateways repeat the same ask, so the serialized answer is kept per (key,
    query string) for the generation (and never past an allow's expiry): a repeat
    costs a SHA-256 of the key and two dictionary lookups."""
    raw_key = keys.parse_authorization(request.META.get("HTTP_AUTHORIZATION"))
    digest = None if raw_key is None else keys.hash_key(raw_key)
    query = request.META.get("QUERY_STRING", "")
    # Taken before any read: what is computed below is kept in this generation's
    # memo, which a change committed meanwhile has already made stale.
    memo = freshness.memo()
    replies = memo.setdefault("replies", {})
    hit = None if fresh or digest is None else _live_reply(memo, digest, query)
    if hit is not None:
        keys.note_use(hit[2])
        return hit[0]
    # The key first: an unauthenticated caller learns nothing, not even about parameters.
    key = None if digest is None else keys.authenticate_hash(digest)
    if key is None:
        raise ApiError(401, "A valid API key is required (Authorization: Bearer vk_...).")
    # Asked before any answer is kept: the replay only resends what passed here.
    wrong_kind = permissions.key_refusal(key.kind, "check")
    if wrong_kind:
        raise ApiError(403, wrong_kind)
    params = request.GET
    reject_unknown(params, CHECK_PARAMS)
    organization = _clean(params, "organization", required=True, max_length=64)
    slug = _clean(params, "model", required=True, max_length=60)
    seat = _clean(params, "seat", required=False, max_length=200)
    if not _SLUG.fullmatch(slug):
        raise ApiError(400, "model: a model slug has only letters, digits, - and _.")
    org = parse_organization(organization)
    model = models().get(slug)
    if model is None:
        raise ApiError(404, f"model: no gated model has the slug {slug!r}.")
    if model.id not in key.model_ids:
        raise ApiError(403, f"This key is not scoped to the model {slug!r}.")
    answers = memo.setdefault("answers", {})
    cached = None if fresh else answers.get((org, model.id))
    if cached is None or cached[1] <= time.time():
        cached = _answer_from_db(org, model)
        _bounded_put(answers, (org, model.id), cached)
    answer, valid_until = cached
    body = json.dumps({**answer, "organization": organization, "seat": seat}).encode()
    _bounded_put(replies, (digest, query), (body, valid_until, key), _MAX_REPLIES)
    return body


def _live_reply(memo: dict, digest: str, query: str):
    """(body, valid until, key) given this generation to the same ask, if still valid."""
    hit = memo.get("replies", {}).get((digest, query))
    return hit if hit is not None and hit[1] > time.time() else None


def replay(meta) -> bytes | None:
    """The serialized answer to a repeated ask, for vetting.api.replay to send
    without Django's request handling; None when the ask needs that handling: no
    such answer in this generation, ``no-cache``, no key, the generation unreadable
    (Django then answers 503), or the key's last use due to be recorded (a write)."""
    if "no-cache" in meta.get("HTTP_CACHE_CONTROL", ""):
        return None
    raw_key = keys.parse_authorization(meta.get("HTTP_AUTHORIZATION"))
    if raw_key is None:
        return None
    try:
        memo = freshness.memo()
    except freshness.Unavailable:
        return None
    hit = _live_reply(memo, keys.hash_key(raw_key), meta.get("QUERY_STRING", ""))
    if hit is None or keys.use_note_due(hit[2]):
        return None
    return hit[0]


def _bounded_put(cache: dict, key, value, limit: int = _MAX_ANSWERS) -> None:
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value


def _unavailable() -> HttpResponse:
    # Fail closed: the gateway must treat 503 as "not cleared".
    body = {
        "detail": "The clearance service cannot answer now; treat the organization as "
        "not cleared and retry.",
        "cleared": False,
        "reason": "unavailable",
    }
    return _json(503, body, Retry_After="1")


def check_view(request) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return _json(405, {"detail": "Use GET."}, Allow="GET")
    fresh = "no-cache" in request.META.get("HTTP_CACHE_CONTROL", "")
    try:
        body = answer_check(request, fresh=fresh)
    except ApiError as exc:
        extra = {"WWW_Authenticate": "Bearer"} if exc.status == 401 else {}
        return _json(exc.status, {"detail": exc.detail}, **extra)
    except (freshness.Unavailable, DatabaseError):
        return _unavailable()
    return _response(body)


class CheckMiddleware:
    """Short-circuits the check (and, for the benchmark only, a bare JSON view)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.bare = settings.VETTING_BENCH_BARE

    def __call__(self, request):
        path = request.path_info
        if path == CHECK_PATH:
            return check_view(request)
        if self.bare and path == BARE_PATH:
            return _json(200, {"ok": True})
        return self.get_response(request)
