"""Reads for gateways that keep their own copy: one clearance, pages of changes."""

import base64
import binascii
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from vetting.clearances.models import Clearance

from . import check, decision
from .decision import decide
from .keys import KeyInfo


def clearance_for_key(serial: str, key: KeyInfo) -> Clearance:
    """The clearance with ``serial``: 404 if none, 403 if the key may not see its model."""
    clearance = (
        Clearance.objects.select_related("organization", "gated_model", "sector")
        .filter(serial=serial)
        .first()
    )
    if clearance is None:
        raise check.ApiError(404, f"serial: no clearance has the serial {serial!r}.")
    model = decision.models_by_id()[clearance.gated_model_id]
    answer = decide(key, "certificate", model=model, clearances=[clearance])
    if answer.status != 200:
        raise check.ApiError(answer.status, answer.detail)
    return clearance


def encode_cursor(clearance: Clearance) -> str:
    raw = f"{clearance.changed_at.isoformat()}|{clearance.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, pk = raw.partition("|")
        when, number = datetime.fromisoformat(stamp), int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise check.ApiError(400, "cursor: not a cursor this API returned.") from exc
    if when.tzinfo is None or not 0 < number < 2**63:
        raise check.ApiError(400, "cursor: not a cursor this API returned.")
    return when, number


def _row(key: KeyInfo, clearance: Clearance, models_by_id: dict, denied: frozenset, now) -> dict:
    model = models_by_id[clearance.gated_model_id]
    answer = decide(
        key,
        "sync",
        model=model,
        clearances=[clearance],
        denied=clearance.organization_id in denied,
        now=now,
    )
    status = answer.clearance
    org = clearance.organization
    return {
        "serial": clearance.serial,
        "organization_id": org.pk,
        "organization": org.legal_name,
        "uei": org.uei,
        "model": model.slug,
        "state": clearance.state,
        "cleared": status.cleared,
        "reason": None if status.reason is None else str(status.reason),
        "seats": clearance.seats,
        "conditions": clearance.conditions,
        "issued_at": clearance.issued_at,
        "expires_at": clearance.expires_at,
        "changed_at": clearance.changed_at,
        "status_index": clearance.status_index,
    }


def clearance_page(
    key: KeyInfo, *, changed_since: datetime | None, cursor: str | None, limit: int
) -> dict:
    """Clearances of the key's models ordered by (changed_at, id), ``limit`` at a time.
    A client stores next_cursor and passes it back; rows changed meanwhile come
    again later with their new changed_at."""
    rows = (
        Clearance.objects.filter(gated_model_id__in=key.model_ids)
        .select_related("organization")
        .order_by("changed_at", "id")
    )
    if cursor:
        when, pk = decode_cursor(cursor)
        rows = rows.filter(Q(changed_at__gt=when) | Q(changed_at=when, id__gt=pk))
    elif changed_since is not None:
        rows = rows.filter(changed_at__gte=changed_since)
    page = list(rows[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    models_by_id = decision.models_by_id()
    denied = decision.denied_ids()
    now = timezone.now()
    return {
        "items": [_row(key, c, models_by_id, denied, now) for c in page],
        "next_cursor": encode_cursor(page[-1]) if page else cursor,
        "has_more": has_more,
    }
