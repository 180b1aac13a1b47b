"""GET /api/v1/check — the hot path.

``CheckMiddleware`` sits right after SecurityMiddleware and answers the check
before sessions, CSRF, authentication, messages and URL resolution run: a gateway
calls it on every request, and that stack gives a machine client nothing (no
cookies, no forms, no templates). The django-ninja route of the same path
(vetting.api.api) documents it in the OpenAPI document and calls the same view.

Cost per request: a SHA-256 of the key, then the serialized answer to the same key
and query string if this worker gave it within freshness.MAX_AGE; else the key,
the models and the deny list from the worker's memo (or the database), and one
indexed query for the organization's clearances for the model. ``Cache-Control:
no-cache`` always takes that query. The answer is vetting.api.decision.decide's.
"""

import contextlib
import json
import re
import time

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpResponse

from vetting.organizations import identifiers
from vetting.throttle import throttled

from . import decision, freshness, keys
from .decision import decide

CHECK_PATH = "/api/v1/check"
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")
CHECK_PARAMS = frozenset({"organization", "model", "seat"})

# The parameters exactly as the OpenAPI document states them (vetting.api.api); what
# matches is answered (200 or 404), what does not is a 400.
ID_PATTERN = r"[1-9][0-9]{0,17}"  # 18 digits at most: always within 1..2**63-1
ORGANIZATION_PATTERN = f"^(?:{ID_PATTERN}|{identifiers.UEI_PATTERN})$"
MODEL_PATTERN = f"^{_SLUG.pattern}$"
# Control characters (C0, DEL, C1), the line and paragraph separators and the
# bidirectional embeddings, overrides and isolates: none has a place in a log line.
_UNPRINTABLE = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNPRINTABLE_CHARACTER = re.compile(f"[{_UNPRINTABLE}]")
SEAT_PATTERN = f"^[^{_UNPRINTABLE}]*$"
SEAT_MAX_LENGTH = 200
_ORGANIZATION = re.compile(ORGANIZATION_PATTERN)


class ApiError(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


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
    if _UNPRINTABLE_CHARACTER.search(value):
        raise ApiError(
            400, f"{name}: contains a control, line-separator or bidirectional character."
        )
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
    """("id", 42) for a database id, ("uei", "ABC...") for a SAM.gov UEI; exactly the
    values ORGANIZATION_PATTERN matches, nothing stripped."""
    if _ORGANIZATION.fullmatch(value) is None:
        raise ApiError(400, "organization: " + _organization_problem(value))
    if value.isdigit():  # only ASCII digits match, and a UEI is never all digits
        return ("id", int(value))
    return ("uei", identifiers.normalize_uei(value))


def _organization_problem(value: str) -> str:
    if value.isascii() and value.isdigit():
        return "a numeric id has 1 to 18 digits and does not start with 0."
    try:
        identifiers.validate_uei(value)
    except ValidationError as exc:
        return "give a numeric id or a UEI. " + " ".join(exc.messages)
    return "give a numeric id or a UEI of 12 letters and digits, with nothing around it."


def answer_check(request, *, fresh: bool = False) -> bytes:
    """The check's JSON answer, serialized; raises ApiError for 4xx and DatabaseError
    for 503.

    Most gateways repeat the same ask, so the serialized answer is kept per (key,
    query string) in this window's memo (freshness.MAX_AGE, and never past an allow's
    expiry): a repeat costs a SHA-256 of the key and two dictionary lookups.
    ``fresh`` (Cache-Control: no-cache) reads the clearances from the database."""
    raw_key = keys.parse_authorization(request.META.get("HTTP_AUTHORIZATION"))
    digest = None if raw_key is None else keys.hash_key(raw_key)
    query = request.META.get("QUERY_STRING", "")
    if fresh or digest is None:
        return _answer(request, digest, query)
    reply = freshness.kept(
        ("reply", digest, query),
        usable=lambda reply: reply[1] > time.time(),
        refresh=lambda: _refresh(request, digest, query),
    )
    if reply is None:
        return _answer(request, digest, query)
    keys.note_use(reply[2])
    return reply[0]


def authenticate(request, digest: str | None) -> keys.KeyInfo | None:
    """The live key whose SHA-256 is ``digest``, or None; 429 for a client that gave
    too many wrong keys lately (vetting.throttle), before its key is even looked at.
    A key this worker read as live within MAX_AGE asks no cache: the database path
    of a gateway's repeated ask costs no round trip to Redis."""
    if digest is None:
        return None
    if freshness.memo().get(("key", digest)):  # a live key, read within MAX_AGE
        return keys.authenticate_hash(digest)
    if throttled(request, "api_key_failure", count=False):
        raise ApiError(429, "Too many requests with a wrong API key from here; wait a minute.")
    key = keys.authenticate_hash(digest)
    if key is None:
        throttled(request, "api_key_failure")
    return key


def _answer(request, digest, query) -> bytes:
    memo = freshness.memo()  # before any read: what is read below is kept in it
    # The key first: an unauthenticated caller learns nothing, not even about parameters.
    key = authenticate(request, digest)
    _raise_unless_admitted(decide(key, "check"))
    params = request.GET
    reject_unknown(params, CHECK_PARAMS)
    organization = _clean(params, "organization", required=True, max_length=64)
    slug = _clean(params, "model", required=True, max_length=60)
    seat = _clean(params, "seat", required=False, max_length=200)
    if not _SLUG.fullmatch(slug):
        raise ApiError(400, "model: a model slug has only letters, digits, - and _.")
    org = parse_organization(organization)
    model = decision.models().get(slug)
    if model is None:
        raise ApiError(404, f"model: no gated model has the slug {slug!r}.")
    clearances, denied = decision.facts_for(org, model)
    answer = decide(key, "check", model=model, clearances=clearances, denied=denied)
    _raise_unless_admitted(answer)
    body = json.dumps(
        {**decision.check_answer(answer, model), "organization": organization, "seat": seat}
    ).encode()
    # An allow stops being reusable at the clearance's expiry, which no write marks.
    best = answer.clearance.clearance
    valid_until = best.expires_at.timestamp() if answer.cleared else float("inf")
    if digest is not None:
        freshness.put(memo, ("reply", digest, query), (body, valid_until, key))
    return body


def _refresh(request, digest, query) -> None:
    """The answer recomputed after the previous one was sent (freshness); a refusal
    now (a revoked key, a model gone) is kept by nobody and met by the next ask."""
    with contextlib.suppress(ApiError):
        _answer(request, digest, query)


def _raise_unless_admitted(answer: decision.Decision) -> None:
    if answer.status != 200:
        raise ApiError(answer.status, answer.detail)


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
        return _json(405, {"detail": "Use GET (or HEAD)."}, Allow="GET, HEAD")
    fresh = "no-cache" in request.META.get("HTTP_CACHE_CONTROL", "")
    try:
        body = answer_check(request, fresh=fresh)
    except ApiError as exc:
        extra = {401: {"WWW_Authenticate": "Bearer"}, 429: {"Retry_After": "60"}}
        extra = extra.get(exc.status, {})
        return _json(exc.status, {"detail": exc.detail}, **extra)
    except DatabaseError:
        return _unavailable()
    return _response(body)


class CheckMiddleware:
    """Answers the check before the rest of the middleware runs (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == CHECK_PATH:
            return check_view(request)
        return self.get_response(request)
