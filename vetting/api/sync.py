"""Reads for gateways that keep their own copy: one clearance, pages of changes."""

import re
from datetime import UTC, datetime, timedelta

from django.db.models import Q

from vetting.clearances.models import Clearance

from . import check, decision
from .decision import decide
from .keys import KeyInfo
from .schemas import CURSOR_PATTERN


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


_CURSOR = re.compile(CURSOR_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def encode_cursor(clearance: Clearance) -> str:
    return f"{(clearance.changed_at - _EPOCH) // _MICROSECOND}_{clearance.pk}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    if _CURSOR.fullmatch(cursor) is None:
        raise check.ApiError(400, "cursor: not a cursor this API returned.")
    stamp, _, pk = cursor.partition("_")
    return _EPOCH + int(stamp) * _MICROSECOND, int(pk)


# RFC 3339's date-time (JSON Schema's format "date-time"), and nothing else.
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))"
)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MIN_MICROS = (datetime.min.replace(tzinfo=UTC) - _EPOCH) // _MICROSECOND
_MAX_MICROS = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _MICROSECOND
NOTHING_AFTER = object()  # changed_since later than any time the database can hold


def parse_changed_since(value: str) -> datetime | None | object:
    """An RFC 3339 date-time as the earliest changed_at to include: an aware UTC
    datetime, rounded up to the microsecond (changed_at has no finer one); None when
    it is before any time the database can hold (every row), NOTHING_AFTER when after.
    A leap second (second 60, at 23:59 UTC) is the start of the next minute. 400 for
    anything else: a naive time, a date alone, an impossible date."""
    match = _DATE_TIME.fullmatch(value)
    if match is None:
        raise check.ApiError(
            400, "changed_since: give an RFC 3339 date-time such as 2026-01-31T12:00:00Z."
        )
    year, month, day, hour, minute, second = (int(g) for g in match.group(1, 2, 3, 4, 5, 6))
    fraction, sign, offset_hour, offset_minute = match.group(7, 8, 9, 10)
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    offset = 0
    if sign:
        offset = (int(offset_hour) * 60 + int(offset_minute)) * (-1 if sign == "-" else 1)
    utc_minute = (hour * 60 + minute - offset) % (24 * 60)
    if (
        not 1 <= month <= 12
        or not 1 <= day <= _DAYS_IN_MONTH[month - 1] + leap
        or hour > 23
        or minute > 59
        or second > 60
        or (second == 60 and utc_minute != 23 * 60 + 59)
        or (sign and (int(offset_hour) > 23 or int(offset_minute) > 59))
    ):
        raise check.ApiError(400, f"changed_since: {value[:40]!r} is not a time that exists.")
    micros = 0
    if fraction and second != 60:  # within a leap second: the next minute comes first
        micros = int(fraction[:6].ljust(6, "0")) + (fraction[6:].strip("0") != "")
    minutes = _days_since_epoch(year, month, day) * 24 * 60 + hour * 60 + minute - offset
    total = (minutes * 60 + second) * 1_000_000 + micros
    if total < _MIN_MICROS:
        return None
    if total > _MAX_MICROS:
        return NOTHING_AFTER
    return _EPOCH + total * _MICROSECOND


def _days_since_epoch(year: int, month: int, day: int) -> int:
    # Proleptic Gregorian, year 0 included (RFC 3339 allows 0000; datetime does not).
    year -= month <= 2
    era, year_of_era = divmod(year, 400)
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _row(clearance: Clearance, answer: decision.Decision, model: decision.ModelInfo) -> dict:
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
    key: KeyInfo, *, changed_since: datetime | None | object, cursor: str | None, limit: int
) -> dict:
    """Clearances of the key's models ordered by (changed_at, id), ``limit`` at a time.
    A client stores next_cursor and passes it back; rows changed meanwhile come
    again later with their new changed_at. ``changed_since`` is parse_changed_since's
    (ignored with a cursor, which is a later position)."""
    rows = (
        Clearance.objects.filter(gated_model_id__in=key.model_ids)
        .select_related("organization")
        .order_by("changed_at", "id")
    )
    if cursor is not None:
        when, pk = decode_cursor(cursor)
        rows = rows.filter(Q(changed_at__gt=when) | Q(changed_at=when, id__gt=pk))
    elif changed_since is NOTHING_AFTER:
        rows = rows.none()
    elif changed_since is not None:
        rows = rows.filter(changed_at__gte=changed_since)
    page = list(rows[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    models = decision.models_by_id()
    answers = decision.decide_each(key, "sync", page)
    return {
        "items": [_row(c, answer, models[c.gated_model_id]) for c, answer in answers],
        "next_cursor": encode_cursor(page[-1]) if page else cursor,
        "has_more": has_more,
    }
